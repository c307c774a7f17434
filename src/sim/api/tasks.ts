// Tasks and their logs.
import { retryTask } from '../jobs.js';
import { taskPartitionValues } from '../planner.js';
import { like, paginate, same, sortBy } from '../query.js';
import { TASK_STATUSES } from '../types.js';
import { taskLogView, taskView } from '../views.js';
import { type Handler, id, pageOf } from './context.js';

export const listTasks: Handler = (ctx) => {
  const q = ctx.query;
  const m = ctx.m;
  const sid = id(ctx, 'sid');
  const jobId = q.int('jobId');
  const jobName = q.str('jobName');
  const srcDbName = q.str('srcDbName');
  const srcTableName = q.str('srcTableName');
  const dstDbName = q.str('dstDbName');
  const dstTableName = q.str('dstTableName');
  const status = q.oneOf('status', TASK_STATUSES);
  const partition = q.str('partition');
  const sorters = q.sorters(['startTime', 'status', 'endTime', 'updateTime']);
  const page = pageOf(ctx);
  const tasks = [...m.tasks.values()].filter(
    (t) =>
      t.sourceId === sid &&
      (jobId === undefined || t.jobId === jobId) &&
      (jobName === undefined || like(m.jobs.get(t.jobId)?.name, jobName)) &&
      same(t.srcDbName, srcDbName) &&
      like(t.srcTableName, srcTableName) &&
      same(t.dstDbName, dstDbName) &&
      like(t.dstTableName, dstTableName) &&
      (status === undefined || t.status === status) &&
      (partition === undefined || taskPartitionValues(m, t.partitionIds).includes(partition)),
  );
  const sorted = sortBy(tasks, sorters, (t, f) => t[f as 'status'] ?? null);
  const result = paginate(sorted, page);
  return { ...result, objectList: result.objectList.map((t) => taskView(m, t)) };
};

export const getTask: Handler = (ctx) => taskView(ctx.m, ctx.m.task(id(ctx, 'sid'), id(ctx, 'taskId')));

/** A bare array, oldest first, no paging (MMS.md §3). */
export const listTaskLogs: Handler = (ctx) => {
  const task = ctx.m.task(id(ctx, 'sid'), id(ctx, 'taskId'));
  return ctx.m.logsOf(task.id).map(taskLogView);
};

export const retryTaskAction: Handler = (ctx) => {
  retryTask(ctx.m, ctx.m.task(id(ctx, 'sid'), id(ctx, 'taskId')));
  return ctx.ack;
};
