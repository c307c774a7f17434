import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MmsSimulator, ROUTES, startSimulator } from '../../src/sim/index.js';
import { addShop, type Client, client, createJob, type Json } from './helpers.js';

let sim: MmsSimulator;
let api: Client;
const HIVE = 2000015;
const P = `/datasources/${HIVE}`;

beforeAll(async () => {
  sim = await startSimulator();
  api = client(sim);
});
afterAll(() => sim.close());

describe('routes', () => {
  it('serves exactly the 36 actions of MMS.md §3', () => {
    expect(ROUTES).toHaveLength(36);
    expect(new Set(ROUTES.map((r) => r.action)).size).toBe(36);
    expect(ROUTES.find((r) => r.action === 'DeleteMmsJob')).toMatchObject({ method: 'POST' });
    expect(ROUTES.find((r) => r.action === 'DeleteMmsTimer')).toMatchObject({ method: 'DELETE' });
    expect(ROUTES.find((r) => r.action === 'ListMmsDataSourceConfigItems')?.path).toBe(
      '/api/v1/mms/configItems',
    );
  });

  it('answers 400 for a non-integer path id and 404 in the backend shape for a missing one', async () => {
    const bad = await api.fail('GetMmsJob', 'GET', `${P}/jobs/abc`);
    expect([bad.statusCode, bad.code]).toEqual([400, 'InvalidParameter']);
    const missing = await api.fail('GetMmsJob', 'GET', `${P}/jobs/99`);
    expect(missing.statusCode).toBe(404);
    expect(missing.result).toMatchObject({
      httpCode: 404,
      errorCode: 'NotFound',
      errorMsg: 'job 99 not found',
    });
    const noSource = await api.fail('ListMmsJobs', 'GET', '/datasources/42/jobs');
    expect(noSource.result.errorMsg).toBe('datasource 42 not found');
    // A job of another source is not found under this one.
    const other = await api.fail('GetMmsJob', 'GET', '/datasources/2000016/jobs/1');
    expect(other.statusCode).toBe(404);
  });
});

describe('lists, paging and filters', () => {
  it('returns every source when ListMmsDataSources has no paging, and pages otherwise', async () => {
    const all = (await api.ok('ListMmsDataSources', 'GET', '/datasources')).data;
    expect(all).toMatchObject({ pageNum: 1, pageSize: 4, total: 4 });
    const page = (await api.ok('ListMmsDataSources', 'GET', '/datasources', { pageNum: 2, pageSize: 3 }))
      .data;
    expect(page).toMatchObject({ pageNum: 2, pageSize: 3, total: 4 });
    expect(page.objectList.map((s: Json) => s.name)).toEqual(['hive-staging']);
    const like = (await api.ok('ListMmsDataSources', 'GET', '/datasources', { name: 'HIVE' })).data;
    expect(like.objectList.map((s: Json) => s.name)).toEqual(['hive-prod', 'hive-staging']);
    const typed = (await api.ok('ListMmsDataSources', 'GET', '/datasources', { type: 'BIGQUERY' })).data;
    expect(typed.objectList.map((s: Json) => s.name)).toEqual(['bq-analytics']);
  });

  it('pages tables with a default page size of 20 and filters by db, name, status and partitions', async () => {
    const first = (await api.ok('ListMmsTables', 'GET', `${P}/tables`)).data;
    expect(first).toMatchObject({ pageNum: 1, pageSize: 20, total: 75 });
    expect(first.objectList).toHaveLength(20);
    const last = (await api.ok('ListMmsTables', 'GET', `${P}/tables`, { pageNum: 4 })).data;
    expect(last.objectList).toHaveLength(15);
    const sales = (
      await api.ok('ListMmsTables', 'GET', `${P}/tables`, { dbName: 'sales', name: 'ORDER', pageSize: 100 })
    ).data;
    expect(sales.objectList.map((t: Json) => t.name)).toEqual([
      'order_status_history',
      'orders',
      'order_items',
    ]);
    const orders = sales.objectList[1];
    expect(orders).toMatchObject({
      id: 512,
      dbName: 'sales',
      hasPartitions: true,
      numRows: 1203331,
      dstSchemaName: 'default',
    });
    expect(orders.schema.partitions).toEqual([{ name: 'ds', type: 'string', comment: '' }]);
    const failed = (await api.ok('ListMmsTables', 'GET', `${P}/tables`, { status: '["FAILED"]' })).data;
    expect(failed.objectList.map((t: Json) => t.name)).toEqual(['gl_entries']);
    const plain = await api.fail('ListMmsTables', 'GET', `${P}/tables`, { status: 'FAILED' });
    expect([plain.statusCode, plain.code]).toEqual([400, 'InvalidParameter']);
    const partitioned = (
      await api.ok('ListMmsTables', 'GET', `${P}/tables`, { hasPartitions: 'true', pageSize: 100 })
    ).data;
    expect(partitioned.total).toBe(12);
    const names = (await api.ok('ListMmsTables', 'GET', `${P}/tables`, { onlyName: 'true', pageSize: 1 }))
      .data;
    expect(names.objectList).toEqual([{ id: 501, name: 'customers' }]);
    const bigFirst = (
      await api.ok('ListMmsTables', 'GET', `${P}/tables`, { 'sorter.numRows': 'desc', pageSize: 1 })
    ).data;
    expect(bigFirst.objectList[0].name).toBe('ad_impressions');
  });

  it('takes one plain status on jobs, tasks and dbs, stopped as 0/1 on jobs, and a JSON sorter on dbs', async () => {
    const failedJobs = (await api.ok('ListMmsJobs', 'GET', `${P}/jobs`, { status: 'FAILED' })).data;
    expect(failedJobs.objectList.map((j: Json) => j.name)).toEqual(['finance_nightly']);
    const all = (await api.ok('ListMmsJobs', 'GET', `${P}/jobs`, { stopped: 0 })).data;
    expect(all.objectList.map((j: Json) => j.id)).toEqual([3, 2, 1]);
    expect((await api.fail('ListMmsJobs', 'GET', `${P}/jobs`, { stopped: 'false' })).statusCode).toBe(400);
    const byTable = (await api.ok('ListMmsJobs', 'GET', `${P}/jobs`, { srcTableName: 'gl_entries' })).data;
    expect(byTable.objectList.map((j: Json) => j.id)).toEqual([2]);
    const schemaFailed = (await api.ok('ListMmsTasks', 'GET', `${P}/tasks`, { status: 'SCHEMA_FAILED' }))
      .data;
    expect(schemaFailed.objectList.map((t: Json) => t.srcTableName)).toEqual(['gl_entries']);
    expect((await api.fail('ListMmsTasks', 'GET', `${P}/tasks`, { status: '["DONE"]' })).statusCode).toBe(
      400,
    );
    const dbs = (await api.ok('ListMmsDbs', 'GET', `${P}/dbs`, { sorter: '{"numRows":"desc"}' })).data;
    expect(dbs.objectList.map((d: Json) => d.name)).toEqual([
      'marketing',
      'finance',
      'sales',
      'logistics',
      'hr',
    ]);
    const finance = dbs.objectList.find((d: Json) => d.name === 'finance');
    expect(finance).toMatchObject({
      status: 'FAILED',
      tables: 15,
      tablesDone: 13,
      tablesFailed: 1,
      partitions: 48,
    });
    const failedDbs = (await api.ok('ListMmsDbs', 'GET', `${P}/dbs`, { status: 'FAILED' })).data;
    expect(failedDbs.total).toBe(1);
  });

  it('filters partitions by table and JSON status, and tasks by partition', async () => {
    // order_items: job 1 (done) moved ds >= 20250101, job 3 (running) is copying all of it again.
    const doing = (
      await api.ok('ListMmsPartitions', 'GET', `${P}/partitions`, {
        tableName: 'order_items',
        status: '["DOING"]',
      })
    ).data;
    expect(doing.total).toBe(12);
    const done = (
      await api.ok('ListMmsPartitions', 'GET', `${P}/partitions`, { status: '["DONE"]', pageSize: 500 })
    ).data;
    expect(done.total).toBe(24); // journal_lines; gl_entries failed (Access Denied) before any data moved
    const one = (
      await api.ok('ListMmsPartitions', 'GET', `${P}/partitions`, { value: 'ds=20250103', tableId: 513 })
    ).data;
    expect(one.total).toBe(1);
    const got = (await api.ok('GetMmsPartition', 'GET', `${P}/partitions/${one.objectList[0].id}`)).data;
    expect(got).toMatchObject({ tableName: 'order_items', value: 'ds=20250103', dstValue: 'ds=20250103' });
    const tasks = (await api.ok('ListMmsTasks', 'GET', `${P}/tasks`, { partition: 'ds=20241230' })).data;
    expect(tasks.objectList.map((t: Json) => [t.jobId, t.srcTableName])).toEqual([
      [3, 'orders'],
      [3, 'order_items'],
    ]);
  });
});

describe('validation', () => {
  it('rejects CreateMmsJob without name or srcDbName, or with a db or table the source lacks', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ srcDbName: 'sales' }, /name is required/],
      [{ name: 'x' }, /srcDbName is required/],
      [{ name: 'x', srcDbName: 'nope' }, /database nope not found/],
      [{ name: 'x', srcDbName: 'sales', tables: ['nope'] }, /table sales\.nope not found/],
      [
        { name: 'x', srcDbName: 'sales', tables: ['orders'], partitionFilters: { orders: 'dt > 1' } },
        /column dt/,
      ],
      [{ name: 'x', srcDbName: 'sales', tables: 'orders' }, /invalid tables/],
    ];
    for (const [body, msg] of cases) {
      const err = await api.fail('CreateMmsJob', 'POST', `${P}/jobs`, {}, body);
      expect([err.statusCode, err.code]).toEqual([400, 'InvalidParameter']);
      expect(err.result.errorMsg).toMatch(msg);
    }
  });

  it('checks config items, timers schedules and paging parameters', async () => {
    expect((await api.fail('ListMmsDataSourceConfigItems', 'GET', '/configItems')).statusCode).toBe(400);
    expect(
      (await api.fail('ListMmsDataSourceConfigItems', 'GET', '/configItems', { sourceType: 'Oracle' }))
        .statusCode,
    ).toBe(400);
    const timer = { name: 't', srcDbName: 'sales', scheduleType: 'Daily', value: '25:00' };
    expect((await api.fail('CreateMmsTimer', 'POST', `${P}/timers`, {}, timer)).result.errorMsg).toMatch(
      /HH:MM/,
    );
    expect((await api.fail('ListMmsJobs', 'GET', `${P}/jobs`, { pageSize: 0 })).statusCode).toBe(400);
  });
});

describe('config items and data sources', () => {
  it('lists config items for each source type as a bare array', async () => {
    for (const sourceType of ['Hive', 'BigQuery', 'MaxCompute']) {
      const items = (await api.ok('ListMmsDataSourceConfigItems', 'GET', '/configItems', { sourceType }))
        .data;
      expect(Array.isArray(items)).toBe(true);
      for (const item of items) {
        expect(
          Object.keys(item)
            .filter((k) => k !== 'subItems')
            .sort(),
        ).toEqual(['desc', 'enums', 'key', 'name', 'required', 'type', 'value']);
        // Sub-items are a map of key → item, as in the models.
        if ('subItems' in item) {
          expect(Array.isArray(item.subItems)).toBe(false);
          for (const [k, sub] of Object.entries(item.subItems as Record<string, Json>))
            expect(sub.key).toBe(k);
        }
      }
    }
    const zh = (
      await api.ok('ListMmsDataSourceConfigItems', 'GET', '/configItems', {
        sourceType: 'Hive',
        lang: 'zh_CN',
      })
    ).data;
    expect(zh[0].name).toBe('Metastore 地址');
  });

  it('creates, updates and deletes a data source', async () => {
    const body = {
      name: 'new-hive',
      type: 'HIVE',
      networklink: 'vpc-abc:cn-hangzhou',
      config: { 'hive.metastore.url': 'thrift://x:9083' },
    };
    const { dataSourceId } = (await api.ok('CreateMmsDataSource', 'POST', '/datasources', {}, body)).data;
    const base = `/datasources/${dataSourceId}`;
    expect((await api.fail('CreateMmsDataSource', 'POST', '/datasources', {}, body)).statusCode).toBe(400);
    const upd = (
      await api.ok('UpdateMmsDataSource', 'PUT', base, {}, { action: 'RENAME', name: 'renamed-hive' })
    ).data;
    expect(upd).toEqual({ sourceId: dataSourceId, asyncTaskId: expect.any(Number) });
    const src = (await api.ok('GetMmsDataSource', 'GET', base, { withConfig: 'true' })).data;
    expect(src.name).toBe('renamed-hive');
    expect(src.config.find((c: Json) => c.key === 'hive.metastore.url').value).toBe('thrift://x:9083');
    expect((await api.ok('DeleteMmsDataSource', 'DELETE', base)).data).toBe(1);
    expect((await api.fail('GetMmsDataSource', 'GET', base)).statusCode).toBe(404);
  });

  it('fails a connection test of an unreachable source in its UPDATE_DATASOURCE async task', async () => {
    const base = '/datasources/2000018';
    const { asyncTaskId } = (
      await api.ok('UpdateMmsDataSource', 'PUT', base, {}, { action: 'START', test: true })
    ).data;
    sim.step();
    const at = (await api.ok('GetMmsAsyncTask', 'GET', `${base}/asyncTasks/${asyncTaskId}`)).data;
    expect(at).toMatchObject({ type: 'UPDATE_DATASOURCE', status: 'FAILED', running: false });
    expect(at.errorMsg).toMatch(/Connection refused/);
    expect((await api.fail('UpdateMmsDataSource', 'PUT', base, {}, { action: 'EXPLODE' })).statusCode).toBe(
      400,
    );
  });

  it('updates target mappings of dbs and tables', async () => {
    const shop = addShop(sim);
    const base = `/datasources/${shop}`;
    const db = (await api.ok('ListMmsDbs', 'GET', `${base}/dbs`, { name: 'shop' })).data.objectList[0];
    expect(
      (await api.ok('UpdateMmsDb', 'PUT', `${base}/dbs/${db.id}`, {}, { dstProjectName: 'mc_shop2' })).data,
    ).toBe(1);
    expect((await api.ok('GetMmsDb', 'GET', `${base}/dbs/${db.id}`)).data.dstProjectName).toBe('mc_shop2');
    const tables = (
      await api.ok('ListMmsTables', 'GET', `${base}/tables`, { dbId: db.id, dstProjectName: 'mc_shop2' })
    ).data;
    expect(tables.total).toBe(3);
    await api.ok(
      'UpdateMmsTables',
      'PUT',
      `${base}/tables`,
      {},
      { dbName: 'shop', tableNames: ['orders'], dstSchemaName: 's1' },
    );
    const orders = tables.objectList.find((t: Json) => t.name === 'orders');
    await api.ok('UpdateMmsTable', 'PUT', `${base}/tables/${orders.id}`, {}, { dstName: 'orders_v2' });
    expect((await api.ok('GetMmsTable', 'GET', `${base}/tables/${orders.id}`)).data).toMatchObject({
      dstProjectName: 'mc_shop2',
      dstSchemaName: 's1',
      dstName: 'orders_v2',
    });
    const jobId = await createJob(api, sim, shop, { name: 'mapped', srcDbName: 'shop', tables: ['orders'] });
    const task = (await api.ok('ListMmsTasks', 'GET', `${base}/tasks`, { jobId })).data.objectList[0];
    expect(task).toMatchObject({ dstDbName: 'mc_shop2', dstSchemaName: 's1', dstTableName: 'orders_v2' });
  });
});

describe('timers', () => {
  it('creates, lists, updates, triggers and deletes a timer', async () => {
    const body = {
      name: 'mkt_hourly',
      srcDbName: 'marketing',
      scheduleType: 'Hourly',
      value: '15',
      tables: ['leads'],
    };
    const { timerId } = (await api.ok('CreateMmsTimer', 'POST', `${P}/timers`, {}, body)).data;
    const path = `${P}/timers/${timerId}`;
    const timer = (await api.ok('GetMmsTimer', 'GET', path)).data;
    expect(timer).toMatchObject({
      name: 'mkt_hourly',
      scheduleType: 'Hourly',
      value: '15',
      stopped: false,
      type: 'Tables',
    });
    expect(timer.createTime).toMatch(/^\d{13}$/); // epoch-ms (as a string), unlike other resources
    expect(timer.config).toMatchObject({ tables: ['leads'] });

    expect((await api.ok('UpdateMmsTimer', 'PUT', path, {}, { stopped: true })).data).toBe(1);
    const stopped = (await api.ok('ListMmsTimers', 'GET', `${P}/timers`, { stopped: 'true' })).data;
    expect(stopped.objectList.map((t: Json) => t.id)).toEqual([timerId]);
    expect((await api.fail('ListMmsTimers', 'GET', `${P}/timers`, { stopped: 1 })).statusCode).toBe(400);

    expect((await api.ok('TriggerMmsTimer', 'POST', `${path}/trigger`)).data).toBe(1);
    const runs = (await api.ok('ListMmsJobs', 'GET', `${P}/jobs`, { timerId })).data;
    expect(runs.objectList).toHaveLength(1);
    expect(runs.objectList[0]).toMatchObject({ config: { increment: true, tables: ['leads'] } });
    const logs = (await api.ok('ListMmsTimerLogs', 'GET', `${path}/logs`)).data;
    expect(logs.objectList[0]).toMatchObject({
      status: 'DONE',
      action: 'TRIGGER',
      msg: expect.stringMatching(/^job \d+ \(/),
    });
    expect(logs.objectList[0].createTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);

    expect((await api.ok('DeleteMmsTimer', 'DELETE', path)).data).toBe(1);
    expect((await api.fail('GetMmsTimer', 'GET', path)).statusCode).toBe(404);
  });

  it('shows the demo timer with its history', async () => {
    const timers = (await api.ok('ListMmsTimers', 'GET', `${P}/timers`, { name: 'sales_daily' })).data;
    expect(timers.objectList[0]).toMatchObject({
      id: 1,
      scheduleType: 'Daily',
      value: '02:30',
      srcDbName: 'sales',
    });
    const logs = (await api.ok('ListMmsTimerLogs', 'GET', `${P}/timers/1/logs`, { pageSize: 1 })).data;
    expect(logs).toMatchObject({ total: 2, pageSize: 1 });
    expect(logs.objectList[0].msg).toMatch(/^job 1 \(sales_daily_incr_\d{12}\) created$/);
  });
});

describe('write result style', () => {
  it('returns "success" instead of 1 when asked', async () => {
    const s = await startSimulator({ writeResultStyle: 'success' });
    try {
      const res = await client(s).ok('StopMmsJob', 'POST', `${P}/jobs/3/stop`);
      expect(res.data).toBe('success');
    } finally {
      await s.close();
    }
  });
});
