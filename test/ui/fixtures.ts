// Test data for the renderer suites.
import {
  DataSource,
  Db,
  Job,
  type Page,
  Partition,
  Table,
  Task,
  TaskLog,
  Timer,
  TimerLog,
} from '../../src/mms/schemas.js';
import type { Pager, RenderCtx } from '../../src/ui/types.js';

export const NOW = new Date('2025-06-03T02:30:00Z');
export const ctx: RenderCtx = { region: 'cn-hangzhou', defaultRegion: 'cn-hangzhou', now: NOW };
export const offCtx: RenderCtx = { region: 'cn-shanghai', defaultRegion: 'cn-hangzhou', now: NOW };

/** Strings MMS data must never turn into pings or links. */
export const INJECT = '<!channel> <@U123> <https://evil.example|click> @here <!subteam^S1> &';

export function page<T>(
  items: T[],
  pageNum = 1,
  pageSize = items.length || 20,
  total = items.length,
): Page<T> {
  return { items, pageNum, pageSize, total };
}

export function pager(command: string, pageNum: number, pageSize: number, total: number): Pager {
  return { command, pageNum, pageSize, total };
}

export const source = DataSource.parse({
  id: 2000015,
  name: 'hive-prod',
  type: 'HIVE',
  region: 'cn-hangzhou',
  networklink: 'vpc-bp1x9k2m4n6p8q0r2s4t:cn-hangzhou',
  dstProject: 'mc_sales',
  status: 'STARTED',
  agentIsOnline: true,
  errMsg: '',
  scanId: 311,
  lastUpdateTime: '2025-06-03 09:58:40',
  dbNum: 5,
  tableNum: 75,
  partitionNum: 215,
  tablesDoneNum: 41,
  tablesFailedNum: 2,
  config: [
    { key: 'mc.default.project', type: 'string', required: true, value: 'mc_sales' },
    { key: 'hive.metastore.password', type: 'password', value: '********' },
  ],
});

export const job = Job.parse({
  id: 10,
  name: 'sales_orders_2025',
  sourceId: 2000015,
  sourceName: 'hive-prod',
  dbId: 3,
  srcDbName: 'sales',
  dstDbName: 'mc_sales',
  dstSchemaName: 'default',
  type: 'Partitions',
  status: 'DOING',
  stopped: false,
  taskNum: 2,
  taskDone: 1,
  createTime: '2025-06-03 10:12:45',
  config: {
    tables: ['orders', 'order_items'],
    partitionFilters: { orders: "ds >= '20250101'" },
    schemaOnly: false,
    increment: false,
    enableVerification: true,
    taskType: 'HIVE',
  },
});

export const task = Task.parse({
  id: 7680,
  jobId: 10,
  jobName: 'sales_orders_2025',
  sourceId: 2000015,
  tableId: 512,
  srcDbName: 'sales',
  srcTableName: 'orders',
  dstDbName: 'mc_sales',
  dstSchemaName: 'default',
  dstTableName: 'orders',
  type: 'HIVE',
  status: 'VERIFICATION_FAILED',
  running: false,
  stopped: false,
  retriedTimes: 0,
  startTime: '2025-06-03 10:15:02',
  endTime: '2025-06-03 10:41:37',
});

export const makeDb = (i: number, extra: Record<string, unknown> = {}) =>
  Db.parse({
    id: i,
    name: `db_${i}`,
    status: 'INIT',
    numRows: i * 1000,
    size: i * 1e6,
    tables: 10,
    ...extra,
  });
export const makeTable = (i: number, extra: Record<string, unknown> = {}) =>
  Table.parse({
    id: i,
    dbName: 'sales',
    name: `table_${i}`,
    hasPartitions: i % 2 === 0,
    status: 'DONE',
    numRows: 1203331,
    size: 3.4 * 1024 ** 3,
    ...extra,
  });
export const makePartition = (i: number, extra: Record<string, unknown> = {}) =>
  Partition.parse({
    id: i,
    tableName: 'orders',
    value: `ds=2025${String(i).padStart(4, '0')}`,
    status: 'DONE',
    numRows: 10,
    ...extra,
  });
export const makeJob = (i: number, extra: Record<string, unknown> = {}) =>
  Job.parse({ ...job, id: i, name: `job_${i}`, ...extra });
export const makeTask = (i: number, extra: Record<string, unknown> = {}) =>
  Task.parse({ ...task, id: i, srcTableName: `table_${i}`, ...extra });
export const makeLog = (i: number, status: string, extra: Record<string, unknown> = {}) =>
  TaskLog.parse({
    id: i,
    taskId: 7680,
    status,
    action: `insert overwrite table mc_sales.default.orders partition (ds) select * from sales.orders where id = ${i}`,
    msg: 'ok',
    createTime: '2025-06-03 10:15:03',
    ...extra,
  });
export const timer = Timer.parse({
  id: 31,
  name: 'nightly_sales',
  sourceId: 2000015,
  srcDbName: 'sales',
  scheduleType: 'Daily',
  value: '02:30',
  stopped: false,
  createTime: 1748919600000,
  config: { tables: ['orders'], enableVerification: true },
});
export const makeTimerLog = (i: number, extra: Record<string, unknown> = {}) =>
  TimerLog.parse({
    id: i,
    timerId: 31,
    status: 'DONE',
    action: 'create job',
    msg: `job ${i} created`,
    createTime: '2025-06-03 02:30:00',
    ...extra,
  });
