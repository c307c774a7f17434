// Timers and their logs.
import { parseJobRequest } from '../planner.js';
import { like, paginate, same, sortBy } from '../query.js';
import { createTimer, triggerTimer, updateTimer } from '../timers.js';
import { timerLogView, timerView } from '../views.js';
import { type Handler, id, pageOf } from './context.js';
import { checkBodySource } from './jobs.js';

export const createTimerAction: Handler = (ctx) => {
  checkBodySource(ctx);
  const req = parseJobRequest(ctx.body);
  const scheduleType = ctx.body.requiredStr('scheduleType');
  const value = ctx.body.requiredStr('value');
  return { timerId: createTimer(ctx.m, id(ctx, 'sid'), req, scheduleType, value).id };
};

export const listTimers: Handler = (ctx) => {
  const q = ctx.query;
  const sid = id(ctx, 'sid');
  const name = q.str('name');
  const srcDbName = q.str('srcDbName');
  const srcTableName = q.str('srcTableName');
  const stopped = q.bool('stopped');
  const page = pageOf(ctx);
  const timers = [...ctx.m.timers.values()].filter(
    (t) =>
      t.sourceId === sid &&
      like(t.name, name) &&
      same(t.srcDbName, srcDbName) &&
      (srcTableName === undefined || (t.request.tables ?? []).some((x) => like(x, srcTableName))) &&
      (stopped === undefined || t.stopped === stopped),
  );
  const result = paginate(
    sortBy(timers, [], () => null, true),
    page,
  );
  return { ...result, objectList: result.objectList.map((t) => timerView(t)) };
};

export const getTimer: Handler = (ctx) => timerView(ctx.m.timer(id(ctx, 'sid'), id(ctx, 'timerId')), true);

export const updateTimerAction: Handler = (ctx) => {
  updateTimer(ctx.m, ctx.m.timer(id(ctx, 'sid'), id(ctx, 'timerId')), ctx.body);
  return ctx.ack;
};

export const deleteTimerAction: Handler = (ctx) => {
  const timer = ctx.m.timer(id(ctx, 'sid'), id(ctx, 'timerId'));
  ctx.m.timers.delete(timer.id);
  ctx.m.timerLogs.delete(timer.id);
  return ctx.ack;
};

/** Paged, newest first. */
export const listTimerLogs: Handler = (ctx) => {
  const timer = ctx.m.timer(id(ctx, 'sid'), id(ctx, 'timerId'));
  const logs = [...(ctx.m.timerLogs.get(timer.id) ?? [])].reverse();
  const result = paginate(logs, pageOf(ctx));
  return { ...result, objectList: result.objectList.map(timerLogView) };
};

export const triggerTimerAction: Handler = (ctx) => {
  triggerTimer(ctx.m, ctx.m.timer(id(ctx, 'sid'), id(ctx, 'timerId')));
  return ctx.ack;
};
