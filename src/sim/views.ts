// Records → the JSON MMS returns. Counters and statuses are derived here, at read time.
// Every view holds exactly the fields of the official response models (docs/mms-response-models.json),
// each of its declared type, and no other. An absent string is null here (the server leaves it out,
// or sends "null" as the official sample does); any other absent field is undefined (left out).
import type { MmsModel } from './model.js';
import { jobStatus, rollupStatus, taskRunning, taskStopped } from './status.js';
import { formatIso, formatTime, formatTimeOrNull } from './time.js';
import { timerConfig } from './timers.js';
import type {
  AsyncTaskRec,
  ConfigItem,
  DbRec,
  JobRec,
  PartitionRec,
  ScanRec,
  SourceRec,
  TableRec,
  TaskLogRec,
  TaskRec,
  TimerLogRec,
  TimerRec,
} from './types.js';

const clone = <T>(v: T): T => structuredClone(v);

/**
 * GetMmsDataSource (`withConfig` adds the config items) and, with `listed`, an item of ListMmsDataSources:
 * only the list carries the last scan's `scanStatus` and `scanErrMsg`, and only Get carries sub-items.
 */
export function sourceView(
  m: MmsModel,
  s: SourceRec,
  o: { withConfig?: boolean; listed?: boolean } = {},
): Record<string, unknown> {
  const scan = s.scanId === null ? undefined : m.scans.get(s.scanId);
  const tables = m.tablesOfSource(s.id);
  const partitionNum = tables.reduce((n, t) => n + (m.partitionIdsByTable.get(t.id)?.length ?? 0), 0);
  return {
    id: s.id,
    name: s.name,
    type: s.type,
    region: s.region,
    networklink: s.networklink,
    dstProject: s.dstProject,
    status: s.status,
    agentIsOnline: s.agentIsOnline,
    errMsg: s.errMsg,
    scanId: s.scanId ?? undefined,
    ...(o.listed ? { scanStatus: scan?.status ?? null, scanErrMsg: scan?.errorMsg ?? null } : {}),
    lastUpdateTime: formatTime(s.lastUpdateTime),
    createTime: formatTime(s.createTime),
    dbNum: m.dbIdsBySource.get(s.id)?.length ?? 0,
    tableNum: tables.length,
    partitionNum,
    tablesDoneNum: tables.filter((t) => t.status === 'DONE').length,
    tablesFailedNum: tables.filter((t) => t.status === 'FAILED').length,
    ...(o.withConfig ? { config: s.config.map((c) => configItemView(c, !o.listed)) } : {}),
  };
}

/** A config item; sub-items are a map of key → item (ListMmsDataSources' items have none). */
export function configItemView(c: ConfigItem, withSubItems = true): Record<string, unknown> {
  const { subItems, ...item } = clone(c);
  return withSubItems && subItems ? { ...item, subItems } : item;
}

export function scanView(scan: ScanRec): Record<string, unknown> {
  return {
    id: scan.id,
    sourceId: scan.sourceId,
    status: scan.status,
    progress: scan.progress,
    result: scan.result,
    errorMsg: scan.errorMsg,
    startTime: formatTime(scan.startTime),
    endTime: formatTimeOrNull(scan.endTime),
  };
}

/** GetMmsDb, or with `listed` an item of ListMmsDbs (which alone has createTime and updateTime). */
export function dbView(m: MmsModel, db: DbRec, listed = false): Record<string, unknown> {
  const tables = m.tablesOf(db.id);
  const parts = tables.flatMap((t) => m.partitionsOf(t.id));
  const count = <T extends { status: string }>(xs: T[], s: string) => xs.filter((x) => x.status === s).length;
  return {
    id: db.id,
    sourceId: db.sourceId,
    name: db.name,
    dstProjectName: db.dstProjectName,
    dstName: db.dstName,
    status: rollupStatus(tables),
    numRows: tables.reduce((n, t) => n + t.numRows, 0),
    size: tables.reduce((n, t) => n + t.size, 0),
    tables: tables.length,
    tablesDoing: count(tables, 'DOING'),
    tablesDone: count(tables, 'DONE'),
    tablesFailed: count(tables, 'FAILED'),
    tablesPartDone: count(tables, 'PART_DONE'),
    partitions: parts.length,
    partitionsDoing: count(parts, 'DOING'),
    partitionsDone: count(parts, 'DONE'),
    partitionsFailed: count(parts, 'FAILED'),
    ...(listed ? { createTime: formatTime(db.createTime), updateTime: formatTime(db.updateTime) } : {}),
  };
}

export function tableView(m: MmsModel, t: TableRec): Record<string, unknown> {
  const parts = m.partitionsOf(t.id);
  const count = (s: string) => parts.filter((p) => p.status === s).length;
  return {
    id: t.id,
    sourceId: t.sourceId,
    dbId: t.dbId,
    dbName: t.dbName,
    name: t.name,
    type: t.type,
    hasPartitions: t.hasPartitions,
    dstProjectName: t.dstProjectName,
    dstSchemaName: t.dstSchemaName,
    dstName: t.dstName,
    status: t.status,
    lastDdlTime: formatTime(t.lastDdlTime),
    numRows: t.numRows,
    size: t.size,
    partitions: parts.length,
    partitionsDoing: count('DOING'),
    partitionsDone: count('DONE'),
    partitionsFailed: count('FAILED'),
    schema: { columns: clone(t.columns), partitions: clone(t.partitionColumns) },
  };
}

export function partitionView(p: PartitionRec): Record<string, unknown> {
  return {
    id: p.id,
    sourceId: p.sourceId,
    dbId: p.dbId,
    dbName: p.dbName,
    tableId: p.tableId,
    tableName: p.tableName,
    value: p.value,
    dstValue: p.dstValue,
    status: p.status,
    numRows: p.numRows,
    size: p.size,
    lastDdlTime: formatTime(p.lastDdlTime),
    updated: p.updated,
  };
}

/** The options of a job's `config` that the models declare (what it was created with). */
const JOB_CONFIG_KEYS = [
  'columnMapping',
  'enableVerification',
  'increment',
  'others',
  'partitionFilters',
  'partitions',
  'schemaOnly',
  'tableBlackList',
  'tableMapping',
  'tableWhiteList',
  'tables',
  'taskType',
  'tunnelQuota',
] as const;

/** A job: no start, end or update time, and no timer id, in the models; `eta` as it was created with. */
export function jobView(m: MmsModel, job: JobRec): Record<string, unknown> {
  const tasks = m.tasksOf(job);
  const config = Object.fromEntries(
    JOB_CONFIG_KEYS.filter((k) => job.config[k] !== undefined && job.config[k] !== null).map((k) => [
      k,
      clone(job.config[k]),
    ]),
  );
  return {
    id: job.id,
    name: job.name,
    sourceId: job.sourceId,
    sourceName: m.sources.get(job.sourceId)?.name ?? null,
    dbId: job.dbId,
    srcDbName: job.srcDbName,
    srcSchemaName: job.srcSchemaName,
    dstDbName: job.dstDbName,
    dstSchemaName: job.dstSchemaName,
    type: job.type,
    status: jobStatus(m, job),
    stopped: job.stopped,
    taskNum: tasks.length,
    taskDone: tasks.filter((t) => t.status === 'DONE').length,
    createTime: formatTime(job.createTime),
    eta: typeof job.config['eta'] === 'string' ? job.config['eta'] : null,
    config,
  };
}

/** A task: no partition and no update time in the models (its job's config holds the partition filter). */
export function taskView(m: MmsModel, task: TaskRec): Record<string, unknown> {
  const job = m.jobs.get(task.jobId);
  return {
    id: task.id,
    jobId: task.jobId,
    jobName: job?.name ?? null,
    sourceId: task.sourceId,
    sourceName: m.sources.get(task.sourceId)?.name ?? null,
    dbId: task.dbId,
    tableId: task.tableId,
    srcDbName: task.srcDbName,
    srcSchemaName: job?.srcSchemaName ?? null,
    srcTableName: task.srcTableName,
    dstDbName: task.dstDbName,
    dstSchemaName: task.dstSchemaName,
    dstTableName: task.dstTableName,
    type: task.type,
    status: task.status,
    running: taskRunning(m, task),
    stopped: taskStopped(m, task),
    retriedTimes: task.retriedTimes,
    startTime: formatTimeOrNull(task.startTime),
    endTime: formatTimeOrNull(task.endTime),
    createTime: formatTime(task.createTime),
  };
}

export function taskLogView(log: TaskLogRec): Record<string, unknown> {
  return { ...log, createTime: formatTime(log.createTime) };
}

export function asyncTaskView(t: AsyncTaskRec): Record<string, unknown> {
  return {
    id: t.id,
    sourceId: t.sourceId,
    type: t.type,
    objectId: t.objectId ?? undefined,
    status: t.status,
    running: t.running,
    progress: t.progress,
    result: t.result,
    errorMsg: t.errorMsg,
    startTime: formatTime(t.startTime),
    endTime: formatTimeOrNull(t.endTime),
    createTime: formatTime(t.createTime),
  };
}

/**
 * A timer (ListMmsTimers), or with `full` GetMmsTimer, which alone has `updateTime` and `config`. Its
 * times are epoch-ms in a string (MMS.md: timers may use epoch-ms), unlike everything else.
 */
export function timerView(t: TimerRec, full = false): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    sourceId: t.sourceId,
    dbId: t.dbId,
    srcDbName: t.srcDbName,
    scheduleType: t.scheduleType,
    value: t.value,
    type: t.type,
    stopped: t.stopped,
    createTime: String(t.createTime),
    ...(full ? { updateTime: String(t.updateTime), config: clone(timerConfig(t)) } : {}),
  };
}

/** Timer logs use ISO-8601 with an offset, the third time format MMS.md allows; they name no timer. */
export function timerLogView(log: TimerLogRec): Record<string, unknown> {
  return {
    id: log.id,
    sourceId: log.sourceId,
    status: log.status,
    action: log.action,
    msg: log.msg,
    createTime: formatIso(log.createTime),
  };
}
