// Button action ids and the `/mms` command texts that buttons carry.
//
// Every navigating or acting button is an ACTION_RUN button whose value is a command text (without
// `/mms `) that the listener runs as if the clicking user typed it. Within one actions block the first run
// button has action_id `mms_run`, the next `mms_run:1`, `mms_run:2`… (see `actions()` in kit.ts); match them
// with RUN_ACTION_ID.
import type { Button } from '@slack/types';
import { button } from './kit.js';
import type { RenderCtx } from './types.js';

export const ACTION_RUN = 'mms_run';
export const ACTION_CONFIRM = 'mms_confirm';
export const ACTION_CANCEL = 'mms_cancel';
/** Matches every run button's action_id. */
export const RUN_ACTION_ID = /^mms_run(:\d+)?$/;

/** A button that runs `command` (a `/mms` text without the `/mms ` prefix). */
export function runButton(text: string, command: string, style?: 'primary' | 'danger'): Button {
  return button(text, ACTION_RUN, command, style);
}

const REGION_FLAG = /(^|\s)--region(\s|=)/;

/** Appends ` --region <id>` when the data came from another region than the default; idempotent. */
export function withRegion(command: string, ctx: Pick<RenderCtx, 'region' | 'defaultRegion'>): string {
  if (ctx.region === ctx.defaultRegion || REGION_FLAG.test(command)) return command;
  return `${command} --region ${ctx.region}`;
}

/**
 * One command argument. Names made of plain characters go as they are; anything with spaces or quotes is
 * quoted the way the command tokenizer reads it: `"…"` (a `"` inside becomes `\"`), or `'…'` when the
 * value holds a `"` but no `'`. MMS names normally never need it.
 */
export function arg(value: string | number): string {
  const s = String(value);
  if (/^[^\s"']+$/.test(s)) return s;
  if (s.includes('"') && !s.includes("'")) return `'${s}'`;
  return `"${s.replace(/"/g, '\\"')}"`;
}

/**
 * Builders of every command text a button can carry, in one place. Ids are used for sources, jobs, tasks
 * and timers; databases and tables have names only.
 */
export const cmd = {
  sources: () => 'sources',
  source: (sid: number) => `source ${sid}`,
  scan: (sid: number) => `scan ${sid}`,
  dbs: (sid: number) => `dbs ${sid}`,
  tables: (sid: number, db: string) => `tables ${sid} ${arg(db)}`,
  partitions: (sid: number, db: string, table: string) => `partitions ${sid} ${arg(`${db}.${table}`)}`,
  migrate: (sid: number, db?: string, tables?: string[]) =>
    `migrate ${sid}` +
    (db ? ` ${arg(db)}` : '') +
    (tables?.length ? ` --tables ${arg(tables.join(','))}` : ''),
  jobs: (sid: number) => `jobs ${sid}`,
  job: (sid: number, jobId: number) => `job ${sid} ${jobId}`,
  jobOp: (op: 'stop' | 'start' | 'retry' | 'delete', sid: number, jobId: number) => `${op} ${sid} ${jobId}`,
  tasks: (sid: number, jobId?: number, status?: string) =>
    `tasks ${sid}` +
    (jobId !== undefined ? ` --job ${jobId}` : '') +
    (status ? ` --status ${arg(status)}` : ''),
  task: (sid: number, taskId: number) => `task ${sid} ${taskId}`,
  logs: (sid: number, taskId: number) => `logs ${sid} ${taskId}`,
  retryTask: (sid: number, taskId: number) => `retry-task ${sid} ${taskId}`,
  timers: (sid: number) => `timers ${sid}`,
  timer: (sid: number, timerId: number) => `timer ${sid} ${timerId}`,
  timerLogs: (sid: number, timerId: number) => `timer-logs ${sid} ${timerId}`,
  timerOp: (op: 'pause' | 'resume' | 'run' | 'delete', sid: number, timerId: number) =>
    `timer-${op} ${sid} ${timerId}`,
  diagnoseJob: (sid: number, jobId: number) => `diagnose ${sid} job:${jobId}`,
  diagnoseTask: (sid: number, taskId: number) => `diagnose ${sid} task:${taskId}`,
  watch: (sid: number, jobId: number) => `watch ${sid} ${jobId}`,
  unwatch: (sid: number, jobId: number) => `unwatch ${sid} ${jobId}`,
  setup: () => 'setup',
  regions: () => 'regions',
};

/** Strips a leading `/mms ` from a command shown to users. */
export function bareCommand(text: string): string {
  return text.trim().replace(/^\/mms\s+/, '');
}
