// The MMS client against the simulator over real HTTP: every one of the 36 actions, signatures, errors,
// retries with an injected clock, and redaction of what the simulator plants.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listAll, MmsClient } from '../../src/mms/client.js';
import { staticCredentials } from '../../src/mms/credentials.js';
import { MmsError } from '../../src/mms/errors.js';
import { asyncTaskState, scanState } from '../../src/mms/schemas.js';
import { ACTIONS, type MmsSimulator, PLANTED_SECRETS, startSimulator } from '../../src/sim/index.js';

const NO_RETRY = { tries: 1, baseMs: 1, maxMs: 1 };

function clientFor(sim: MmsSimulator, o: { secret?: string; tries?: number; sleeps?: number[] } = {}) {
  const sleeps = o.sleeps;
  return new MmsClient('cn-hangzhou', {
    endpoint: sim.url,
    credentials: staticCredentials({
      accessKeyId: sim.credentials.accessKeyId,
      accessKeySecret: o.secret ?? sim.credentials.accessKeySecret,
      ...(sim.credentials.securityToken ? { securityToken: sim.credentials.securityToken } : {}),
    }),
    retry: o.tries ? { tries: o.tries, baseMs: 1000, maxMs: 30_000 } : NO_RETRY,
    sleep: async (ms) => void sleeps?.push(ms),
    random: () => 0.5,
  });
}

async function rejection(p: Promise<unknown>): Promise<MmsError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MmsError);
    return e as MmsError;
  }
  throw new Error('expected the call to fail');
}

describe('MmsClient against the simulator', () => {
  let sim: MmsSimulator;
  let c: MmsClient;
  let sid: number;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 11 });
    c = clientFor(sim);
    sid = (await c.listDataSources({ name: 'hive-prod' })).items.find((s) => s.name === 'hive-prod')!.id;
  });
  afterAll(async () => {
    await sim.close();
  });

  it('data sources: list (all, filtered, paged), get, config items', async () => {
    const all = await c.listDataSources();
    expect(all.items.map((s) => s.name)).toEqual(
      expect.arrayContaining(['hive-prod', 'bq-analytics', 'mc-legacy']),
    );
    const page = await c.listDataSources({ pageNum: 1, pageSize: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.total).toBe(all.items.length);
    const one = await c.getDataSource(sid);
    expect(one.name).toBe('hive-prod');
    expect(one.type).toMatch(/hive/i);
    const items = await c.listDataSourceConfigItems('Hive');
    expect(items.length).toBeGreaterThan(0);
    expect(items[0]).toHaveProperty('key');
  });

  it('withConfig secrets never leave the client unmasked', async () => {
    const everything: unknown[] = [];
    for (const s of (await c.listDataSources()).items)
      everything.push(await c.getDataSource(s.id, { withConfig: true }));
    everything.push(await c.listDataSourceConfigItems('Hive'), await c.listDataSources());
    const text = JSON.stringify(everything);
    for (const secret of PLANTED_SECRETS)
      expect(text, `planted secret ${secret.slice(0, 4)}…`).not.toContain(secret);
    expect(text).toContain('********');
    // The simulator really sent them: the raw body carries them, so redaction did the work.
    expect(JSON.stringify(sim.calls.filter((x) => x.action === 'GetMmsDataSource'))).toBeTruthy();
  });

  it('create, update and delete a data source', async () => {
    const created = await c.createDataSource({ name: 'tmp-src', type: 'HIVE', config: [] });
    const newId = created.dataSourceId ?? created.id!;
    expect(newId).toBeGreaterThan(0);
    await c.updateDataSource(newId, { action: 'RENAME', name: 'tmp-src-2' });
    expect((await c.getDataSource(newId)).name).toBe('tmp-src-2');
    await c.deleteDataSource(newId);
    expect((await rejection(c.getDataSource(newId))).kind).toBe('not-found');
  });

  it('inventory: dbs, tables, partitions, with filters, sorters and updates', async () => {
    const dbs = await c.listDbs(sid, { sorter: { numRows: 'desc' } });
    const sales = dbs.items.find((d) => d.name === 'sales')!;
    expect(sales).toBeDefined();
    expect((await c.getDb(sid, sales.id)).name).toBe('sales');
    await c.updateDb(sid, sales.id, { dstProjectName: 'mc_sales' });

    const tables = await c.listTables(sid, { dbName: 'sales', name: 'order', sorter: { numRows: 'desc' } });
    expect(tables.items.every((t) => t.name.includes('order'))).toBe(true);
    const orders = tables.items.find((t) => t.name === 'orders')!;
    expect(orders.hasPartitions).toBe(true);
    expect((await c.getTable(sid, orders.id)).schema?.columns?.length).toBeGreaterThan(0);
    await c.updateTable(sid, orders.id, { dstProjectName: 'mc_sales' });
    await c.updateTables(sid, { dbName: 'sales', tableNames: ['orders'], dstProjectName: 'mc_sales' });
    const byStatus = await c.listTables(sid, {
      dbName: 'sales',
      status: ['INIT', 'DONE', 'DOING', 'FAILED', 'PART_DONE'],
    });
    expect(byStatus.total).toBeGreaterThan(0);

    const parts = await c.listPartitions(sid, { dbName: 'sales', tableName: 'orders', pageSize: 5 });
    expect(parts.items).toHaveLength(5);
    expect(parts.total).toBeGreaterThan(5);
    expect((await c.getPartition(sid, parts.items[0]!.id)).value).toBe(parts.items[0]!.value);
    const everyPartition = await listAll(
      (p) => c.listPartitions(sid, { dbName: 'sales', tableName: 'orders', ...p }),
      {
        pageSize: 5,
      },
    );
    expect(everyPartition).toHaveLength(parts.total);
  });

  it('scan: create, then poll until done', async () => {
    const { scanId } = await c.createFetchMetadataJob(sid);
    expect(scanState(await c.getFetchMetadataJob(sid, scanId))).toBe('running');
    sim.runUntilIdle();
    const done = await c.getFetchMetadataJob(sid, scanId);
    expect(scanState(done)).toBe('done');
    expect(String(done.result)).toMatch(/tables/);
  });

  it('job lifecycle: create (async) → DONE, tasks, logs, stop/start, retry, delete', async () => {
    const { asyncTaskId } = await c.createJob(sid, {
      name: 'client_test_job',
      srcDbName: 'sales',
      tables: ['regions'],
    });
    sim.step(3);
    const at = await c.getAsyncTask(sid, asyncTaskId);
    expect(asyncTaskState(at)).toBe('done');
    const jobId = at.objectId!;
    const job = await c.getJob(sid, jobId);
    expect(job.name).toBe('client_test_job');
    expect((await c.listJobs(sid, { name: 'client_test_job' })).items.map((j) => j.id)).toContain(jobId);

    await c.stopJob(sid, jobId);
    expect((await c.getJob(sid, jobId)).stopped).toBe(true);
    expect((await c.listJobs(sid, { stopped: true })).items.map((j) => j.id)).toContain(jobId);
    await c.startJob(sid, jobId);
    expect((await c.getJob(sid, jobId)).stopped).toBe(false);
    sim.runUntilIdle();
    expect((await c.getJob(sid, jobId)).status).toBe('DONE');

    const tasks = await c.listTasks(sid, { jobId, sorter: { startTime: 'asc' } });
    expect(tasks.items).toHaveLength(1);
    const task = await c.getTask(sid, tasks.items[0]!.id);
    expect(task.srcTableName).toBe('regions');
    const logs = await c.listTaskLogs(sid, task.id);
    expect(logs.length).toBeGreaterThan(2);
    expect(logs.some((l) => /create table/i.test(l.action ?? ''))).toBe(true);

    await c.deleteJob(sid, jobId);
    expect((await rejection(c.getJob(sid, jobId))).kind).toBe('not-found');
  });

  async function failingJob(name: string, table: string) {
    sim.failTask(
      { table },
      { phase: 'DATA', msg: 'ODPS-0420095: Access Denied - no privilege odps:CreateInstance' },
    );
    const { asyncTaskId } = await c.createJob(sid, { name, srcDbName: 'sales', tables: [table] });
    sim.step(3);
    const jobId = (await c.getAsyncTask(sid, asyncTaskId)).objectId!;
    sim.runUntilIdle();
    expect((await c.getJob(sid, jobId)).status).toBe('FAILED');
    const [task] = (await c.listTasks(sid, { jobId, status: 'DATA_FAILED' })).items;
    expect(task).toBeDefined();
    expect(JSON.stringify(await c.listTaskLogs(sid, task!.id))).toContain('Access Denied');
    return { jobId, taskId: task!.id };
  }

  it('a planned failure shows in the task status and logs; retry-task reruns it', async () => {
    const { taskId } = await failingJob('client_fail_task', 'promotions');
    await c.retryTask(sid, taskId);
    sim.runUntilIdle();
    expect((await c.getTask(sid, taskId)).status).toBe('DONE');
  });

  it('retry-job reruns the failed tasks of a FAILED job', async () => {
    const { jobId, taskId } = await failingJob('client_fail_job', 'coupons');
    await c.retryJob(sid, jobId);
    sim.runUntilIdle();
    expect((await c.getJob(sid, jobId)).status).toBe('DONE');
    expect((await c.getTask(sid, taskId)).retriedTimes).toBe(1);
  });

  it('timers: create, list, get, update, trigger, logs, delete', async () => {
    const { timerId } = await c.createTimer(sid, {
      name: 'client_timer',
      srcDbName: 'sales',
      scheduleType: 'Daily',
      value: '03:15',
      tables: ['regions'],
    });
    expect((await c.listTimers(sid, { name: 'client_timer' })).items.map((t) => t.id)).toContain(timerId);
    expect((await c.getTimer(sid, timerId)).value).toBe('03:15');
    await c.updateTimer(sid, timerId, { stopped: true });
    expect((await c.getTimer(sid, timerId)).stopped).toBe(true);
    expect((await c.listTimers(sid, { stopped: true })).items.map((t) => t.id)).toContain(timerId);
    await c.triggerTimer(sid, timerId);
    expect((await c.listTimerLogs(sid, timerId)).total).toBeGreaterThan(0);
    expect((await c.listJobs(sid, { timerId })).total).toBeGreaterThan(0);
    await c.deleteTimer(sid, timerId);
    expect((await rejection(c.getTimer(sid, timerId))).kind).toBe('not-found');
  });

  it('exercised every one of the 36 MMS actions with a successful call', () => {
    const ok = new Set(sim.calls.filter((x) => x.status < 400).map((x) => x.action));
    expect(ACTIONS).toHaveLength(36);
    expect(ACTIONS.filter((a) => !ok.has(a))).toEqual([]);
  });

  it('"success" write answers are accepted as well as ints', async () => {
    const s2 = await startSimulator({ seed: 3, writeResultStyle: 'success' });
    try {
      const c2 = clientFor(s2);
      const src = (await c2.listDataSources({ name: 'hive-prod' })).items[0]!;
      await expect(c2.stopJob(src.id, 3)).resolves.toBe('success');
    } finally {
      await s2.close();
    }
  });
});

describe('errors, signatures and retries', () => {
  let sim: MmsSimulator;
  afterEach(async () => {
    await sim?.close();
  });

  it('a wrong secret is a credentials error', async () => {
    sim = await startSimulator({ seed: 1 });
    const e = await rejection(clientFor(sim, { secret: 'not-the-secret' }).listDataSources());
    expect(e.kind).toBe('credentials');
    expect(e.code).toBe('SignatureDoesNotMatch');
    expect(e.retryable).toBe(false);
  });

  it('a skewed clock is a credentials error', async () => {
    sim = await startSimulator({ seed: 1, now: () => Date.now() + 60 * 60_000 });
    expect((await rejection(clientFor(sim).listDataSources())).code).toMatch(/TimeTooSkewed/);
  });

  it('STS: the security token is sent and checked', async () => {
    sim = await startSimulator({ seed: 1, securityToken: 'sts-token-abc' });
    await expect(clientFor(sim).listDataSources()).resolves.toBeTruthy();
  });

  it('reads retry throttling with jittered exponential backoff, and give up after 4 tries', async () => {
    sim = await startSimulator({ seed: 1 });
    const sleeps: number[] = [];
    const c = clientFor(sim, { tries: 4, sleeps });
    sim.injectErrors({
      count: 2,
      status: 503,
      code: 'Throttling.User',
      message: 'Request was denied due to user flow control.',
    });
    await expect(c.listDataSources()).resolves.toBeTruthy();
    expect(sleeps).toEqual([750, 1250]); // random() = 0.5: between base/2 and base·2^(n-1)
    sim.injectErrors({ count: 10, status: 500, code: 'InternalError', message: 'boom' });
    sleeps.length = 0;
    const e = await rejection(c.listDataSources());
    expect(e.kind).toBe('server');
    expect(sleeps).toHaveLength(3);
  });

  it('writes are never retried blindly', async () => {
    sim = await startSimulator({ seed: 1 });
    const c = clientFor(sim, { tries: 4, sleeps: [] });
    sim.injectErrors({
      count: 1,
      status: 503,
      code: 'ServiceUnavailable',
      message: 'try later',
      actions: ['StopMmsJob'],
    });
    const before = sim.calls.filter((x) => x.action === 'StopMmsJob').length;
    const src = (await c.listDataSources({ name: 'hive-prod' })).items[0]!;
    await rejection(c.stopJob(src.id, 3));
    expect(sim.calls.filter((x) => x.action === 'StopMmsJob').length - before).toBe(1);
  });

  it('an HTML 502 is a server error, not a success', async () => {
    sim = await startSimulator({ seed: 1 });
    sim.injectErrors({ count: 1, status: 502, contentType: 'text/html', body: '<html>Bad Gateway</html>' });
    expect((await rejection(clientFor(sim).listDataSources())).kind).toBe('server');
  });

  it('not found and invalid parameters keep the request id and are not retried', async () => {
    sim = await startSimulator({ seed: 1 });
    const sleeps: number[] = [];
    const c = clientFor(sim, { tries: 4, sleeps });
    const src = (await c.listDataSources({ name: 'hive-prod' })).items[0]!;
    const nf = await rejection(c.getJob(src.id, 999_999));
    expect(nf.kind).toBe('not-found');
    expect(nf.requestId).toBeTruthy();
    const inv = await rejection(c.createJob(src.id, { name: 'x', srcDbName: 'no_such_db' }));
    expect(inv.kind).toBe('invalid');
    expect(sleeps).toEqual([]);
  });

  it('a closed port is a network error', async () => {
    sim = await startSimulator({ seed: 1 });
    const c = clientFor(sim);
    await sim.close();
    expect((await rejection(c.listDataSources())).kind).toBe('network');
  });
});
