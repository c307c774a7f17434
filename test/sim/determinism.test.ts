import { afterEach, describe, expect, it } from 'vitest';
import { type MmsSimulator, type SimOptions, startSimulator } from '../../src/sim/index.js';
import { client, type Json } from './helpers.js';

const open: MmsSimulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const T0 = Date.now();

/** Everything a client sees of the demo world after some activity, as one JSON string. */
async function snapshot(opts: SimOptions): Promise<string> {
  const sim = await startSimulator({ now: () => T0, ...opts });
  open.push(sim);
  const api = client(sim);
  const P = '/datasources/2000015';
  await api.ok('CreateMmsJob', 'POST', `${P}/jobs`, {}, { name: 'mkt', srcDbName: 'marketing' });
  sim.runUntilIdle();
  const out: unknown[] = [];
  out.push(await api.ok('ListMmsDataSources', 'GET', '/datasources'));
  out.push(await api.ok('ListMmsTables', 'GET', `${P}/tables`, { pageSize: 100 }));
  out.push(await api.ok('ListMmsJobs', 'GET', `${P}/jobs`));
  const tasks = await api.ok('ListMmsTasks', 'GET', `${P}/tasks`, { pageSize: 500 });
  out.push(tasks);
  for (const t of tasks.data.objectList)
    out.push(await api.ok('ListMmsTaskLogs', 'GET', `${P}/tasks/${t.id}/logs`));
  return JSON.stringify(out);
}

describe('determinism', () => {
  it('gives the same JSON for the same seed, and different data for another seed', async () => {
    const a = await snapshot({ seed: 7 });
    const b = await snapshot({ seed: 7 });
    expect(a).toBe(b);
    const c = await snapshot({ seed: 8 });
    expect(c).not.toBe(a);
  });
});

describe('demo data', () => {
  it('has the documented sources, jobs in three states, diagnosable failures and a timer', async () => {
    const sim = await startSimulator({ now: () => T0 });
    open.push(sim);
    const api = client(sim);
    const sources = (await api.ok('ListMmsDataSources', 'GET', '/datasources')).data.objectList;
    expect(sources.map((s: Json) => [s.id, s.name, s.type, s.dbNum, s.tableNum, s.scanStatus])).toEqual([
      [2000015, 'hive-prod', 'HIVE', 5, 75, 'SCAN_DONE'],
      [2000016, 'bq-analytics', 'BIGQUERY', 2, 11, 'SCAN_DONE'],
      [2000017, 'mc-legacy', 'MAXCOMPUTE', 0, 0, 'SCAN_FAILED'],
      [2000018, 'hive-staging', 'HIVE', 0, 0, 'SCAN_FAILED'],
    ]);
    const jobs = (await api.ok('ListMmsJobs', 'GET', '/datasources/2000015/jobs')).data.objectList;
    expect(jobs.map((j: Json) => [j.id, j.name, j.status, j.type])).toEqual([
      [3, 'sales_orders_2025', 'DOING', 'Tables'],
      [2, 'finance_nightly', 'FAILED', 'Database'],
      [1, expect.stringMatching(/^sales_daily_incr_\d{12}$/), 'DONE', 'Partitions'],
    ]);

    // The DOING job's orders task fails verification with the documented counts.
    sim.runUntilIdle();
    const tasks = (await api.ok('ListMmsTasks', 'GET', '/datasources/2000015/tasks', { jobId: 3 })).data
      .objectList;
    const orders = tasks.find((t: Json) => t.srcTableName === 'orders');
    expect(orders).toMatchObject({ id: expect.any(Number), tableId: 512, status: 'VERIFICATION_FAILED' });
    const logs = (await api.ok('ListMmsTaskLogs', 'GET', `/datasources/2000015/tasks/${orders.id}/logs`))
      .data;
    expect(logs.at(-1)).toMatchObject({
      status: 'VERIFICATION_FAILED',
      action: 'select count(*) from sales.orders;',
      msg: 'source count 1203331, destination count 1203117',
    });

    // A new job over marketing meets the type mismatch and the dropped table; a rescan of mc-legacy works.
    const P = '/datasources/2000015';
    await api.ok('CreateMmsJob', 'POST', `${P}/jobs`, {}, { name: 'mkt', srcDbName: 'marketing' });
    sim.runUntilIdle();
    const failed = async (status: string) =>
      (await api.ok('ListMmsTasks', 'GET', `${P}/tasks`, { status })).data.objectList.map(
        (t: Json) => t.srcTableName,
      );
    expect(await failed('DATA_FAILED')).toEqual(['campaign_spend', 'ad_clicks_tmp']);
    expect(await failed('SCHEMA_FAILED')).toEqual(['gl_entries']);

    // Each demo failure leaves its own cause in the last log line.
    await api.ok(
      'CreateMmsJob',
      'POST',
      `${P}/jobs`,
      {},
      { name: 'hr', srcDbName: 'hr', tables: ['employees'] },
    );
    await api.ok(
      'CreateMmsJob',
      'POST',
      `${P}/jobs`,
      {},
      { name: 'lg', srcDbName: 'logistics', tables: ['carrier_tracking'] },
    );
    const bq = '/datasources/2000016';
    await api.ok(
      'CreateMmsJob',
      'POST',
      `${bq}/jobs`,
      {},
      { name: 'bill', srcDbName: 'billing_export', tables: ['pricing'] },
    );
    sim.runUntilIdle();
    const lastMsg = async (base: string, table: string) => {
      const [task] = (
        await api.ok('ListMmsTasks', 'GET', `${base}/tasks`, { srcTableName: table })
      ).data.objectList.slice(-1);
      const taskLogs = (await api.ok('ListMmsTaskLogs', 'GET', `${base}/tasks/${task.id}/logs`)).data;
      return `${task.status}: ${taskLogs.at(-1).msg}`;
    };
    expect(await lastMsg(P, 'gl_entries')).toMatch(/^SCHEMA_FAILED: ODPS-0420095: Access Denied/);
    expect(await lastMsg(P, 'campaign_spend')).toMatch(/^DATA_FAILED: ODPS-0130071:.*column type mismatch/);
    expect(await lastMsg(P, 'ad_clicks_tmp')).toMatch(/^DATA_FAILED: .*Table not found ad_clicks_tmp/);
    expect(await lastMsg(P, 'employees')).toMatch(/^DATA_FAILED: .*not bound to any quota/);
    expect(await lastMsg(P, 'carrier_tracking')).toMatch(
      /^DATA_FAILED: .*Connection refused.*Could not connect to metastore/,
    );
    expect(await lastMsg(bq, 'pricing')).toMatch(/^SCHEMA_FAILED: ServiceLinkedRole not found/);
    const scan = (await api.ok('CreateMmsFetchMetadataJob', 'POST', '/datasources/2000017/scans', {}, {}))
      .data;
    sim.runUntilIdle();
    const done = (await api.ok('GetMmsFetchMetadataJob', 'GET', `/datasources/2000017/scans/${scan.scanId}`))
      .data;
    expect(JSON.parse(done.result)).toEqual({ databases: 2, tables: 7, partitions: 40 });
  });

  it('builds a bulk source of thousands of tables quickly and pages through it', async () => {
    const sim = await startSimulator({ demo: false });
    open.push(sim);
    const sid = sim.addBulkSource('bulk', 5000);
    const page = (
      await client(sim).ok('ListMmsTables', 'GET', `/datasources/${sid}/tables`, {
        pageNum: 50,
        pageSize: 100,
      })
    ).data;
    expect(page.total).toBe(5000);
    expect(page.objectList.at(-1).name).toBe('t_5000');
  });
});
