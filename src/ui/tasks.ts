// Tasks: the list, one task, and its logs (which can be a megabyte: the failing part is always kept).
import type { Button, KnownBlock } from '@slack/types';
import {
  isTaskFailed,
  type Job,
  type Page,
  type Task,
  type TaskLog,
  taskPartitionFilter,
} from '../mms/schemas.js';
import { cmd, runButton, withRegion } from './actions.js';
import { listMessage, sourceLabel } from './common.js';
import { codeBlock, esc, inlineCode, truncate, truncateMiddle } from './escape.js';
import {
  durationBetween,
  exactCount,
  humanDuration,
  statusEmoji,
  statusText,
  timePlain,
  timeText,
  yesNo,
} from './format.js';
import { actions, context, fields, header, section } from './kit.js';
import { message } from './message.js';
import type { Pager, RenderCtx, SlackMessage, SourceRef } from './types.js';

const dotted = (...parts: Array<string | null | undefined>): string => parts.filter(Boolean).join('.');

function srcName(t: Task): string {
  return dotted(t.srcDbName, t.srcTableName) || `task ${t.id}`;
}

function dstName(t: Task): string {
  return dotted(t.dstDbName, t.dstSchemaName, t.dstTableName);
}

/** `filter`: the task's partition filter (from its job's config); without one it covers the table. */
function taskLine(t: Task, filter: string | null): string {
  const parts = [
    `${statusEmoji(t.status)} ${inlineCode(`#${t.id}`)} *${esc(srcName(t))}*` +
      (filter ? ` ${inlineCode(filter)}` : '') +
      (dstName(t) ? ` → ${inlineCode(dstName(t))}` : ''),
    t.status ? esc(t.status) : '',
    t.running ? 'running' : '',
    t.stopped ? '⏸️ stopped' : '',
    typeof t.retriedTimes === 'number' && t.retriedTimes > 0 ? `retried ${exactCount(t.retriedTimes)}×` : '',
  ];
  return parts.filter((p) => p !== '').join(' · ');
}

/** `job`: the job all listed tasks belong to, when the list is of one job (its config scopes the tasks). */
export function tasksMessage(
  source: SourceRef,
  page: Page<Task>,
  pager: Pager,
  ctx: RenderCtx,
  job: Job | null = null,
): SlackMessage {
  const sid = source.id;
  const failed = page.items.filter((t) => isTaskFailed(t.status));
  return listMessage({
    text: `Tasks of ${esc(source.name)}: ${page.items.length} shown of ${page.total}`,
    title: `Tasks · ${source.name}`,
    intro:
      `Source ${sourceLabel(source)}` +
      (failed.length ? ` · ❌ ${exactCount(failed.length)} failed on this page` : ''),
    items: page.items.map((t) => ({
      line: taskLine(t, job && job.id === t.jobId ? taskPartitionFilter(t, job) : null),
      drill: runButton(
        `${isTaskFailed(t.status) ? '❌ ' : ''}#${t.id} ${truncate(t.srcTableName ?? '', 30)}`.trim(),
        withRegion(cmd.task(sid, t.id), ctx),
      ),
    })),
    empty: 'No tasks match.',
    pager,
    ctx,
    narrow: `a filter: ${inlineCode(`tasks ${sid} --job <job> --status DATA_FAILED --table <t>`)}`,
  });
}

function taskButtons(sid: number, task: Task, ctx: RenderCtx): Button[] {
  const run = (text: string, command: string, style?: 'primary' | 'danger') =>
    runButton(text, withRegion(command, ctx), style);
  const b: Button[] = [run('Logs', cmd.logs(sid, task.id))];
  if (isTaskFailed(task.status)) {
    b.push(run('Diagnose', cmd.diagnoseTask(sid, task.id)));
    b.push(run('Retry task', cmd.retryTask(sid, task.id), 'primary'));
  }
  if (task.jobId !== null && task.jobId !== undefined) b.push(run('Job', cmd.job(sid, task.jobId)));
  return b;
}

/** `job`: the task's job, when known: its config gives the task's partition filter. */
export function taskMessage(
  source: SourceRef,
  task: Task,
  ctx: RenderCtx,
  job: Job | null = null,
): SlackMessage {
  const sid = source.id;
  const filter = taskPartitionFilter(task, job);
  const blocks: KnownBlock[] = [header(`Task ${task.id} · ${srcName(task)}`)];
  const took = durationBetween(task.startTime, task.endTime);
  blocks.push(
    ...fields([
      ['Status', statusText(task.status)],
      [
        'Job',
        task.jobId !== null && task.jobId !== undefined
          ? `${esc(task.jobName ?? '')} ${inlineCode(`#${task.jobId}`)}`
          : esc(task.jobName ?? '—'),
      ],
      ['Source table', inlineCode(srcName(task)) + (filter ? `\npartitions ${inlineCode(filter)}` : '')],
      ['Target table', dstName(task) ? inlineCode(dstName(task)) : '—'],
      ['Running', yesNo(task.running) + (task.stopped ? ' · ⏸️ stopped' : '')],
      ['Retried', exactCount(task.retriedTimes ?? 0)],
      ['Started', timeText(task.startTime)],
      ['Ended', timeText(task.endTime) + (took !== null ? ` (${humanDuration(took)})` : '')],
      ['Type', esc(task.type ?? '—')],
      ['Source', sourceLabel(source)],
    ]),
  );
  blocks.push(actions(taskButtons(sid, task, ctx)));
  const text = `Task ${task.id} (${esc(srcName(task))}): ${esc(task.status ?? 'unknown')}`;
  return message(text, blocks);
}

// ---- logs ----

/** Characters of log text shown in one message (in code blocks of ≤ LOG_BLOCK chars). */
const LOG_BUDGET = 7000;
const LOG_BLOCK = 2800;
const ACTION_MAX = 300;
const MSG_MAX = 700;
/** Entries kept before each failing entry. */
const CONTEXT_BEFORE = 3;

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** `[STATUS] time action → msg`, long actions and messages trimmed (msg keeps its head and tail). */
export function logLine(log: TaskLog, region?: string): string {
  const action = oneLine(log.action ?? '');
  const msg = oneLine(log.msg ?? '');
  // MMS writes naive times in the region's zone; a code block cannot hold a Slack date, so UTC, marked Z.
  const time = timePlain(log.createTime, region);
  return (
    `[${log.status ?? '?'}]` +
    (time ? ` ${time}` : '') +
    (action ? ` ${truncate(action, ACTION_MAX)}` : '') +
    (msg ? ` → ${truncateMiddle(msg, MSG_MAX)}` : '')
  );
}

/** Escaped length of a line as it will sit in a code block. */
const shownLength = (line: string): number => esc(line).length + 1;

/**
 * Which entries to show: every failing entry with the few before it (last failure first, then the first
 * one, then the rest from the end), then the newest entries while the budget lasts.
 */
export function selectLogEntries(lines: string[], failing: number[], budget = LOG_BUDGET): number[] {
  const chosen = new Set<number>();
  let used = 0;
  const take = (i: number): boolean => {
    if (chosen.has(i)) return true;
    const len = shownLength(lines[i] ?? '') + 4;
    if (used + len > budget) return false;
    chosen.add(i);
    used += len;
    return true;
  };
  const groups: number[] = [];
  if (failing.length > 0) {
    groups.push(failing[failing.length - 1]!);
    if (failing.length > 1) groups.push(failing[0]!);
    for (let k = failing.length - 2; k >= 1; k -= 1) groups.push(failing[k]!);
  }
  // Failing entries themselves first, so context never crowds out a failure.
  for (const f of groups) take(f);
  for (const f of groups) for (let i = f - 1; i >= Math.max(0, f - CONTEXT_BEFORE); i -= 1) take(i);
  for (let i = lines.length - 1; i >= 0; i -= 1) if (!take(i)) break;
  return [...chosen].sort((a, b) => a - b);
}

export function logsMessage(source: SourceRef, task: Task, logs: TaskLog[], ctx: RenderCtx): SlackMessage {
  const sid = source.id;
  const lines = logs.map((l) => logLine(l, ctx.region));
  const failing = logs.flatMap((l, i) => (isTaskFailed(l.status) ? [i] : []));
  const picked = selectLogEntries(lines, failing);
  const pickedSet = new Set(picked);

  // Failing entries first (newest first), then every picked entry newest first, with gap markers.
  const failingShown = failing.filter((i) => pickedSet.has(i)).reverse();
  const rendered: string[] = [];
  let prev = lines.length;
  for (const i of [...picked].reverse()) {
    if (i < prev - 1) rendered.push(`… ${exactCount(prev - 1 - i)} entries left out …`);
    rendered.push(lines[i] ?? '');
    prev = i;
  }
  if (prev > 0 && picked.length > 0) rendered.push(`… ${exactCount(prev)} older entries left out …`);

  const blocks: KnownBlock[] = [header(`Logs · task ${task.id} · ${srcName(task)}`)];
  blocks.push(
    section(
      `${statusText(task.status)} · ${exactCount(logs.length)} log entries` +
        (failing.length ? ` · ❌ ${exactCount(failing.length)} failing` : '') +
        ` · source ${sourceLabel(source)}`,
    ),
  );
  if (logs.length === 0) blocks.push(section('_No log entries for this task yet._'));
  if (failingShown.length > 0) {
    const shown = failingShown.slice(0, 5).map((i) => lines[i] ?? '');
    blocks.push(
      section(
        `*❌ Failing${failingShown.length > 5 ? ` (newest 5 of ${exactCount(failingShown.length)})` : ''}*\n${codeBlock(shown.join('\n'), 2900)}`,
      ),
    );
    blocks.push(section('*All entries, newest first*'));
  }
  let chunk: string[] = [];
  let chunkLen = 0;
  const flush = () => {
    if (chunk.length) blocks.push(section(codeBlock(chunk.join('\n'), 2990)));
    chunk = [];
    chunkLen = 0;
  };
  for (const line of rendered) {
    const len = shownLength(line);
    if (chunkLen + len > LOG_BLOCK) flush();
    chunk.push(line);
    chunkLen += len;
  }
  flush();

  const left = logs.length - picked.length;
  const shownFailing = failing.filter((i) => pickedSet.has(i)).length;
  const notes: string[] = [];
  if (left > 0) {
    notes.push(
      `Showing ${exactCount(picked.length)} of ${exactCount(logs.length)} entries (${exactCount(left)} left out): ` +
        (failing.length
          ? `${shownFailing === failing.length ? 'every' : `${exactCount(shownFailing)} of ${exactCount(failing.length)}`} failing entr${failing.length === 1 ? 'y' : 'ies'} with the ${CONTEXT_BEFORE} before, then the newest.`
          : 'the newest.'),
    );
  }
  notes.push('Newest first. Long actions and messages are trimmed; times in UTC.');
  blocks.push(context(notes));
  const logsCommand = withRegion(cmd.logs(sid, task.id), ctx);
  blocks.push(
    actions([
      runButton('Task', withRegion(cmd.task(sid, task.id), ctx)),
      ...taskButtons(sid, task, ctx).filter((b) => b.value !== logsCommand),
    ]),
  );
  const text = `Logs of task ${task.id} (${esc(srcName(task))}): ${exactCount(logs.length)} entries, ${exactCount(failing.length)} failing`;
  return message(text, blocks, { narrow: inlineCode(`logs ${sid} ${task.id}`) + ' in the MMS console' });
}
