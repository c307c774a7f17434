// The 36 MMS actions at their exact methods and paths (MMS.md §3), and path → action resolution.
import type { Handler } from './api/context.js';
import * as inventory from './api/inventory.js';
import * as jobs from './api/jobs.js';
import * as sources from './api/sources.js';
import * as tasks from './api/tasks.js';
import * as timers from './api/timers.js';
import { pathId } from './params.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteDef {
  action: string;
  method: Method;
  path: string;
  handler: Handler;
}

const API = '/api/v1/mms';
const S = `${API}/datasources/{sid}`;

export const ROUTES: RouteDef[] = [
  {
    action: 'ListMmsDataSources',
    method: 'GET',
    path: `${API}/datasources`,
    handler: sources.listDataSources,
  },
  {
    action: 'CreateMmsDataSource',
    method: 'POST',
    path: `${API}/datasources`,
    handler: sources.createDataSource,
  },
  { action: 'GetMmsDataSource', method: 'GET', path: S, handler: sources.getDataSource },
  { action: 'UpdateMmsDataSource', method: 'PUT', path: S, handler: sources.updateDataSource },
  { action: 'DeleteMmsDataSource', method: 'DELETE', path: S, handler: sources.deleteDataSource },
  {
    action: 'ListMmsDataSourceConfigItems',
    method: 'GET',
    path: `${API}/configItems`,
    handler: sources.listConfigItems,
  },
  {
    action: 'CreateMmsFetchMetadataJob',
    method: 'POST',
    path: `${S}/scans`,
    handler: sources.createFetchMetadataJob,
  },
  {
    action: 'GetMmsFetchMetadataJob',
    method: 'GET',
    path: `${S}/scans/{scanId}`,
    handler: sources.getFetchMetadataJob,
  },
  { action: 'ListMmsDbs', method: 'GET', path: `${S}/dbs`, handler: inventory.listDbs },
  { action: 'GetMmsDb', method: 'GET', path: `${S}/dbs/{dbId}`, handler: inventory.getDb },
  { action: 'UpdateMmsDb', method: 'PUT', path: `${S}/dbs/{dbId}`, handler: inventory.updateDb },
  { action: 'ListMmsTables', method: 'GET', path: `${S}/tables`, handler: inventory.listTables },
  { action: 'UpdateMmsTables', method: 'PUT', path: `${S}/tables`, handler: inventory.updateTables },
  { action: 'GetMmsTable', method: 'GET', path: `${S}/tables/{tableId}`, handler: inventory.getTable },
  { action: 'UpdateMmsTable', method: 'PUT', path: `${S}/tables/{tableId}`, handler: inventory.updateTable },
  { action: 'ListMmsPartitions', method: 'GET', path: `${S}/partitions`, handler: inventory.listPartitions },
  {
    action: 'GetMmsPartition',
    method: 'GET',
    path: `${S}/partitions/{partitionId}`,
    handler: inventory.getPartition,
  },
  { action: 'CreateMmsJob', method: 'POST', path: `${S}/jobs`, handler: jobs.createJob },
  { action: 'ListMmsJobs', method: 'GET', path: `${S}/jobs`, handler: jobs.listJobs },
  { action: 'GetMmsJob', method: 'GET', path: `${S}/jobs/{jobId}`, handler: jobs.getJob },
  // DeleteMmsJob really is a POST to the job's own path.
  { action: 'DeleteMmsJob', method: 'POST', path: `${S}/jobs/{jobId}`, handler: jobs.deleteJobAction },
  { action: 'StartMmsJob', method: 'POST', path: `${S}/jobs/{jobId}/start`, handler: jobs.startJobAction },
  { action: 'StopMmsJob', method: 'POST', path: `${S}/jobs/{jobId}/stop`, handler: jobs.stopJobAction },
  { action: 'RetryMmsJob', method: 'POST', path: `${S}/jobs/{jobId}/retry`, handler: jobs.retryJobAction },
  { action: 'ListMmsTasks', method: 'GET', path: `${S}/tasks`, handler: tasks.listTasks },
  { action: 'GetMmsTask', method: 'GET', path: `${S}/tasks/{taskId}`, handler: tasks.getTask },
  { action: 'ListMmsTaskLogs', method: 'GET', path: `${S}/tasks/{taskId}/logs`, handler: tasks.listTaskLogs },
  {
    action: 'RetryMmsTask',
    method: 'POST',
    path: `${S}/tasks/{taskId}/retry`,
    handler: tasks.retryTaskAction,
  },
  {
    action: 'GetMmsAsyncTask',
    method: 'GET',
    path: `${S}/asyncTasks/{asyncTaskId}`,
    handler: jobs.getAsyncTask,
  },
  { action: 'CreateMmsTimer', method: 'POST', path: `${S}/timers`, handler: timers.createTimerAction },
  { action: 'ListMmsTimers', method: 'GET', path: `${S}/timers`, handler: timers.listTimers },
  { action: 'GetMmsTimer', method: 'GET', path: `${S}/timers/{timerId}`, handler: timers.getTimer },
  {
    action: 'UpdateMmsTimer',
    method: 'PUT',
    path: `${S}/timers/{timerId}`,
    handler: timers.updateTimerAction,
  },
  {
    action: 'DeleteMmsTimer',
    method: 'DELETE',
    path: `${S}/timers/{timerId}`,
    handler: timers.deleteTimerAction,
  },
  {
    action: 'ListMmsTimerLogs',
    method: 'GET',
    path: `${S}/timers/{timerId}/logs`,
    handler: timers.listTimerLogs,
  },
  {
    action: 'TriggerMmsTimer',
    method: 'POST',
    path: `${S}/timers/{timerId}/trigger`,
    handler: timers.triggerTimerAction,
  },
];

export const ACTIONS: string[] = ROUTES.map((r) => r.action);

/** Raw path segments captured by `{name}`; ids are checked later so `/jobs/abc` is a 400, not a 404. */
function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith('{')) {
      if (g === '') return null;
      params[w.slice(1, -1)] = g;
    } else if (w !== g) return null;
  }
  return params;
}

export interface Resolved {
  route: RouteDef;
  raw: Record<string, string>;
}

export function resolve(method: string, path: string): Resolved | null {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const raw = match(route.path, path);
    if (raw) return { route, raw };
  }
  return null;
}

export function parseIds(raw: Record<string, string>): Record<string, number> {
  const ids: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) ids[k] = pathId(k === 'sid' ? 'sourceId' : k, decode(v));
  return ids;
}

function decode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
