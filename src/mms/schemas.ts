// Zod schemas for every MMS response, following the official response models
// (docs: mms-response-models.json). Parsing is lenient: unknown fields are kept, every field but an
// object's id (and its name where the bot needs one) is optional, ids and numbers may arrive as strings
// (or as json-bigint BigNumber objects), booleans as 0/1 or "true"/"false", times as strings or epoch
// numbers. An optional string that is "null", "" or only whitespace is absent (the official sample
// answers `"errorMsg":"null"`). Fields the models do not declare are marked "not in the models": MMS
// does not promise them, so nothing may depend on them.
import { z } from 'zod';
import { parseJson } from '../json.js';

/** "null", "" and whitespace are how MMS writes an absent string; they read as null. */
export function absentString(v: unknown): boolean {
  return typeof v === 'string' && (v.trim() === '' || v.trim().toLowerCase() === 'null');
}
const orAbsent = (v: unknown): unknown => (absentString(v) ? null : v);

/** json-bigint turns very large integers into BigNumber objects; strings of digits are common too. */
const numeric = (v: unknown): unknown => {
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (typeof v === 'object' && v !== null && typeof (v as { toString?: unknown }).toString === 'function') {
    const n = Number(String(v));
    return Number.isNaN(n) ? v : n;
  }
  return v;
};

export const Id = z.preprocess(numeric, z.number().int().nonnegative());
const Num = z.preprocess((v) => numeric(orAbsent(v)), z.number().nullish()).catch(null);
const Str = z.preprocess(orAbsent, z.string().nullish()).catch(null);
const Bool = z
  .preprocess((v) => {
    if (v === 1 || v === '1' || v === 'true') return true;
    if (v === 0 || v === '0' || v === 'false') return false;
    return v;
  }, z.boolean())
  .nullish()
  .catch(null);
/** `YYYY-MM-DD HH:mm:ss`, epoch-ms or ISO-8601; kept as given and read with `parseMmsTime`. */
const Time = z
  .preprocess(orAbsent, z.union([z.string(), z.preprocess(numeric, z.number())]).nullish())
  .catch(null);
const OptId = z.preprocess((v) => numeric(orAbsent(v)), z.number().int().nullish()).catch(null);
/** Status values are upper case in every example; a server that sends `done` or `Data_Failed` means the same. */
const Status = z
  .preprocess(
    (v) => (typeof v === 'string' && !absentString(v) ? v.trim().toUpperCase() : orAbsent(v)),
    z.string().nullish(),
  )
  .catch(null);
/** A string that may hold JSON (scan and async task `result`); absent when "null" or blank. */
const Result = z.preprocess(orAbsent, z.unknown()).optional();

export const ConfigItem = z.looseObject({
  key: Str,
  name: Str,
  desc: Str,
  type: Str,
  required: Bool,
  enums: z.array(z.unknown()).nullish().catch(null),
  value: z.unknown().optional(),
  group: Str,
  subType: Str,
  placeHolder: Str,
  /** A map in the models (`{"<key>": any}`); an older list of items is read as a map keyed by `key`. */
  subItems: z
    .preprocess(
      (v) =>
        Array.isArray(v)
          ? Object.fromEntries(
              v.map((x, i) => [
                String(
                  (x as { key?: unknown; name?: unknown } | null)?.key ??
                    (x as { name?: unknown })?.name ??
                    i,
                ),
                x,
              ]),
            )
          : v,
      z.record(z.string(), z.unknown()),
    )
    .nullish()
    .catch(null),
});
export type ConfigItem = z.infer<typeof ConfigItem>;

export const DataSource = z.looseObject({
  id: Id,
  name: z.string(),
  type: Str,
  region: Str,
  networklink: Str,
  dstProject: Str,
  status: Status,
  agentIsOnline: Bool,
  errMsg: Str,
  scanId: OptId,
  /** ListMmsDataSources only: GetMmsDataSource does not have it (read a scan's state from the scan). */
  scanStatus: Status,
  /** ListMmsDataSources only, like scanStatus. */
  scanErrMsg: Str,
  lastUpdateTime: Time,
  createTime: Time,
  dstProjects: z.array(z.string()).nullish().catch(null),
  dbNum: Num,
  tableNum: Num,
  partitionNum: Num,
  tablesDoingNum: Num,
  tablesDoneNum: Num,
  tablesFailedNum: Num,
  tablesPartDoneNum: Num,
  partitionsDoingNum: Num,
  partitionsDoneNum: Num,
  partitionsFailedNum: Num,
  config: z.array(ConfigItem).nullish().catch(null),
});
export type DataSource = z.infer<typeof DataSource>;

export const Scan = z.looseObject({
  id: Id,
  sourceId: OptId,
  status: Status,
  progress: Num,
  result: Result,
  errorMsg: Str,
  startTime: Time,
  endTime: Time,
});
export type Scan = z.infer<typeof Scan>;

export const Db = z.looseObject({
  id: Id,
  sourceId: OptId,
  name: z.string(),
  dstProjectName: Str,
  dstName: Str,
  status: Status,
  numRows: Num,
  size: Num,
  tables: Num,
  tablesDoing: Num,
  tablesDone: Num,
  tablesFailed: Num,
  tablesPartDone: Num,
  partitions: Num,
  partitionsDoing: Num,
  partitionsDone: Num,
  partitionsFailed: Num,
  lastDdlTime: Time,
  /** ListMmsDbs only (not GetMmsDb). */
  updateTime: Time,
});
export type Db = z.infer<typeof Db>;

const Column = z.looseObject({ name: Str, type: Str, comment: Str, nullable: Bool, defaultValue: Str });

export const Table = z.looseObject({
  id: Id,
  sourceId: OptId,
  dbId: OptId,
  dbName: Str,
  name: z.string(),
  type: Str,
  hasPartitions: Bool,
  dstProjectName: Str,
  dstSchemaName: Str,
  dstName: Str,
  status: Status,
  lastDdlTime: Time,
  numRows: Num,
  size: Num,
  partitions: Num,
  partitionsDoing: Num,
  partitionsDone: Num,
  partitionsFailed: Num,
  schema: z
    .looseObject({
      columns: z.array(Column).nullish().catch(null),
      partitions: z.array(Column).nullish().catch(null),
    })
    .nullish()
    .catch(null),
});
export type Table = z.infer<typeof Table>;

export const Partition = z.looseObject({
  id: Id,
  sourceId: OptId,
  dbId: OptId,
  dbName: Str,
  tableId: OptId,
  tableName: Str,
  value: z.string(),
  dstValue: Str,
  status: Status,
  numRows: Num,
  size: Num,
  lastDdlTime: Time,
});
export type Partition = z.infer<typeof Partition>;

export const Job = z.looseObject({
  id: Id,
  name: z.string(),
  sourceId: OptId,
  sourceName: Str,
  dbId: OptId,
  srcDbName: Str,
  srcSchemaName: Str,
  dstDbName: Str,
  dstSchemaName: Str,
  type: Str,
  status: Status,
  stopped: Bool,
  taskNum: Num,
  taskDone: Num,
  createTime: Time,
  /** When MMS should run it (earlier = higher priority), as the job was created with it. */
  eta: Time,
  /** An object in the examples; a JSON string is accepted and parsed. */
  config: z
    .preprocess(
      (v) => (typeof v === 'string' ? (parseJson(v) ?? null) : v),
      z.record(z.string(), z.unknown()),
    )
    .nullish()
    .catch(null),
});
export type Job = z.infer<typeof Job>;

export const Task = z.looseObject({
  id: Id,
  jobId: OptId,
  jobName: Str,
  sourceId: OptId,
  sourceName: Str,
  dbId: OptId,
  tableId: OptId,
  srcDbName: Str,
  srcSchemaName: Str,
  srcTableName: Str,
  dstDbName: Str,
  dstSchemaName: Str,
  dstTableName: Str,
  type: Str,
  status: Status,
  running: Bool,
  stopped: Bool,
  retriedTimes: Num,
  startTime: Time,
  endTime: Time,
  createTime: Time,
});
export type Task = z.infer<typeof Task>;

export const TaskLog = z.looseObject({
  id: OptId,
  taskId: OptId,
  sourceId: OptId,
  status: Status,
  action: Str,
  msg: Str,
  createTime: Time,
});
export type TaskLog = z.infer<typeof TaskLog>;

export const AsyncTask = z.looseObject({
  id: Id,
  sourceId: OptId,
  type: Str,
  objectId: OptId,
  status: Status,
  running: Bool,
  progress: Num,
  result: Result,
  errorMsg: Str,
  startTime: Time,
  endTime: Time,
  createTime: Time,
});
export type AsyncTask = z.infer<typeof AsyncTask>;

export const Timer = z.looseObject({
  id: Id,
  name: z.string(),
  sourceId: OptId,
  dbId: OptId,
  srcDbName: Str,
  scheduleType: Str,
  value: z.union([z.string(), z.number()]).nullish().catch(null),
  type: Str,
  stopped: Bool,
  createTime: Time,
  /** GetMmsTimer only (not ListMmsTimers). */
  updateTime: Time,
  /** GetMmsTimer only. */
  config: z.unknown().optional(),
});
export type Timer = z.infer<typeof Timer>;

export const TimerLog = z.looseObject({
  id: OptId,
  sourceId: OptId,
  status: Status,
  action: Str,
  msg: Str,
  createTime: Time,
});
export type TimerLog = z.infer<typeof TimerLog>;

export interface Page<T> {
  items: T[];
  pageNum: number;
  pageSize: number;
  total: number;
  /** False when MMS sent no `total`: then `total` only counts this page's items. */
  totalKnown?: boolean;
}

/**
 * `{objectList, pageNum, pageSize, total}`; a bare array is accepted too. One schema per item schema: the
 * client asks for it on every call, and zod compiles each new schema on its first parse.
 */
export function pageOf<T extends z.ZodType>(item: T): PageSchema<T> {
  const known = pageSchemas.get(item) as PageSchema<T> | undefined;
  if (known) return known;
  const made = buildPage(item);
  pageSchemas.set(item, made);
  return made;
}

type PageSchema<T extends z.ZodType> = ReturnType<typeof buildPage<T>>;
const pageSchemas = new WeakMap<z.ZodType, unknown>();

function buildPage<T extends z.ZodType>(item: T) {
  const list = z.array(item);
  return z.union([
    z
      .looseObject({
        objectList: list.nullish(),
        pageNum: Num,
        pageSize: Num,
        total: Num,
      })
      .transform((p): Page<z.infer<T>> => {
        const items = p.objectList ?? [];
        return {
          items,
          pageNum: p.pageNum ?? 1,
          pageSize: p.pageSize ?? items.length,
          total: p.total ?? items.length,
          totalKnown: p.total !== null && p.total !== undefined,
        };
      }),
    list.transform(
      (items): Page<z.infer<T>> => ({
        items,
        pageNum: 1,
        pageSize: items.length,
        total: items.length,
        totalKnown: true,
      }),
    ),
  ]);
}

/** Start/Stop/Retry/Delete/Update declare an int `data`, but examples show "success"; accept either. */
export const WriteAck = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  z.null(),
  z.undefined(),
  z.looseObject({}),
]);

export const AsyncTaskRef = z.looseObject({ asyncTaskId: Id });
export const ScanRef = z.looseObject({ scanId: Id });
export const TimerRef = z.looseObject({ timerId: Id });
export const SourceRef = z.looseObject({ dataSourceId: Id.optional(), id: Id.optional() });
export const SourceUpdateRef = z.looseObject({ sourceId: OptId, asyncTaskId: OptId });

// ---- statuses (MMS.md §4) ----
export const JOB_STATUSES = ['INIT', 'DOING', 'DONE', 'FAILED'] as const;
export const TASK_STATUSES = [
  'INIT',
  'SCHEMA_DOING',
  'SCHEMA_DONE',
  'SCHEMA_FAILED',
  'DATA_DOING',
  'DATA_DONE',
  'DATA_FAILED',
  'VERIFICATION_DOING',
  'VERIFICATION_DONE',
  'VERIFICATION_FAILED',
  'DONE',
] as const;

/**
 * A task's partition scope, where MMS gives it: the partition filter its job was created with for the
 * task's table (Task has no partition field in the models). Null means the task covers the table.
 */
export function taskPartitionFilter(
  task: Pick<Task, 'srcTableName'>,
  job: Pick<Job, 'config'> | null | undefined,
): string | null {
  const filters = job?.config?.['partitionFilters'];
  const table = task.srcTableName;
  if (!table || !filters || typeof filters !== 'object' || Array.isArray(filters)) return null;
  const f = (filters as Record<string, unknown>)[table];
  return typeof f === 'string' && !absentString(f) ? f : null;
}

export const isTaskFailed = (s: string | null | undefined): boolean => !!s && s.endsWith('_FAILED');
export const isJobTerminal = (s: string | null | undefined): boolean => s === 'DONE' || s === 'FAILED';

/**
 * The status decides; `errorMsg` only explains (it arrives as "null" on success). Scan status values
 * beyond SCAN_DOING are unverified: a *FAILED status fails, a *DOING one runs until `endTime` is set,
 * any other status is done. Without a status, `endTime` ends it, failed when it left an error message.
 */
export function scanState(scan: Scan): 'running' | 'done' | 'failed' {
  const s = (scan.status ?? '').toUpperCase();
  if (s.endsWith('FAILED') || s === 'ERROR') return 'failed';
  if (s.endsWith('DOING') || s === 'INIT') return scan.endTime ? 'done' : 'running';
  if (s) return 'done';
  if (!scan.endTime) return 'running';
  return scan.errorMsg ? 'failed' : 'done';
}

/**
 * Async task: the status decides (DONE is done, whatever `errorMsg` says: the official sample sends
 * `"errorMsg":"null"` with it), and `running:false` ends it: a task that stopped without DONE failed.
 * Only when MMS sends no status at all does an error message mark the end as a failure; a task that
 * ended well but names no object is the caller's to judge.
 */
export function asyncTaskState(t: AsyncTask): 'running' | 'done' | 'failed' {
  const s = (t.status ?? '').toUpperCase();
  if (s === 'DONE') return 'done';
  if (s === 'FAILED' || s === 'ERROR') return 'failed';
  if (t.running === false) {
    if (s) return 'failed';
    return t.errorMsg ? 'failed' : 'done';
  }
  return 'running';
}

/** Times: `YYYY-MM-DD HH:mm:ss` (taken as UTC+8, MMS's home zone, unless a zone is given), epoch-ms, or ISO. */
export function parseMmsTime(t: string | number | null | undefined): Date | null {
  if (t === null || t === undefined || t === '') return null;
  if (typeof t === 'number') return new Date(t < 1e12 ? t * 1000 : t);
  if (/^\d+$/.test(t)) return parseMmsTime(Number(t));
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(t);
  if (m) return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d;
}
