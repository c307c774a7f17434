// Statuses derived from tasks: a job's status, whether a task runs, a db's rollup of its tables.
import type { MmsModel } from './model.js';
import type { InventoryStatus, JobRec, JobStatus, TableRec, TaskRec, TaskStatus } from './types.js';

export const isFailed = (s: TaskStatus): boolean => s.endsWith('_FAILED');
export const isSettled = (s: TaskStatus): boolean => s === 'DONE' || isFailed(s);
/** Started and not settled: holds one of the job's run slots. */
export const isActive = (s: TaskStatus): boolean => s !== 'INIT' && !isSettled(s);

/** DONE when every task is DONE, FAILED when all settled and any failed, INIT until a task starts. */
export function jobStatus(m: MmsModel, job: JobRec): JobStatus {
  const tasks = m.tasksOf(job);
  if (tasks.length > 0 && tasks.every((t) => t.status === 'DONE')) return 'DONE';
  if (tasks.length > 0 && tasks.every((t) => isSettled(t.status))) return 'FAILED';
  if (job.startTime === null) return 'INIT';
  return 'DOING';
}

export function jobSettled(m: MmsModel, job: JobRec): boolean {
  const s = jobStatus(m, job);
  return s === 'DONE' || s === 'FAILED';
}

export function taskRunning(m: MmsModel, task: TaskRec): boolean {
  const job = m.jobs.get(task.jobId);
  return !!job && !job.stopped && isActive(task.status);
}

export function taskStopped(m: MmsModel, task: TaskRec): boolean {
  const job = m.jobs.get(task.jobId);
  return !!job && job.stopped && !isSettled(task.status);
}

/** A db's status from its tables: any DOING wins, then FAILED, then DONE/PART_DONE, else INIT. */
export function rollupStatus(tables: TableRec[]): InventoryStatus {
  if (tables.some((t) => t.status === 'DOING')) return 'DOING';
  if (tables.some((t) => t.status === 'FAILED')) return 'FAILED';
  if (tables.length > 0 && tables.every((t) => t.status === 'DONE')) return 'DONE';
  if (tables.some((t) => t.status === 'DONE' || t.status === 'PART_DONE')) return 'PART_DONE';
  return 'INIT';
}
