// The simulator promises no more than MMS: every action's answer holds only the fields of the official
// response models (mms-response-models.json, a copy of docs/mms-response-models.json), each of its
// declared type. Every one of the 36 actions is called, over signed HTTP, in the states that shape its
// answer (running, done, failed; stopped; with and without config), with absent strings left out and with
// absent strings sent as "null" (the official sample's way).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, type MmsSimulator, type SimOptions, startSimulator } from '../../src/sim/index.js';
import { addShop, type Client, client, type Json } from './helpers.js';

const MODELS = JSON.parse(readFileSync(new URL('./mms-response-models.json', import.meta.url), 'utf8')) as {
  actions: Record<string, unknown>;
};

/** Where `value` departs from `decl`: undeclared fields, wrong types, nulls (no field is declared null). */
function shapeIssues(decl: unknown, value: unknown, path: string, out: string[] = []): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (decl === 'any') {
    if (value === null || value === undefined) out.push(`${path}: ${kind(value)}`);
    return out;
  }
  if (typeof decl === 'string') {
    if (typeof value !== decl) out.push(`${path}: ${kind(value)}, declared ${decl}`);
    return out;
  }
  if (Array.isArray(decl)) {
    if (!Array.isArray(value)) out.push(`${path}: ${kind(value)}, declared an array`);
    else for (const [i, v] of value.entries()) shapeIssues(decl[0], v, `${path}[${i}]`, out);
    return out;
  }
  const fields = decl as Record<string, unknown>;
  if (kind(value) !== 'object') {
    out.push(`${path}: ${kind(value)}, declared an object`);
    return out;
  }
  const obj = value as Record<string, unknown>;
  if ('<key>' in fields) {
    for (const [k, v] of Object.entries(obj)) shapeIssues(fields['<key>'], v, `${path}.${k}`, out);
    return out;
  }
  for (const [k, v] of Object.entries(obj)) {
    if (!(k in fields)) out.push(`${path}.${k}: not in the models`);
    else shapeIssues(fields[k], v, `${path}.${k}`, out);
  }
  return out;
}

interface Answer {
  action: string;
  data: Json;
}

/** Calls every action in the states that matter; returns each answer's `data`. */
async function walk(sim: MmsSimulator, api: Client): Promise<Answer[]> {
  const out: Answer[] = [];
  const ok = async (action: string, method: string, path: string, query: Json = {}, body?: unknown) => {
    const res = await api.ok(action, method, path, query, body);
    out.push({ action, data: res.data });
    return res.data;
  };
  const hive = '/datasources/2000015';
  const shop = addShop(sim);
  const S = `/datasources/${shop}`;

  // Sources: the demo ones (a failed scan, an offline agent), with and without config; every language.
  await ok('ListMmsDataSources', 'GET', '/datasources');
  await ok('GetMmsDataSource', 'GET', hive);
  await ok('GetMmsDataSource', 'GET', hive, { withConfig: 'true' });
  await ok('GetMmsDataSource', 'GET', '/datasources/2000017', { withConfig: 'true', lang: 'zh_CN' });
  for (const sourceType of ['Hive', 'BigQuery', 'MaxCompute'])
    await ok('ListMmsDataSourceConfigItems', 'GET', '/configItems', { sourceType });
  const created = await ok(
    'CreateMmsDataSource',
    'POST',
    '/datasources',
    {},
    {
      name: 'shape-src',
      type: 'HIVE',
      networklink: 'vpc-x:cn-hangzhou',
      config: { 'hive.metastore.url': 'x' },
    },
  );
  const upd = await ok(
    'UpdateMmsDataSource',
    'PUT',
    `/datasources/${created.dataSourceId}`,
    {},
    { action: 'START', test: true },
  );
  await ok('GetMmsAsyncTask', 'GET', `/datasources/${created.dataSourceId}/asyncTasks/${upd.asyncTaskId}`);
  sim.step();
  await ok('GetMmsAsyncTask', 'GET', `/datasources/${created.dataSourceId}/asyncTasks/${upd.asyncTaskId}`);
  await ok('ListMmsDataSources', 'GET', '/datasources', { name: 'shape' });
  // A failing connection test (the offline demo source).
  const bad = await ok(
    'UpdateMmsDataSource',
    'PUT',
    '/datasources/2000018',
    {},
    { action: 'START', test: true },
  );
  sim.step();
  await ok('GetMmsAsyncTask', 'GET', `/datasources/2000018/asyncTasks/${bad.asyncTaskId}`);
  await ok('DeleteMmsDataSource', 'DELETE', `/datasources/${created.dataSourceId}`);

  // Scans: running, done, failed.
  const scan = await ok('CreateMmsFetchMetadataJob', 'POST', `${S}/scans`, {}, { dbName: 'shop' });
  await ok('GetMmsFetchMetadataJob', 'GET', `${S}/scans/${scan.scanId}`);
  await ok('ListMmsDataSources', 'GET', '/datasources');
  sim.step(4);
  await ok('GetMmsFetchMetadataJob', 'GET', `${S}/scans/${scan.scanId}`);
  const failing = await ok('CreateMmsFetchMetadataJob', 'POST', '/datasources/2000018/scans', {}, {});
  sim.step(4);
  await ok('GetMmsFetchMetadataJob', 'GET', `/datasources/2000018/scans/${failing.scanId}`);
  await ok('ListMmsDataSources', 'GET', '/datasources');

  // Inventory.
  const dbs = await ok('ListMmsDbs', 'GET', `${S}/dbs`);
  await ok('ListMmsDbs', 'GET', `${hive}/dbs`, { sorter: '{"numRows":"desc"}' });
  await ok('GetMmsDb', 'GET', `${S}/dbs/${dbs.objectList[0].id}`);
  await ok('UpdateMmsDb', 'PUT', `${S}/dbs/${dbs.objectList[0].id}`, {}, { dstProjectName: 'mc_shop' });
  const tables = await ok('ListMmsTables', 'GET', `${S}/tables`, { dbName: 'shop' });
  await ok('ListMmsTables', 'GET', `${hive}/tables`, { onlyName: 'true', pageSize: 200 });
  const orders = tables.objectList.find((t: Json) => t.name === 'orders');
  await ok('GetMmsTable', 'GET', `${S}/tables/${orders.id}`);
  await ok('UpdateMmsTable', 'PUT', `${S}/tables/${orders.id}`, {}, { dstName: 'orders_v2' });
  await ok(
    'UpdateMmsTables',
    'PUT',
    `${S}/tables`,
    {},
    { dbName: 'shop', tableNames: ['orders'], dstProjectName: 'mc_shop' },
  );
  const parts = await ok('ListMmsPartitions', 'GET', `${S}/partitions`, { tableId: orders.id });
  await ok('GetMmsPartition', 'GET', `${S}/partitions/${parts.objectList[0].id}`);

  // Jobs and tasks: creating, running, failed, stopped, done; async tasks before and after.
  const job = await ok(
    'CreateMmsJob',
    'POST',
    `${S}/jobs`,
    {},
    {
      name: 'shape_job',
      srcDbName: 'shop',
      tables: ['orders', 'customers'],
      partitionFilters: { orders: "ds >= '20250102'" },
      eta: '2025-06-03 12:00:00',
      enableVerification: true,
    },
  );
  await ok('GetMmsAsyncTask', 'GET', `${S}/asyncTasks/${job.asyncTaskId}`);
  sim.step(2);
  const at = await ok('GetMmsAsyncTask', 'GET', `${S}/asyncTasks/${job.asyncTaskId}`);
  const jobId = at.objectId;
  sim.failTask({ jobId, table: 'customers' }, { phase: 'DATA', msg: 'Access Denied' });
  await ok('GetMmsJob', 'GET', `${S}/jobs/${jobId}`);
  await ok('ListMmsTasks', 'GET', `${S}/tasks`, { jobId });
  sim.step(2);
  await ok('ListMmsJobs', 'GET', `${S}/jobs`);
  await ok('ListMmsTasks', 'GET', `${S}/tasks`, { jobId });
  sim.runUntilIdle();
  await ok('GetMmsJob', 'GET', `${S}/jobs/${jobId}`);
  const failed = await ok('ListMmsTasks', 'GET', `${S}/tasks`, { status: 'DATA_FAILED' });
  const taskId = failed.objectList[0].id;
  await ok('GetMmsTask', 'GET', `${S}/tasks/${taskId}`);
  await ok('ListMmsTaskLogs', 'GET', `${S}/tasks/${taskId}/logs`);
  await ok('RetryMmsTask', 'POST', `${S}/tasks/${taskId}/retry`);
  await ok('StopMmsJob', 'POST', `${S}/jobs/${jobId}/stop`);
  await ok('GetMmsJob', 'GET', `${S}/jobs/${jobId}`);
  await ok('StartMmsJob', 'POST', `${S}/jobs/${jobId}/start`);
  sim.runUntilIdle();
  await ok('GetMmsJob', 'GET', `${S}/jobs/${jobId}`);
  await ok('GetMmsTask', 'GET', `${S}/tasks/${taskId}`);
  // The demo jobs: a timer run, a failed job, one failing verification.
  await ok('ListMmsJobs', 'GET', `${hive}/jobs`, { pageSize: 100 });
  await ok('ListMmsTasks', 'GET', `${hive}/tasks`, { pageSize: 200 });
  await ok('RetryMmsJob', 'POST', `${hive}/jobs/2/retry`);
  sim.runUntilIdle();
  await ok('DeleteMmsJob', 'POST', `${hive}/jobs/2`);

  // Timers.
  const timer = await ok(
    'CreateMmsTimer',
    'POST',
    `${S}/timers`,
    {},
    { name: 'shape_timer', srcDbName: 'shop', scheduleType: 'Daily', value: '02:30', tables: ['orders'] },
  );
  await ok('ListMmsTimers', 'GET', `${S}/timers`);
  await ok('GetMmsTimer', 'GET', `${S}/timers/${timer.timerId}`);
  await ok('GetMmsTimer', 'GET', `${hive}/timers/1`);
  await ok('TriggerMmsTimer', 'POST', `${S}/timers/${timer.timerId}/trigger`);
  await ok('ListMmsTimerLogs', 'GET', `${S}/timers/${timer.timerId}/logs`);
  await ok('ListMmsTimerLogs', 'GET', `${hive}/timers/1/logs`);
  await ok('UpdateMmsTimer', 'PUT', `${S}/timers/${timer.timerId}`, {}, { stopped: true });
  await ok('ListMmsTimers', 'GET', `${S}/timers`, { stopped: 'true' });
  await ok('DeleteMmsTimer', 'DELETE', `${S}/timers/${timer.timerId}`);
  return out;
}

function allIssues(answers: Answer[]): string[] {
  return answers.flatMap((a) => shapeIssues(MODELS.actions[a.action], a.data, a.action));
}

describe.each<[string, SimOptions]>([
  ['absent strings left out', {}],
  ['absent strings sent as "null"', { nullStrings: true }],
])('every action answers in the models shape (%s)', (_mode, options) => {
  let sim: MmsSimulator;
  let answers: Answer[];
  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, ...options });
    answers = await walk(sim, client(sim));
  });
  afterAll(async () => {
    await sim.close();
  });

  it('calls all 36 actions', () => {
    expect(new Set(answers.map((a) => a.action))).toEqual(new Set(ACTIONS));
    expect(ACTIONS).toHaveLength(36);
    for (const a of ACTIONS) expect(MODELS.actions[a], a).toBeDefined();
  });

  it('no answer holds a field the models lack, or a type they do not declare', () => {
    expect(allIssues(answers)).toEqual([]);
  });
});

describe('the "null" strings option', () => {
  it('answers a finished job creation as the official sample does', async () => {
    const sim = await startSimulator({ seed: 3, nullStrings: true });
    try {
      const api = client(sim);
      const { asyncTaskId } = (
        await api.ok(
          'CreateMmsJob',
          'POST',
          '/datasources/2000015/jobs',
          {},
          { name: 'n', srcDbName: 'sales' },
        )
      ).data;
      sim.step(2);
      const at = (await api.ok('GetMmsAsyncTask', 'GET', `/datasources/2000015/asyncTasks/${asyncTaskId}`))
        .data;
      expect(at).toMatchObject({ status: 'DONE', running: false, errorMsg: 'null', result: 'null' });
      expect(at.objectId).toEqual(expect.any(Number));
      // Without the option the same answer leaves them out.
      const plain = await startSimulator({ seed: 3 });
      try {
        const p = client(plain);
        const r = (
          await p.ok(
            'CreateMmsJob',
            'POST',
            '/datasources/2000015/jobs',
            {},
            { name: 'n', srcDbName: 'sales' },
          )
        ).data;
        plain.step(2);
        const a2 = (await p.ok('GetMmsAsyncTask', 'GET', `/datasources/2000015/asyncTasks/${r.asyncTaskId}`))
          .data;
        expect(a2.status).toBe('DONE');
        expect('errorMsg' in a2).toBe(false);
        expect('result' in a2).toBe(false);
      } finally {
        await plain.close();
      }
    } finally {
      await sim.close();
    }
  });

  it('the shape check is not a formality: it names an undeclared field, a wrong type and a null', () => {
    const decl = MODELS.actions['GetMmsJob'];
    expect(
      shapeIssues(
        decl,
        { id: 1, startTime: '2025-06-03 10:00:00', taskNum: '2', eta: null, config: { tables: [1] } },
        'GetMmsJob',
      ),
    ).toEqual([
      'GetMmsJob.startTime: not in the models',
      'GetMmsJob.taskNum: string, declared number',
      'GetMmsJob.eta: null, declared string',
      'GetMmsJob.config.tables[0]: number, declared string',
    ]);
  });
});
