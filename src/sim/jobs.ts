// Job and task operations behind CreateMmsJob, Start/Stop/Retry/DeleteMmsJob and RetryMmsTask, with the
// state checks a real backend makes (start only resumes a stopped job, a running job cannot be deleted).
import { invalid } from './errors.js';
import { resetRunState } from './lifecycle.js';
import { addTaskLog } from './logs.js';
import type { MmsModel } from './model.js';
import { planJob } from './planner.js';
import { isActive, isFailed, jobSettled, jobStatus } from './status.js';
import type { AsyncTaskRec, AsyncTaskType, JobPlan, JobRec, JobRequest, TaskRec } from './types.js';

export function newAsyncTask(
  m: MmsModel,
  sourceId: number,
  type: AsyncTaskType,
  extra: { objectId?: number; plan?: JobPlan; failWith?: string | null } = {},
): AsyncTaskRec {
  const now = m.now();
  const t: AsyncTaskRec = {
    id: m.nextId('async'),
    sourceId,
    type,
    objectId: extra.objectId ?? null,
    status: 'DOING',
    running: true,
    progress: 0,
    result: null,
    errorMsg: null,
    startTime: now,
    endTime: null,
    createTime: now,
    steps: 0,
    plan: extra.plan ?? null,
    failWith: extra.failWith ?? null,
  };
  m.asyncTasks.set(t.id, t);
  return t;
}

/** CreateMmsJob: validated now, created by a TASK_CREATE async task a couple of steps later. */
export function submitJob(m: MmsModel, sourceId: number, req: JobRequest): AsyncTaskRec {
  const plan = planJob(m, m.source(sourceId), req);
  return newAsyncTask(m, sourceId, 'TASK_CREATE', { plan });
}

export function stopJob(m: MmsModel, job: JobRec): AsyncTaskRec {
  if (job.stopped) throw invalid(`job ${job.id} is already stopped`, 'InvalidParameter.JobStatus');
  if (jobSettled(m, job)) {
    throw invalid(
      `job ${job.id} has finished (${jobStatus(m, job)}); nothing to stop`,
      'InvalidParameter.JobStatus',
    );
  }
  job.stopped = true;
  job.updateTime = m.now();
  for (const task of m.tasksOf(job)) {
    if (isActive(task.status)) addTaskLog(m, task, task.status, 'stop', 'task paused: job stopped by user');
  }
  return newAsyncTask(m, job.sourceId, 'STOP_JOB', { objectId: job.id });
}

export function startJob(m: MmsModel, job: JobRec): void {
  if (!job.stopped) {
    throw invalid(
      `job ${job.id} is not stopped (${jobStatus(m, job)}); StartMmsJob only resumes a stopped job, use RetryMmsJob for failed tasks`,
      'InvalidParameter.JobStatus',
    );
  }
  job.stopped = false;
  job.updateTime = m.now();
  for (const task of m.tasksOf(job)) {
    if (isActive(task.status))
      addTaskLog(m, task, task.status, 'resume', 'task resumed: job started by user');
  }
}

function requeue(m: MmsModel, task: TaskRec): void {
  task.retriedTimes++;
  addTaskLog(m, task, 'INIT', 'retry', `retry #${task.retriedTimes} requested after ${task.status}`);
  task.status = 'INIT';
  task.phaseSteps = 0;
  task.endTime = null;
  task.updateTime = m.now();
}

/** Reruns the job's failed tasks; a job with none is refused. */
export function retryJob(m: MmsModel, job: JobRec): number {
  const failedTasks = m.tasksOf(job).filter((t) => isFailed(t.status));
  if (failedTasks.length === 0) {
    throw invalid(
      `job ${job.id} has no failed task to retry (${jobStatus(m, job)})`,
      'InvalidParameter.JobStatus',
    );
  }
  for (const task of failedTasks) requeue(m, task);
  resetRunState(job);
  job.endTime = null;
  job.updateTime = m.now();
  return failedTasks.length;
}

export function retryTask(m: MmsModel, task: TaskRec): void {
  if (!isFailed(task.status)) {
    throw invalid(
      `task ${task.id} has not failed (${task.status}); only failed tasks can be retried`,
      'InvalidParameter.TaskStatus',
    );
  }
  requeue(m, task);
  const job = m.jobs.get(task.jobId);
  if (job) {
    resetRunState(job);
    job.endTime = null;
    job.updateTime = m.now();
  }
}

export function deleteJob(m: MmsModel, job: JobRec): void {
  if (!job.stopped && !jobSettled(m, job)) {
    throw invalid(`job ${job.id} is running; stop it before deleting it`, 'InvalidParameter.JobStatus');
  }
  m.removeJob(job);
}
