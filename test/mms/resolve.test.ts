// Names → ids against the simulator, which filters names with LIKE as MMS does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MmsClient } from '../../src/mms/client.js';
import { staticCredentials } from '../../src/mms/credentials.js';
import { distance, must, nearNames, ResolveError, resolveJob, resolveSource } from '../../src/mms/resolve.js';
import { type MmsSimulator, startSimulator } from '../../src/sim/index.js';

describe('name resolution', () => {
  let sim: MmsSimulator;
  let c: MmsClient;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 5 });
    sim.addSource({ name: 'hive-prod-old' });
    c = new MmsClient('cn-hangzhou', {
      endpoint: sim.url,
      credentials: staticCredentials(sim.credentials),
      retry: { tries: 1, baseMs: 1, maxMs: 1 },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('an exact name wins over fuzzy hits', async () => {
    const r = await resolveSource(c, 'hive-prod');
    expect(r.kind === 'found' && r.item.name).toBe('hive-prod');
    expect(r.kind === 'found' && r.how).toBe('exact');
  });

  it('one fuzzy hit is used, and says so', async () => {
    const r = await resolveSource(c, 'legacy');
    expect(r.kind === 'found' && r.item.name).toBe('mc-legacy');
    expect(r.kind === 'found' && r.how).toBe('fuzzy');
  });

  it('several hits are listed', async () => {
    const r = await resolveSource(c, 'hive');
    expect(r.kind).toBe('ambiguous');
    if (r.kind !== 'ambiguous') return;
    expect(r.candidates.map((x) => x.name).sort()).toEqual(['hive-prod', 'hive-prod-old', 'hive-staging']);
    expect(() => must('source', r)).toThrow(ResolveError);
  });

  it('none names the near ones', async () => {
    const r = await resolveSource(c, 'hive-prd');
    expect(r.kind).toBe('not-found');
    if (r.kind === 'not-found') expect(r.near[0]).toBe('hive-prod');
  });

  it('all digits is an id, confirmed with a Get', async () => {
    const id = (await c.listDataSources({ name: 'bq-analytics' })).items[0]!.id;
    const r = await resolveSource(c, String(id));
    expect(r.kind === 'found' && r.how).toBe('id');
    expect((await resolveSource(c, '99999999')).kind).toBe('not-found');
  });

  it('jobs resolve by name within a source', async () => {
    const sid = (await c.listDataSources({ name: 'hive-prod' })).items.find(
      (s) => s.name === 'hive-prod',
    )!.id;
    const r = await resolveJob(c, sid, 'finance_nightly');
    expect(r.kind === 'found' && r.item.status).toBe('FAILED');
    expect((await resolveJob(c, sid, 'sales')).kind).not.toBe('not-found');
  });
});

describe('nearNames', () => {
  it('ranks by edit distance and keeps only close ones', () => {
    expect(distance('kitten', 'sitting')).toBe(3);
    expect(nearNames('jbos', ['jobs', 'job', 'timers', 'tasks'])).toEqual(['job', 'jobs']);
    expect(nearNames('zzzzzz', ['jobs'])).toEqual([]);
  });
});
