import { afterEach, describe, expect, it } from 'vitest';
import { type MmsSimulator, startSimulator } from '../../src/sim/index.js';
import { client } from './helpers.js';

let sim: MmsSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const LIST = ['ListMmsJobs', 'GET', '/datasources/2000015/jobs'] as const;

describe('injected errors', () => {
  it('fail exactly the next N matching calls, then calls succeed again', async () => {
    sim = await startSimulator();
    const api = client(sim);
    sim.injectErrors({ count: 2, status: 503, code: 'Throttling.Api' });
    for (let i = 0; i < 2; i++) {
      const err = await api.fail(...LIST);
      expect([err.statusCode, err.code]).toEqual([503, 'Throttling.Api']);
      expect(err.result).toMatchObject({ RequestId: expect.any(String), HostId: expect.any(String) });
    }
    expect((await api.ok(...LIST)).data.total).toBe(3);
    expect(sim.calls.map((c) => c.status)).toEqual([503, 503, 200]);
  });

  it('cover 429 throttling and 500 internal errors with default codes', async () => {
    sim = await startSimulator();
    const api = client(sim);
    sim.injectErrors({ count: 1, status: 429 });
    sim.injectErrors({ count: 1, status: 500 });
    expect((await api.fail(...LIST)).code).toBe('Throttling.User');
    expect((await api.fail(...LIST)).code).toBe('InternalError');
    await api.ok(...LIST);
  });

  it('can answer an HTML 502, which pop-core returns as a string instead of throwing', async () => {
    sim = await startSimulator();
    sim.injectErrors({ count: 1, status: 502, contentType: 'text/html' });
    const res = await client(sim).call(...LIST);
    expect(typeof res).toBe('string');
    expect(res).toContain('<h1>502 BadGateway</h1>');
    expect(sim.calls.at(-1)?.status).toBe(502);
  });

  it('can answer an XML error, which pop-core turns into an error with the code', async () => {
    sim = await startSimulator();
    sim.injectErrors({ count: 1, status: 503, contentType: 'text/xml', code: 'ServiceUnavailable' });
    await expect(client(sim).call(...LIST)).rejects.toMatchObject({ code: 'ServiceUnavailable' });
  });

  it('only hit the listed actions', async () => {
    sim = await startSimulator();
    const api = client(sim);
    sim.injectErrors({ count: 1, status: 500, actions: ['GetMmsJob'] });
    await api.ok(...LIST);
    expect((await api.fail('GetMmsJob', 'GET', '/datasources/2000015/jobs/1')).statusCode).toBe(500);
    await api.ok('GetMmsJob', 'GET', '/datasources/2000015/jobs/1');
  });

  it('with afterEffect, apply the write and still fail (an ambiguous failure)', async () => {
    sim = await startSimulator({ demo: false });
    const api = client(sim);
    const sid = sim.addSource({ name: 'x', dbs: [{ name: 'db', tables: [{ name: 't' }] }] });
    sim.injectErrors({ count: 1, status: 504, actions: ['CreateMmsJob'], afterEffect: true });
    const err = await api.fail(
      'CreateMmsJob',
      'POST',
      `/datasources/${sid}/jobs`,
      {},
      { name: 'j', srcDbName: 'db' },
    );
    expect(err.statusCode).toBe(504);
    sim.step(2);
    const jobs = (await api.ok('ListMmsJobs', 'GET', `/datasources/${sid}/jobs`, { name: 'j' })).data;
    expect(jobs.total).toBe(1);
  });
});

describe('latency, call log and admin API', () => {
  it('delays responses by the set latency and records every call', async () => {
    sim = await startSimulator();
    const api = client(sim);
    sim.setLatency(120);
    const t = Date.now();
    await api.ok(...LIST, { status: 'DONE', pageSize: 5 });
    expect(Date.now() - t).toBeGreaterThanOrEqual(100);
    sim.setLatency(0);
    await api.fail('CreateMmsJob', 'POST', '/datasources/2000015/jobs', {}, { name: 'x' });
    expect(sim.calls).toEqual([
      {
        action: 'ListMmsJobs',
        method: 'GET',
        path: '/api/v1/mms/datasources/2000015/jobs',
        query: { status: 'DONE', pageSize: '5' },
        body: undefined,
        status: 200,
        at: expect.any(Number),
      },
      {
        action: 'CreateMmsJob',
        method: 'POST',
        path: '/api/v1/mms/datasources/2000015/jobs',
        query: {},
        body: { name: 'x' },
        status: 400,
        at: expect.any(Number),
      },
    ]);
    sim.resetCalls();
    expect(sim.calls).toEqual([]);
  });

  it('closes cleanly while a delayed response is pending', async () => {
    sim = await startSimulator();
    sim.setLatency(5000);
    const pending = client(sim)
      .call(...LIST)
      .catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 50));
    const t = Date.now();
    await sim.close();
    sim = undefined;
    expect(Date.now() - t).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('exposes step, fail-task, inject-errors and calls under /__sim/ without signing', async () => {
    sim = await startSimulator({ demo: false });
    const sid = sim.addSource({ name: 'x', dbs: [{ name: 'db', tables: [{ name: 't', numRows: 10 }] }] });
    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sim!.url}/__sim/${path}`, {
        method,
        ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      });
      return { status: res.status, body: await res.json() };
    };
    const failure = {
      match: { table: 't' },
      failure: { phase: 'SCHEMA', msg: 'ServiceLinkedRole not found' },
    };
    expect((await admin('POST', 'fail-task', failure)).status).toBe(200);
    expect(
      (await admin('POST', 'fail-task', { match: {}, failure: { phase: 'NOPE', msg: '' } })).status,
    ).toBe(400);
    const api = client(sim);
    await api.ok('CreateMmsJob', 'POST', `/datasources/${sid}/jobs`, {}, { name: 'j', srcDbName: 'db' });
    expect((await admin('POST', 'step?n=4')).body).toEqual({ steps: 4, busy: false });
    const task = (await api.ok('ListMmsTasks', 'GET', `/datasources/${sid}/tasks`)).data.objectList[0];
    expect(task.status).toBe('SCHEMA_FAILED');

    expect((await admin('POST', 'inject-errors', { count: 1, status: 429 })).status).toBe(200);
    expect((await api.fail('ListMmsJobs', 'GET', `/datasources/${sid}/jobs`)).statusCode).toBe(429);
    const calls = (await admin('GET', 'calls')).body as Array<{ action: string; status: number }>;
    expect(calls.map((c) => [c.action, c.status])).toEqual([
      ['CreateMmsJob', 200],
      ['ListMmsTasks', 200],
      ['ListMmsJobs', 429],
    ]);
    expect((await admin('GET', 'state')).body).toMatchObject({ steps: 4, jobs: 1, tasks: 1 });
  });
});
