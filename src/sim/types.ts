// Records the simulator keeps in memory. Times are epoch-ms here; views format them for the wire.

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
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const JOB_STATUSES = ['INIT', 'DOING', 'DONE', 'FAILED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const INVENTORY_STATUSES = ['INIT', 'DOING', 'DONE', 'FAILED', 'PART_DONE'] as const;
export type InventoryStatus = (typeof INVENTORY_STATUSES)[number];

export type Phase = 'SCHEMA' | 'DATA' | 'VERIFICATION';
export type JobType = 'Database' | 'Tables' | 'Partitions';

export interface Column {
  name: string;
  type: string;
  comment: string;
}

export interface ConfigItem {
  key: string;
  name: string;
  desc: string;
  type: string;
  required: boolean;
  enums: string[];
  value: string;
  /** A map of key → item, as in the models; absent when the item has none. */
  subItems?: Record<string, ConfigItem>;
}

/** A table to create; `partitions` are values such as `ds=20250101` (a bare `20250101` means `ds=`). */
export interface TableSpec {
  name: string;
  partitions?: string[];
  numRows?: number;
  columns?: Column[];
  type?: string;
}

export interface DbSpec {
  name: string;
  tables: TableSpec[];
  dstProjectName?: string;
  dstSchemaName?: string | null;
}

export interface SourceSpec {
  name: string;
  type?: string;
  dbs?: DbSpec[];
  /** false: the inventory appears only when a scan finishes (default true). */
  scanned?: boolean;
  /** Every scan of this source fails with this message. */
  failScan?: string;
  region?: string;
  networklink?: string;
  dstProject?: string;
  agentIsOnline?: boolean;
  errMsg?: string;
  config?: ConfigItem[];
}

export interface SourceRec {
  id: number;
  name: string;
  type: string;
  region: string;
  networklink: string;
  dstProject: string;
  status: 'STARTED' | 'STOPPED';
  agentIsOnline: boolean;
  errMsg: string;
  scanId: number | null;
  config: ConfigItem[];
  createTime: number;
  lastUpdateTime: number;
  failScan: string | null;
  /** Inventory a scan has not revealed yet. */
  pending: DbSpec[] | null;
}

export interface ScanRec {
  id: number;
  sourceId: number;
  status: 'SCAN_DOING' | 'SCAN_DONE' | 'SCAN_FAILED';
  progress: number;
  result: string | null;
  errorMsg: string | null;
  startTime: number;
  endTime: number | null;
  dbName: string | null;
  tableNames: string[];
  steps: number;
}

export interface DbRec {
  id: number;
  sourceId: number;
  name: string;
  dstProjectName: string;
  dstName: string | null;
  dstSchemaName: string | null;
  createTime: number;
  updateTime: number;
}

export interface TableRec {
  id: number;
  sourceId: number;
  dbId: number;
  dbName: string;
  name: string;
  type: string;
  hasPartitions: boolean;
  dstProjectName: string;
  dstSchemaName: string | null;
  dstName: string;
  status: InventoryStatus;
  lastDdlTime: number;
  numRows: number;
  size: number;
  columns: Column[];
  partitionColumns: Column[];
  updateTime: number;
}

export interface PartitionRec {
  id: number;
  sourceId: number;
  dbId: number;
  dbName: string;
  tableId: number;
  tableName: string;
  value: string;
  dstValue: string;
  status: InventoryStatus;
  numRows: number;
  size: number;
  lastDdlTime: number;
  updated: boolean;
  updateTime: number;
}

/** CreateMmsJob / CreateMmsTimer body after validation (unset fields omitted). */
export interface JobRequest {
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
  columnMapping?: Record<string, unknown>;
  schemaOnly?: boolean;
  enableSchemaMigration?: boolean;
  enableDataMigration?: boolean;
  enableVerification?: boolean;
  increment?: boolean;
  eta?: string;
  taskType?: string;
  others?: unknown;
}

/** What a job will migrate: one item per task. */
export interface JobPlan {
  sourceId: number;
  request: JobRequest;
  dbId: number;
  type: JobType;
  phases: Phase[];
  items: Array<{ tableId: number; partitionIds: number[]; filter: string | null }>;
}

export interface JobRec {
  id: number;
  sourceId: number;
  name: string;
  dbId: number;
  srcDbName: string;
  srcSchemaName: string | null;
  dstDbName: string;
  dstSchemaName: string | null;
  type: JobType;
  stopped: boolean;
  timerId: number | null;
  createTime: number;
  updateTime: number;
  startTime: number | null;
  endTime: number | null;
  config: Record<string, unknown>;
  phases: Phase[];
  taskIds: number[];
}

export interface TaskRec {
  id: number;
  jobId: number;
  sourceId: number;
  dbId: number;
  tableId: number;
  srcDbName: string;
  srcTableName: string;
  dstDbName: string;
  dstSchemaName: string | null;
  dstTableName: string;
  partitionIds: number[];
  partitionFilter: string | null;
  type: string;
  status: TaskStatus;
  retriedTimes: number;
  startTime: number | null;
  endTime: number | null;
  createTime: number;
  updateTime: number;
  /** Steps spent in the current *_DOING phase. */
  phaseSteps: number;
}

export interface TaskLogRec {
  id: number;
  taskId: number;
  sourceId: number;
  status: string;
  action: string;
  msg: string;
  createTime: number;
}

export type AsyncTaskType = 'TASK_CREATE' | 'STOP_JOB' | 'UPDATE_DATASOURCE';

export interface AsyncTaskRec {
  id: number;
  sourceId: number;
  type: AsyncTaskType;
  objectId: number | null;
  status: 'DOING' | 'DONE' | 'FAILED';
  running: boolean;
  progress: number;
  result: string | null;
  errorMsg: string | null;
  startTime: number;
  endTime: number | null;
  createTime: number;
  steps: number;
  plan: JobPlan | null;
  /** UPDATE_DATASOURCE with test=true fails with this message. */
  failWith: string | null;
}

export interface TimerRec {
  id: number;
  name: string;
  sourceId: number;
  dbId: number;
  srcDbName: string;
  scheduleType: 'Daily' | 'Hourly';
  value: string;
  type: JobType;
  stopped: boolean;
  createTime: number;
  updateTime: number;
  request: JobRequest;
}

export interface TimerLogRec {
  id: number;
  timerId: number;
  sourceId: number;
  status: string;
  action: string;
  msg: string;
  createTime: number;
}

export interface TaskMatch {
  jobId?: number;
  table?: string;
  taskId?: number;
}

export interface PlannedFailure {
  phase: Phase;
  msg: string;
  action?: string;
}
