import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MmsSimulator, startSimulator } from '../../src/sim/index.js';
import { addShop, type Client, client, createJob, type Json } from './helpers.js';

let sim: MmsSimulator;
let api: Client;
let sid: number;
const T0 = Date.now();

beforeEach(async () => {
  sim = await startSimulator({ demo: false, now: () => T0 });
  api = client(sim);
  sid = addShop(sim);
});
afterEach(() => sim.close());

const get = async (path: string, action: string, query: Record<string, unknown> = {}) =>
  (await api.ok(action, 'GET', `/datasources/${sid}${path}`, query)).data;
const tasksOf = async (jobId: number) =>
  (await get('/tasks', 'ListMmsTasks', { jobId })).objectList as Array<Record<string, Json>>;

describe('job lifecycle', () => {
  it('creates a job through a TASK_CREATE async task and runs every task to DONE', async () => {
    const created = await api.ok(
      'CreateMmsJob',
      'POST',
      `/datasources/${sid}/jobs`,
      {},
      {
        name: 'shop_all',
        srcDbName: 'shop',
        tables: ['orders', 'customers'],
      },
    );
    expect(Object.keys(created.data)).toEqual(['asyncTaskId']);
    const atPath = `/asyncTasks/${created.data.asyncTaskId}`;

    const pending = await get(atPath, 'GetMmsAsyncTask');
    expect(pending).toMatchObject({ type: 'TASK_CREATE', status: 'DOING', running: true });
    expect(pending).not.toHaveProperty('objectId');
    sim.step();
    expect(await get(atPath, 'GetMmsAsyncTask')).toMatchObject({
      status: 'DOING',
      running: true,
      progress: 50,
    });
    sim.step();
    const done = await get(atPath, 'GetMmsAsyncTask');
    expect(done).toMatchObject({ status: 'DONE', running: false, progress: 100 });
    const jobId = done.objectId as number;

    const job = await get(`/jobs/${jobId}`, 'GetMmsJob');
    expect(job).toMatchObject({
      name: 'shop_all',
      type: 'Tables',
      status: 'INIT',
      stopped: false,
      taskNum: 2,
      taskDone: 0,
    });
    expect(job.config).toMatchObject({
      tables: ['orders', 'customers'],
      enableVerification: true,
      taskType: 'HIVE',
    });

    sim.step();
    const started = await tasksOf(jobId);
    expect(started.map((t) => t.status)).toEqual(['SCHEMA_DOING', 'SCHEMA_DOING']);
    expect((await get(`/jobs/${jobId}`, 'GetMmsJob')).status).toBe('DOING');

    const steps = sim.runUntilIdle();
    expect(steps).toBeGreaterThan(4);
    const finished = await get(`/jobs/${jobId}`, 'GetMmsJob');
    expect(finished).toMatchObject({ status: 'DONE', taskNum: 2, taskDone: 2 });
    const tasks = await tasksOf(jobId);
    expect(tasks.every((t) => t.status === 'DONE' && t.running === false)).toBe(true);

    const logs = (await get(`/tasks/${tasks[0]!.id}/logs`, 'ListMmsTaskLogs')) as Array<Record<string, Json>>;
    expect(Array.isArray(logs)).toBe(true);
    expect(logs.map((l) => l.status)).toEqual(
      expect.arrayContaining([
        'SCHEMA_DOING',
        'SCHEMA_DONE',
        'DATA_DOING',
        'DATA_DONE',
        'VERIFICATION_DOING',
        'VERIFICATION_DONE',
        'DONE',
      ]),
    );
    expect(logs[0]).toEqual({
      id: expect.any(Number),
      taskId: tasks[0]!.id,
      sourceId: sid,
      status: 'SCHEMA_DOING',
      action: expect.stringMatching(/^create table if not exists mc_shop\.orders \(/),
      msg: 'submitted',
      createTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
    });
    expect(logs.some((l) => /^insert overwrite table mc_shop\.orders partition \(ds\)/.test(l.action))).toBe(
      true,
    );
    expect(logs.find((l) => l.status === 'VERIFICATION_DONE')?.msg).toBe(
      'source count 5000, destination count 5000',
    );

    // Inventory follows: migrated tables DONE, the rest untouched.
    const tables = (await get('/tables', 'ListMmsTables', { dbName: 'shop' })).objectList;
    expect(Object.fromEntries(tables.map((t: Json) => [t.name, t.status]))).toEqual({
      orders: 'DONE',
      customers: 'DONE',
      products: 'INIT',
    });
  });

  it('skips phases the options turn off', async () => {
    const schemaOnly = await createJob(api, sim, sid, {
      name: 's',
      srcDbName: 'shop',
      tables: ['customers'],
      schemaOnly: true,
    });
    const noVerify = await createJob(api, sim, sid, {
      name: 'n',
      srcDbName: 'shop',
      tables: ['products'],
      enableVerification: false,
    });
    sim.runUntilIdle();
    const statuses = async (jobId: number) => {
      const [task] = await tasksOf(jobId);
      const logs = (await get(`/tasks/${task!.id}/logs`, 'ListMmsTaskLogs')) as Array<{ status: string }>;
      return [...new Set(logs.map((l) => l.status))];
    };
    expect(await statuses(schemaOnly)).toEqual(['SCHEMA_DOING', 'SCHEMA_DONE', 'DONE']);
    expect(await statuses(noVerify)).toEqual([
      'SCHEMA_DOING',
      'SCHEMA_DONE',
      'DATA_DOING',
      'DATA_DONE',
      'DONE',
    ]);
    // The job's config echoes only what the models declare: schemaOnly, not the phase switches.
    const config = (await get(`/jobs/${schemaOnly}`, 'GetMmsJob')).config;
    expect(config).toMatchObject({ schemaOnly: true });
    expect(config).not.toHaveProperty('enableDataMigration');
  });

  it('scopes partitions by filter, leaving the table PART_DONE', async () => {
    const parts = await createJob(api, sim, sid, {
      name: 'p',
      srcDbName: 'shop',
      tables: ['orders'],
      partitionFilters: { orders: "ds >= '20250102'" },
    });
    const [task] = await tasksOf(parts);
    expect((await get(`/jobs/${parts}`, 'GetMmsJob')).type).toBe('Partitions');
    // A task names no partitions (the models have no such field): its job's config holds the filter.
    expect(task).not.toHaveProperty('partition');
    expect((await get(`/jobs/${parts}`, 'GetMmsJob')).config.partitionFilters).toEqual({
      orders: "ds >= '20250102'",
    });
    const scoped = await get('/tasks', 'ListMmsTasks', { jobId: parts, partition: 'ds=20250103' });
    expect(scoped.objectList.map((t: Json) => t.id)).toEqual([task!.id]);
    sim.runUntilIdle();
    const partitions = (await get('/partitions', 'ListMmsPartitions', { tableName: 'orders' })).objectList;
    expect(partitions.map((p: Json) => p.status)).toEqual(['INIT', 'DONE', 'DONE']);
    const logs = (await get(`/tasks/${task!.id}/logs`, 'ListMmsTaskLogs')) as Array<{ action: string }>;
    expect(logs.some((l) => l.action.endsWith("from shop.orders where ds >= '20250102';"))).toBe(true);
    const table = (await get('/tables', 'ListMmsTables', { name: 'orders' })).objectList[0];
    expect(table.status).toBe('PART_DONE');
  });

  it('scopes a whole db by blacklist, which wins over a whitelist', async () => {
    const both = await createJob(api, sim, sid, {
      name: 'bw',
      srcDbName: 'shop',
      tableWhiteList: ['orders'],
      tableBlackList: ['products'],
    });
    expect((await get(`/jobs/${both}`, 'GetMmsJob')).type).toBe('Database');
    expect((await tasksOf(both)).map((t) => t.srcTableName)).toEqual(['orders', 'customers']);
    const white = await createJob(api, sim, sid, {
      name: 'w',
      srcDbName: 'shop',
      tableWhiteList: ['products'],
    });
    expect((await tasksOf(white)).map((t) => t.srcTableName)).toEqual(['products']);
  });

  it('fails a task whose partition filter matches nothing, with the reason in its logs', async () => {
    const jobId = await createJob(api, sim, sid, {
      name: 'none',
      srcDbName: 'shop',
      tables: ['orders'],
      partitionFilters: { orders: "ds = '20990101'" },
    });
    sim.runUntilIdle();
    const [task] = await tasksOf(jobId);
    expect(task!.status).toBe('DATA_FAILED');
    const logs = (await get(`/tasks/${task!.id}/logs`, 'ListMmsTaskLogs')) as Array<{ msg: string }>;
    expect(logs.at(-1)?.msg).toMatch(/partition filter .* matched no partition/);
    expect((await get(`/jobs/${jobId}`, 'GetMmsJob')).status).toBe('FAILED');
  });

  it('fails the async task when the scope is empty', async () => {
    const created = await api.ok(
      'CreateMmsJob',
      'POST',
      `/datasources/${sid}/jobs`,
      {},
      { name: 'e', srcDbName: 'empty_db' },
    );
    sim.step(2);
    const at = await get(`/asyncTasks/${created.data.asyncTaskId}`, 'GetMmsAsyncTask');
    expect(at).toMatchObject({
      status: 'FAILED',
      running: false,
      errorMsg: expect.stringMatching(/no table/),
    });
  });

  it('stops, resumes, retries and deletes with the real service state rules', async () => {
    sim.failTask(
      { table: 'customers' },
      { phase: 'DATA', msg: 'ODPS-0420095: Access Denied - no Write on project mc_shop' },
    );
    const jobId = await createJob(api, sim, sid, { name: 'ops', srcDbName: 'shop' });
    const path = `/datasources/${sid}/jobs/${jobId}`;
    sim.step(2);

    // StartMmsJob only resumes a stopped job.
    const notStopped = await api.fail('StartMmsJob', 'POST', `${path}/start`);
    expect([notStopped.statusCode, notStopped.code]).toEqual([400, 'InvalidParameter.JobStatus']);
    expect(notStopped.result).toMatchObject({
      httpCode: 400,
      errorMsg: expect.stringMatching(/not stopped/),
    });

    // Deleting a running job is refused.
    expect((await api.fail('DeleteMmsJob', 'POST', path)).statusCode).toBe(400);

    expect((await api.ok('StopMmsJob', 'POST', `${path}/stop`)).data).toBe(1);
    const stopped = await get(`/jobs/${jobId}`, 'GetMmsJob');
    expect(stopped).toMatchObject({ stopped: true, status: 'DOING' });
    const frozen = (await tasksOf(jobId)).map((t) => [t.status, t.running, t.stopped]);
    expect(frozen.every(([, running]) => running === false)).toBe(true);
    sim.step(5);
    expect((await tasksOf(jobId)).map((t) => [t.status, t.running, t.stopped])).toEqual(frozen);
    expect(sim.model.busy()).toBe(false);
    const stopTask = [...sim.model.asyncTasks.values()].find((t) => t.type === 'STOP_JOB');
    expect(stopTask).toMatchObject({ objectId: jobId, status: 'DONE' });
    expect((await api.fail('StopMmsJob', 'POST', `${path}/stop`)).statusCode).toBe(400);

    expect((await api.ok('StartMmsJob', 'POST', `${path}/start`)).data).toBe(1);
    sim.runUntilIdle();
    const failedJob = await get(`/jobs/${jobId}`, 'GetMmsJob');
    expect(failedJob).toMatchObject({ status: 'FAILED', taskNum: 3, taskDone: 2 });
    const failed = (await get('/tasks', 'ListMmsTasks', { jobId, status: 'DATA_FAILED' })).objectList;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ srcTableName: 'customers', retriedTimes: 0 });
    const logs = (await get(`/tasks/${failed[0].id}/logs`, 'ListMmsTaskLogs')) as Array<
      Record<string, string>
    >;
    expect(logs.at(-1)).toMatchObject({
      status: 'DATA_FAILED',
      msg: expect.stringContaining('Access Denied'),
    });
    expect(logs.at(-1)?.action).toMatch(/^insert overwrite table mc_shop\.customers/);

    // Retry reruns only the failed task; the planned failure fired once, so now it succeeds.
    expect((await api.ok('RetryMmsJob', 'POST', `${path}/retry`)).data).toBe(1);
    const retried = (await tasksOf(jobId)).find((t) => t.srcTableName === 'customers');
    expect(retried).toMatchObject({ status: 'INIT', retriedTimes: 1 });
    expect((await get(`/jobs/${jobId}`, 'GetMmsJob')).status).toBe('DOING');
    sim.runUntilIdle();
    expect((await get(`/jobs/${jobId}`, 'GetMmsJob')).status).toBe('DONE');
    expect((await api.fail('RetryMmsJob', 'POST', `${path}/retry`)).statusCode).toBe(400);

    expect((await api.ok('DeleteMmsJob', 'POST', path)).data).toBe(1);
    const gone = await api.fail('GetMmsJob', 'GET', path);
    expect(gone.statusCode).toBe(404);
    expect(gone.result).toEqual({
      requestId: expect.any(String),
      httpCode: 404,
      errorCode: 'NotFound',
      errorMsg: `job ${jobId} not found`,
    });
    expect((await get('/tasks', 'ListMmsTasks', { jobId })).total).toBe(0);
  });

  it('retries a single failed task with RetryMmsTask', async () => {
    sim.failTask(
      { table: 'products' },
      { phase: 'VERIFICATION', msg: 'source count 120, destination count 119' },
    );
    const jobId = await createJob(api, sim, sid, { name: 'one', srcDbName: 'shop', tables: ['products'] });
    sim.runUntilIdle();
    const [task] = await tasksOf(jobId);
    expect(task!.status).toBe('VERIFICATION_FAILED');
    const logs = (await get(`/tasks/${task!.id}/logs`, 'ListMmsTaskLogs')) as Array<Record<string, string>>;
    expect(logs.at(-1)).toMatchObject({
      action: 'select count(*) from shop.products;',
      msg: 'source count 120, destination count 119',
    });
    const taskPath = `/datasources/${sid}/tasks/${task!.id}/retry`;
    expect((await api.ok('RetryMmsTask', 'POST', taskPath)).data).toBe(1);
    expect((await tasksOf(jobId))[0]).toMatchObject({ status: 'INIT', retriedTimes: 1 });
    sim.runUntilIdle();
    expect((await tasksOf(jobId))[0]?.status).toBe('DONE');
    expect((await api.fail('RetryMmsTask', 'POST', taskPath)).statusCode).toBe(400);
  });

  it('runs at most taskConcurrency tasks of a job at once', async () => {
    const many = sim.addSource({
      name: 'many',
      dbs: [{ name: 'db', tables: Array.from({ length: 10 }, (_, i) => ({ name: `t${i}`, numRows: 10 })) }],
    });
    const created = await api.ok(
      'CreateMmsJob',
      'POST',
      `/datasources/${many}/jobs`,
      {},
      { name: 'm', srcDbName: 'db' },
    );
    sim.step(3);
    const jobId = sim.model.asyncTasks.get(created.data.asyncTaskId)!.objectId!;
    const running = [...sim.model.tasks.values()].filter((t) => t.jobId === jobId && t.status !== 'INIT');
    expect(running).toHaveLength(4);
  });
});

describe('task shape', () => {
  it('returns GetMmsTask with the fields of MMS.md §8', async () => {
    const jobId = await createJob(api, sim, sid, { name: 'shape', srcDbName: 'shop', tables: ['customers'] });
    const [listed] = await tasksOf(jobId);
    const task = await get(`/tasks/${listed!.id}`, 'GetMmsTask');
    expect(task).toMatchObject({
      id: listed!.id,
      jobId,
      jobName: 'shape',
      sourceId: sid,
      tableId: expect.any(Number),
      srcDbName: 'shop',
      srcTableName: 'customers',
      dstDbName: 'mc_shop',
      dstTableName: 'customers',
      type: 'HIVE',
      status: 'INIT',
      running: false,
      stopped: false,
      retriedTimes: 0,
    });
    // Absent strings are left out (or "null" with the nullStrings option), never JSON null.
    for (const absent of ['dstSchemaName', 'startTime', 'endTime', 'partition', 'updateTime'])
      expect(task).not.toHaveProperty(absent);
    sim.step();
    expect(await get(`/tasks/${listed!.id}`, 'GetMmsTask')).toMatchObject({
      status: 'SCHEMA_DOING',
      running: true,
    });
  });
});

describe('scans', () => {
  it('reveals an unscanned source inventory when the scan finishes', async () => {
    const fresh = sim.addSource({
      name: 'fresh',
      scanned: false,
      dbs: [{ name: 'raw', tables: [{ name: 'a', partitions: ['1', '2'] }, { name: 'b' }] }],
    });
    const base = `/datasources/${fresh}`;
    expect((await api.ok('ListMmsDbs', 'GET', `${base}/dbs`)).data.total).toBe(0);
    const { scanId } = (await api.ok('CreateMmsFetchMetadataJob', 'POST', `${base}/scans`, {}, {})).data;
    const progress: number[] = [];
    for (let i = 0; i < 3; i++) {
      sim.step();
      const scan = (await api.ok('GetMmsFetchMetadataJob', 'GET', `${base}/scans/${scanId}`)).data;
      expect(scan).toMatchObject({ status: 'SCAN_DOING' });
      expect(scan).not.toHaveProperty('endTime');
      progress.push(scan.progress);
    }
    expect(progress).toEqual([3000, 6000, 9000]);
    sim.step();
    const scan = (await api.ok('GetMmsFetchMetadataJob', 'GET', `${base}/scans/${scanId}`)).data;
    expect(scan).toMatchObject({ status: 'SCAN_DONE', progress: 10000 });
    expect(scan).not.toHaveProperty('errorMsg');
    expect(JSON.parse(scan.result)).toEqual({ databases: 1, tables: 2, partitions: 2 });
    expect((await api.ok('ListMmsDbs', 'GET', `${base}/dbs`)).data.total).toBe(1);
    const source = (await api.ok('GetMmsDataSource', 'GET', base)).data;
    expect(source).toMatchObject({ scanId, dbNum: 1, tableNum: 2, partitionNum: 2 });
    // Only the source list carries the last scan's state.
    expect(source).not.toHaveProperty('scanStatus');
    const listed = (await api.ok('ListMmsDataSources', 'GET', '/datasources', { name: 'fresh' })).data;
    expect(listed.objectList[0]).toMatchObject({ id: fresh, scanId, scanStatus: 'SCAN_DONE' });
  });

  it('fails scans of a source configured to fail', async () => {
    const bad = sim.addSource({ name: 'bad', scanned: false, failScan: 'Could not connect to metastore' });
    const base = `/datasources/${bad}`;
    const { scanId } = (await api.ok('CreateMmsFetchMetadataJob', 'POST', `${base}/scans`, {}, {})).data;
    const again = await api.fail('CreateMmsFetchMetadataJob', 'POST', `${base}/scans`, {}, {});
    expect(again.statusCode).toBe(400);
    sim.runUntilIdle();
    const scan = (await api.ok('GetMmsFetchMetadataJob', 'GET', `${base}/scans/${scanId}`)).data;
    expect(scan).toMatchObject({ status: 'SCAN_FAILED', errorMsg: 'Could not connect to metastore' });
    const listed = (await api.ok('ListMmsDataSources', 'GET', '/datasources', { name: 'bad' })).data;
    expect(listed.objectList[0].scanErrMsg).toBe('Could not connect to metastore');
    expect((await api.ok('GetMmsDataSource', 'GET', base)).data).not.toHaveProperty('scanErrMsg');
  });

  it('steps on a real timer with autoStepMs (the sandbox)', async () => {
    const auto = await startSimulator({ demo: false, autoStepMs: 5 });
    try {
      const src = auto.addSource({
        name: 'a',
        scanned: false,
        dbs: [{ name: 'd', tables: [{ name: 't' }] }],
      });
      const { scanId } = (
        await client(auto).ok('CreateMmsFetchMetadataJob', 'POST', `/datasources/${src}/scans`, {}, {})
      ).data;
      await new Promise((r) => setTimeout(r, 100));
      expect(auto.model.scans.get(scanId)?.status).toBe('SCAN_DONE');
    } finally {
      await auto.close();
    }
  });
});
