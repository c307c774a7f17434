// Timers: recurring incremental jobs. The simulator never fires them on its own clock; TriggerMmsTimer
// (and demo history) create their runs.
import { invalid } from './errors.js';
import type { MmsModel } from './model.js';
import type { BodyParams } from './params.js';
import { createJob, planJob } from './planner.js';
import { compactTime } from './time.js';
import type { JobRec, JobRequest, TimerLogRec, TimerRec } from './types.js';

export const SCHEDULE_TYPES = ['Daily', 'Hourly'] as const;
type ScheduleType = (typeof SCHEDULE_TYPES)[number];

export function checkSchedule(scheduleType: string, value: string): ScheduleType {
  const type = SCHEDULE_TYPES.find((t) => t === scheduleType);
  if (!type) throw invalid(`invalid scheduleType: ${scheduleType}, expected Daily or Hourly`);
  const ok = type === 'Daily' ? /^([01]\d|2[0-3]):[0-5]\d$/.test(value) : /^[0-5]\d$/.test(value);
  if (!ok)
    throw invalid(`invalid value: ${value}, expected ${type === 'Daily' ? 'HH:MM' : 'MM'} for ${type}`);
  return type;
}

export function createTimer(
  m: MmsModel,
  sourceId: number,
  req: JobRequest,
  scheduleType: string,
  value: string,
): TimerRec {
  const type = checkSchedule(scheduleType, value);
  const plan = planJob(m, m.source(sourceId), req);
  const now = m.now();
  const timer: TimerRec = {
    id: m.nextId('timer'),
    name: req.name,
    sourceId,
    dbId: plan.dbId,
    srcDbName: m.dbs.get(plan.dbId)?.name ?? req.srcDbName,
    scheduleType: type,
    value,
    type: plan.type,
    stopped: false,
    createTime: now,
    updateTime: now,
    request: req,
  };
  m.timers.set(timer.id, timer);
  return timer;
}

export function updateTimer(m: MmsModel, timer: TimerRec, b: BodyParams): void {
  const scheduleType = b.str('scheduleType') ?? timer.scheduleType;
  const value = b.str('value') ?? timer.value;
  timer.scheduleType = checkSchedule(scheduleType, value);
  timer.value = value;
  const stopped = b.bool('stopped');
  if (stopped !== undefined) timer.stopped = stopped;
  timer.updateTime = m.now();
}

export function addTimerLog(
  m: MmsModel,
  timer: TimerRec,
  status: string,
  action: string,
  msg: string,
): TimerLogRec {
  const log = {
    id: m.nextId('timerLog'),
    timerId: timer.id,
    sourceId: timer.sourceId,
    status,
    action,
    msg,
    createTime: m.now(),
  };
  const list = m.timerLogs.get(timer.id);
  if (list) list.push(log);
  else m.timerLogs.set(timer.id, [log]);
  return log;
}

/** One run now: an incremental job named after the timer and the time, linked by `timerId`. */
export function triggerTimer(
  m: MmsModel,
  timer: TimerRec,
  action: 'TRIGGER' | 'SCHEDULE' = 'TRIGGER',
): JobRec {
  const name = `${timer.name}_${compactTime(m.now()).slice(0, 12)}`;
  try {
    const plan = planJob(m, m.source(timer.sourceId), { ...timer.request, name, increment: true });
    if (plan.items.length === 0) throw invalid('no table matches the timer scope');
    const job = createJob(m, plan, timer.id);
    addTimerLog(m, timer, 'DONE', action, `job ${job.id} (${name}) created`);
    return job;
  } catch (e) {
    addTimerLog(m, timer, 'FAILED', action, `run failed: ${(e as Error).message}`);
    throw e;
  }
}

/** The options a timer shows in GetMmsTimer `config`. */
export function timerConfig(timer: TimerRec): Record<string, unknown> {
  const r = timer.request;
  const options: Record<string, unknown> = {
    tables: r.tables,
    partitions: r.partitions,
    partitionFilters: r.partitionFilters,
    tableBlackList: r.tableBlackList,
    tableWhiteList: r.tableWhiteList,
    tableMapping: r.tableMapping,
    columnMapping: r.columnMapping,
    enableSchemaMigration: r.enableSchemaMigration,
    enableDataMigration: r.enableDataMigration,
    enableVerification: r.enableVerification,
    others: r.others,
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== null));
}
