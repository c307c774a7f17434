// One typed method per MMS action (MMS.md §3). The only file that knows MMS's HTTP paths.
import { z } from 'zod';
import {
  AsyncTask,
  AsyncTaskRef,
  ConfigItem,
  DataSource,
  Db,
  Job,
  type Page,
  Partition,
  pageOf,
  Scan,
  ScanRef,
  SourceRef,
  SourceUpdateRef,
  Table,
  Task,
  TaskLog,
  Timer,
  TimerLog,
  TimerRef,
  WriteAck,
} from './schemas.js';
import { type Query, Transport, type TransportOptions } from './transport.js';

export interface Paging {
  pageNum?: number;
  pageSize?: number;
}

export interface JobSpec {
  name: string;
  srcDbName: string;
  srcSchemaName?: string;
  dstDbName?: string;
  dstSchemaName?: string;
  tables?: string[];
  partitions?: number[];
  tableBlackList?: string[];
  tableWhiteList?: string[];
  partitionFilters?: Record<string, string>;
  tableMapping?: Record<string, string>;
  columnMapping?: Record<string, string>;
  schemaOnly?: boolean;
  enableSchemaMigration?: boolean;
  enableDataMigration?: boolean;
  enableVerification?: boolean;
  increment?: boolean;
  eta?: string;
  taskType?: string;
  others?: Record<string, unknown>;
  sourceId?: number;
  sourceName?: string;
}

export interface TimerSpec {
  name: string;
  srcDbName: string;
  scheduleType: 'Daily' | 'Hourly';
  value: string;
  sourceId?: number;
  tables?: string[];
  partitions?: number[];
  partitionFilters?: Record<string, string>;
  tableBlackList?: string[];
  tableWhiteList?: string[];
  tableMapping?: Record<string, string>;
  columnMapping?: Record<string, string>;
  enableSchemaMigration?: boolean;
  enableDataMigration?: boolean;
  enableVerification?: boolean;
  others?: Record<string, unknown>;
}

const paging = (p: Paging | undefined): Query => ({ pageNum: p?.pageNum, pageSize: p?.pageSize });
const sorter = (s: Record<string, 'asc' | 'desc'> | undefined): Query =>
  Object.fromEntries(Object.entries(s ?? {}).map(([k, v]) => [`sorter.${k}`, v]));
/** ListMmsTables/Partitions take a JSON-array string; the others take one plain value. */
const statusArray = (s: string[] | undefined): string | undefined =>
  s?.length ? JSON.stringify(s) : undefined;

const ROOT = '/api/v1/mms';
const src = (sid: number) => `${ROOT}/datasources/${sid}`;

const ConfigItems = z.array(ConfigItem);
const TaskLogs = z.union([z.array(TaskLog), pageOf(TaskLog).transform((p) => p.items)]);

export class MmsClient {
  private readonly t: Transport;

  constructor(
    readonly region: string,
    opts: TransportOptions,
  ) {
    this.t = new Transport(opts);
  }

  // ---- data sources (the bot only reads them; the rest exist for completeness) ----
  listDataSources(
    q: { name?: string; type?: string; region?: string } & Paging = {},
  ): Promise<Page<DataSource>> {
    return this.t.call({
      action: 'ListMmsDataSources',
      method: 'GET',
      path: `${ROOT}/datasources`,
      query: { name: q.name, type: q.type, region: q.region, ...paging(q) },
      data: pageOf(DataSource),
    });
  }
  getDataSource(
    sid: number,
    q: { withConfig?: boolean; lang?: 'en_US' | 'zh_CN' } = {},
  ): Promise<DataSource> {
    return this.t.call({
      action: 'GetMmsDataSource',
      method: 'GET',
      path: src(sid),
      query: { withConfig: q.withConfig ? 'true' : undefined, lang: q.lang },
      data: DataSource,
    });
  }
  createDataSource(b: { name: string; type: string; networklink?: string; config?: unknown }) {
    return this.t.call({
      action: 'CreateMmsDataSource',
      method: 'POST',
      path: `${ROOT}/datasources`,
      body: b,
      data: SourceRef,
    });
  }
  updateDataSource(
    sid: number,
    b: {
      action: 'UPDATE_CONFIG' | 'START' | 'STOP' | 'RENAME';
      name?: string;
      test?: boolean;
      config?: unknown;
    },
  ) {
    return this.t.call({
      action: 'UpdateMmsDataSource',
      method: 'PUT',
      path: src(sid),
      body: b,
      data: SourceUpdateRef,
    });
  }
  deleteDataSource(sid: number) {
    return this.t.call({ action: 'DeleteMmsDataSource', method: 'DELETE', path: src(sid), data: WriteAck });
  }
  listDataSourceConfigItems(sourceType: string, lang?: 'en_US' | 'zh_CN'): Promise<ConfigItem[]> {
    return this.t.call({
      action: 'ListMmsDataSourceConfigItems',
      method: 'GET',
      path: `${ROOT}/configItems`,
      query: { sourceType, lang },
      data: ConfigItems,
    });
  }

  // ---- scans ----
  createFetchMetadataJob(sid: number, b: { dbName?: string; tableNames?: string[] } = {}) {
    return this.t.call({
      action: 'CreateMmsFetchMetadataJob',
      method: 'POST',
      path: `${src(sid)}/scans`,
      body: b,
      data: ScanRef,
    });
  }
  getFetchMetadataJob(sid: number, scanId: number): Promise<Scan> {
    return this.t.call({
      action: 'GetMmsFetchMetadataJob',
      method: 'GET',
      path: `${src(sid)}/scans/${scanId}`,
      data: Scan,
    });
  }

  // ---- inventory ----
  listDbs(
    sid: number,
    q: { name?: string; status?: string; sorter?: Record<string, 'asc' | 'desc'> } & Paging = {},
  ): Promise<Page<Db>> {
    return this.t.call({
      action: 'ListMmsDbs',
      method: 'GET',
      path: `${src(sid)}/dbs`,
      // ListMmsDbs takes the sorter as one JSON string, unlike the other lists.
      query: {
        name: q.name,
        status: q.status,
        sorter: q.sorter ? JSON.stringify(q.sorter) : undefined,
        ...paging(q),
      },
      data: pageOf(Db),
    });
  }
  getDb(sid: number, dbId: number): Promise<Db> {
    return this.t.call({ action: 'GetMmsDb', method: 'GET', path: `${src(sid)}/dbs/${dbId}`, data: Db });
  }
  updateDb(sid: number, dbId: number, b: { dstProjectName?: string; dstName?: string; status?: string }) {
    return this.t.call({
      action: 'UpdateMmsDb',
      method: 'PUT',
      path: `${src(sid)}/dbs/${dbId}`,
      body: b,
      data: WriteAck,
    });
  }
  listTables(
    sid: number,
    q: {
      dbId?: number;
      dbName?: string;
      name?: string;
      dstProjectName?: string;
      dstSchemaName?: string;
      dstName?: string;
      type?: string;
      hasPartitions?: boolean;
      onlyName?: boolean;
      status?: string[];
      lastDdlTimeStart?: string;
      lastDdlTimeEnd?: string;
      sorter?: Record<string, 'asc' | 'desc'>;
    } & Paging = {},
  ): Promise<Page<Table>> {
    const { status, sorter: s, pageNum, pageSize, ...rest } = q;
    return this.t.call({
      action: 'ListMmsTables',
      method: 'GET',
      path: `${src(sid)}/tables`,
      query: { ...rest, status: statusArray(status), ...sorter(s), ...paging({ pageNum, pageSize }) },
      data: pageOf(Table),
    });
  }
  updateTables(
    sid: number,
    b: {
      dbName?: string;
      tableNames?: string[];
      dstProjectName?: string;
      dstSchemaName?: string;
      status?: string;
      tables?: number[];
    },
  ) {
    return this.t.call({
      action: 'UpdateMmsTables',
      method: 'PUT',
      path: `${src(sid)}/tables`,
      body: b,
      data: WriteAck,
    });
  }
  getTable(sid: number, tableId: number): Promise<Table> {
    return this.t.call({
      action: 'GetMmsTable',
      method: 'GET',
      path: `${src(sid)}/tables/${tableId}`,
      data: Table,
    });
  }
  updateTable(
    sid: number,
    tableId: number,
    b: { dstProjectName?: string; dstSchemaName?: string; dstName?: string; status?: string },
  ) {
    return this.t.call({
      action: 'UpdateMmsTable',
      method: 'PUT',
      path: `${src(sid)}/tables/${tableId}`,
      body: b,
      data: WriteAck,
    });
  }
  listPartitions(
    sid: number,
    q: {
      dbId?: number;
      dbName?: string;
      tableId?: number;
      tableName?: string;
      value?: string;
      updated?: boolean;
      status?: string[];
      lastDdlTimeStart?: string;
      lastDdlTimeEnd?: string;
      sorter?: Record<string, 'asc' | 'desc'>;
    } & Paging = {},
  ): Promise<Page<Partition>> {
    const { status, sorter: s, pageNum, pageSize, ...rest } = q;
    return this.t.call({
      action: 'ListMmsPartitions',
      method: 'GET',
      path: `${src(sid)}/partitions`,
      query: { ...rest, status: statusArray(status), ...sorter(s), ...paging({ pageNum, pageSize }) },
      data: pageOf(Partition),
    });
  }
  getPartition(sid: number, partitionId: number): Promise<Partition> {
    return this.t.call({
      action: 'GetMmsPartition',
      method: 'GET',
      path: `${src(sid)}/partitions/${partitionId}`,
      data: Partition,
    });
  }

  // ---- jobs ----
  /** Asynchronous: returns only the async task; poll getAsyncTask until DONE, then `objectId` is the job. */
  createJob(sid: number, spec: JobSpec) {
    return this.t.call({
      action: 'CreateMmsJob',
      method: 'POST',
      path: `${src(sid)}/jobs`,
      body: { ...spec, sourceId: spec.sourceId ?? sid },
      data: AsyncTaskRef,
    });
  }
  listJobs(
    sid: number,
    q: {
      name?: string;
      srcDbName?: string;
      srcTableName?: string;
      dstDbName?: string;
      dstTableName?: string;
      status?: string;
      stopped?: boolean;
      timerId?: number;
      sorter?: Record<string, 'asc' | 'desc'>;
    } & Paging = {},
  ): Promise<Page<Job>> {
    const { stopped, sorter: s, pageNum, pageSize, ...rest } = q;
    return this.t.call({
      action: 'ListMmsJobs',
      method: 'GET',
      path: `${src(sid)}/jobs`,
      // ListMmsJobs wants `stopped` as 0/1 (timers want true/false).
      query: {
        ...rest,
        stopped: stopped === undefined ? undefined : stopped ? 1 : 0,
        ...sorter(s),
        ...paging({ pageNum, pageSize }),
      },
      data: pageOf(Job),
    });
  }
  getJob(sid: number, jobId: number): Promise<Job> {
    return this.t.call({ action: 'GetMmsJob', method: 'GET', path: `${src(sid)}/jobs/${jobId}`, data: Job });
  }
  /** POST, not DELETE (MMS.md §3). */
  deleteJob(sid: number, jobId: number) {
    return this.t.call({
      action: 'DeleteMmsJob',
      method: 'POST',
      path: `${src(sid)}/jobs/${jobId}`,
      data: WriteAck,
    });
  }
  /** Resumes a job stopped by stopJob; it does not rerun failures (that is retryJob). */
  startJob(sid: number, jobId: number) {
    return this.t.call({
      action: 'StartMmsJob',
      method: 'POST',
      path: `${src(sid)}/jobs/${jobId}/start`,
      data: WriteAck,
    });
  }
  stopJob(sid: number, jobId: number) {
    return this.t.call({
      action: 'StopMmsJob',
      method: 'POST',
      path: `${src(sid)}/jobs/${jobId}/stop`,
      data: WriteAck,
    });
  }
  retryJob(sid: number, jobId: number) {
    return this.t.call({
      action: 'RetryMmsJob',
      method: 'POST',
      path: `${src(sid)}/jobs/${jobId}/retry`,
      data: WriteAck,
    });
  }

  // ---- tasks ----
  listTasks(
    sid: number,
    q: {
      jobId?: number;
      jobName?: string;
      srcDbName?: string;
      srcTableName?: string;
      dstDbName?: string;
      dstTableName?: string;
      status?: string;
      partition?: string;
      sorter?: Record<string, 'asc' | 'desc'>;
    } & Paging = {},
  ): Promise<Page<Task>> {
    const { sorter: s, pageNum, pageSize, ...rest } = q;
    return this.t.call({
      action: 'ListMmsTasks',
      method: 'GET',
      path: `${src(sid)}/tasks`,
      query: { ...rest, ...sorter(s), ...paging({ pageNum, pageSize }) },
      data: pageOf(Task),
    });
  }
  getTask(sid: number, taskId: number): Promise<Task> {
    return this.t.call({
      action: 'GetMmsTask',
      method: 'GET',
      path: `${src(sid)}/tasks/${taskId}`,
      data: Task,
    });
  }
  /** A bare array, no paging. */
  listTaskLogs(sid: number, taskId: number): Promise<TaskLog[]> {
    return this.t.call({
      action: 'ListMmsTaskLogs',
      method: 'GET',
      path: `${src(sid)}/tasks/${taskId}/logs`,
      data: TaskLogs,
    });
  }
  retryTask(sid: number, taskId: number) {
    return this.t.call({
      action: 'RetryMmsTask',
      method: 'POST',
      path: `${src(sid)}/tasks/${taskId}/retry`,
      data: WriteAck,
    });
  }
  getAsyncTask(sid: number, asyncTaskId: number): Promise<AsyncTask> {
    return this.t.call({
      action: 'GetMmsAsyncTask',
      method: 'GET',
      path: `${src(sid)}/asyncTasks/${asyncTaskId}`,
      data: AsyncTask,
    });
  }

  // ---- timers ----
  createTimer(sid: number, spec: TimerSpec) {
    return this.t.call({
      action: 'CreateMmsTimer',
      method: 'POST',
      path: `${src(sid)}/timers`,
      body: { ...spec, sourceId: spec.sourceId ?? sid },
      data: TimerRef,
    });
  }
  listTimers(
    sid: number,
    q: { name?: string; srcDbName?: string; srcTableName?: string; stopped?: boolean } & Paging = {},
  ): Promise<Page<Timer>> {
    const { stopped, pageNum, pageSize, ...rest } = q;
    return this.t.call({
      action: 'ListMmsTimers',
      method: 'GET',
      path: `${src(sid)}/timers`,
      query: {
        ...rest,
        stopped: stopped === undefined ? undefined : String(stopped),
        ...paging({ pageNum, pageSize }),
      },
      data: pageOf(Timer),
    });
  }
  getTimer(sid: number, timerId: number): Promise<Timer> {
    return this.t.call({
      action: 'GetMmsTimer',
      method: 'GET',
      path: `${src(sid)}/timers/${timerId}`,
      data: Timer,
    });
  }
  updateTimer(
    sid: number,
    timerId: number,
    b: { scheduleType?: 'Daily' | 'Hourly'; value?: string; stopped?: boolean },
  ) {
    return this.t.call({
      action: 'UpdateMmsTimer',
      method: 'PUT',
      path: `${src(sid)}/timers/${timerId}`,
      body: b,
      data: WriteAck,
    });
  }
  deleteTimer(sid: number, timerId: number) {
    return this.t.call({
      action: 'DeleteMmsTimer',
      method: 'DELETE',
      path: `${src(sid)}/timers/${timerId}`,
      data: WriteAck,
    });
  }
  listTimerLogs(sid: number, timerId: number, q: Paging = {}): Promise<Page<TimerLog>> {
    return this.t.call({
      action: 'ListMmsTimerLogs',
      method: 'GET',
      path: `${src(sid)}/timers/${timerId}/logs`,
      query: paging(q),
      data: pageOf(TimerLog),
    });
  }
  triggerTimer(sid: number, timerId: number) {
    return this.t.call({
      action: 'TriggerMmsTimer',
      method: 'POST',
      path: `${src(sid)}/timers/${timerId}/trigger`,
      data: WriteAck,
    });
  }
}

/**
 * Every item of a paged list, one page after another, up to `max` items. MMS documents no maximum page
 * size and `total` may be missing, so a short page ends the list only when `total` says so (a server may
 * clamp pageSize); without a `total` the list ends on an empty page. A page that brings nothing new (a
 * server that ignores pageNum) ends it too, and an item with an id already seen is not added again, so no
 * server can loop it forever or make it return an item twice. `until` ends it early once the items read
 * so far are enough (a caller looking for a few known ids).
 */
export async function listAll<T>(
  fetchPage: (p: Required<Paging>) => Promise<Page<T>>,
  opts: { pageSize?: number; max?: number; until?: (items: readonly T[]) => boolean } = {},
): Promise<T[]> {
  const pageSize = opts.pageSize ?? 100;
  const max = opts.max ?? 10_000;
  const out: T[] = [];
  const seen = new Set<unknown>();
  let previous = '';
  for (let pageNum = 1; out.length < max && pageNum <= 1000; pageNum++) {
    const page = await fetchPage({ pageNum, pageSize });
    const fingerprint = JSON.stringify(page.items);
    if (fingerprint === previous) break;
    previous = fingerprint;
    const fresh = page.items.filter((item) => {
      const id = (item as { id?: unknown } | null)?.id;
      if (id === undefined || id === null) return true;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    if (fresh.length === 0) break;
    out.push(...fresh);
    if (page.totalKnown !== false && out.length >= page.total) break;
    if (opts.until?.(out)) break;
  }
  return out.slice(0, max);
}
