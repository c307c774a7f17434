// Every MMS operation, once. Slack commands, buttons, modals and the watcher all look them up here.
import { dbs, partitions, regions, setup, sourceDetail, sources, tables } from './browse.js';
import { diagnose } from './diagnose.js';
import { deleteJob, retryJob, startJob, stopJob } from './job-writes.js';
import { jobDetail, jobs } from './jobs.js';
import { migrate, schedule } from './migrate.js';
import { scan } from './scan.js';
import { logs, retryTask, taskDetail, tasks } from './tasks.js';
import { timerDelete, timerDetail, timerLogs, timerPause, timerResume, timerRun, timers } from './timers.js';
import type { ReadOp, WriteOp } from './types.js';
import { audit, status, unwatch, watch, watching } from './watching.js';

// Operations differ in their parameter types; the catalog holds them side by side and each one's own
// schema parses its parameters, so `any` here loses nothing.
// biome-ignore lint/suspicious/noExplicitAny: heterogeneous catalog, see above
export type AnyRead = ReadOp<any>;
// biome-ignore lint/suspicious/noExplicitAny: heterogeneous catalog, see above
export type AnyWrite = WriteOp<any, any>;
export type AnyOp = AnyRead | AnyWrite;

export const CATALOG: readonly AnyOp[] = [
  regions,
  setup,
  sources,
  sourceDetail,
  scan,
  dbs,
  tables,
  partitions,
  migrate,
  jobs,
  jobDetail,
  stopJob,
  startJob,
  retryJob,
  deleteJob,
  tasks,
  taskDetail,
  logs,
  retryTask,
  timers,
  timerDetail,
  timerLogs,
  schedule,
  timerPause,
  timerResume,
  timerRun,
  timerDelete,
  diagnose,
  watch,
  unwatch,
  watching,
  audit,
  status,
];

const BY_NAME = new Map(CATALOG.map((op) => [op.spec.name, op]));

export function findOp(name: string): AnyOp | undefined {
  return BY_NAME.get(name);
}

export function findWrite(name: string): AnyWrite | undefined {
  const op = BY_NAME.get(name);
  return op?.kind === 'write' ? op : undefined;
}

export const COMMAND_NAMES = ['help', ...CATALOG.map((op) => op.spec.name)];
