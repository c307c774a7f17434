// Jobs and async tasks.
import { invalid } from '../errors.js';
import { deleteJob, retryJob, startJob, stopJob, submitJob } from '../jobs.js';
import { parseJobRequest } from '../planner.js';
import { like, paginate, same, sortBy } from '../query.js';
import { jobStatus } from '../status.js';
import { JOB_STATUSES } from '../types.js';
import { asyncTaskView, jobView } from '../views.js';
import { type Handler, type HandlerContext, id, pageOf } from './context.js';

/** A body `sourceId` must agree with the path (the SDK models carry both). */
export function checkBodySource(ctx: HandlerContext): void {
  const raw = ctx.body.raw['sourceId'];
  if (raw !== undefined && raw !== null && Number(raw) !== id(ctx, 'sid')) {
    throw invalid(`invalid sourceId: ${String(raw)} does not match the datasource in the path`);
  }
}

export const createJob: Handler = (ctx) => {
  checkBodySource(ctx);
  const task = submitJob(ctx.m, id(ctx, 'sid'), parseJobRequest(ctx.body));
  return { asyncTaskId: task.id };
};

export const listJobs: Handler = (ctx) => {
  const q = ctx.query;
  const m = ctx.m;
  const name = q.str('name');
  const srcDbName = q.str('srcDbName');
  const srcTableName = q.str('srcTableName');
  const dstDbName = q.str('dstDbName');
  const dstTableName = q.str('dstTableName');
  const status = q.oneOf('status', JOB_STATUSES);
  const stopped = q.bit('stopped');
  const timerId = q.int('timerId');
  const sorters = q.sorters(['status', 'createTime', 'updateTime', 'name']);
  const page = pageOf(ctx);
  const sid = id(ctx, 'sid');
  const jobs = [...m.jobs.values()].filter(
    (j) =>
      j.sourceId === sid &&
      like(j.name, name) &&
      same(j.srcDbName, srcDbName) &&
      same(j.dstDbName, dstDbName) &&
      (srcTableName === undefined || m.tasksOf(j).some((t) => like(t.srcTableName, srcTableName))) &&
      (dstTableName === undefined || m.tasksOf(j).some((t) => like(t.dstTableName, dstTableName))) &&
      (status === undefined || jobStatus(m, j) === status) &&
      (stopped === undefined || j.stopped === stopped) &&
      (timerId === undefined || j.timerId === timerId),
  );
  const sorted = sortBy(
    jobs,
    sorters,
    (j, f) => (f === 'status' ? jobStatus(m, j) : f === 'name' ? j.name : j[f as 'createTime']),
    true,
  );
  const result = paginate(sorted, page);
  return { ...result, objectList: result.objectList.map((j) => jobView(m, j)) };
};

export const getJob: Handler = (ctx) => jobView(ctx.m, ctx.m.job(id(ctx, 'sid'), id(ctx, 'jobId')));

export const deleteJobAction: Handler = (ctx) => {
  deleteJob(ctx.m, ctx.m.job(id(ctx, 'sid'), id(ctx, 'jobId')));
  return ctx.ack;
};

export const startJobAction: Handler = (ctx) => {
  startJob(ctx.m, ctx.m.job(id(ctx, 'sid'), id(ctx, 'jobId')));
  return ctx.ack;
};

export const stopJobAction: Handler = (ctx) => {
  stopJob(ctx.m, ctx.m.job(id(ctx, 'sid'), id(ctx, 'jobId')));
  return ctx.ack;
};

export const retryJobAction: Handler = (ctx) => {
  retryJob(ctx.m, ctx.m.job(id(ctx, 'sid'), id(ctx, 'jobId')));
  return ctx.ack;
};

export const getAsyncTask: Handler = (ctx) =>
  asyncTaskView(ctx.m.asyncTask(id(ctx, 'sid'), id(ctx, 'asyncTaskId')));
