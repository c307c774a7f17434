// MMS calls per cycle in bulk: 100 watched jobs on one source cost one ListMmsJobs per cycle, plus one
// ListMmsTasks per job that moved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Instance, startWorld, type World } from './setup.js';

let w: World;
let inst: Instance;
const N = 100;

beforeAll(async () => {
  w = await startWorld({ bulkTables: N });
  inst = w.open({ maxPostsPerChannel: 200, maxUpdatesPerTick: 200 });
  const width = String(N).length;
  for (let i = 1; i <= N; i++) await w.createJob(`bulk_${i}`, [`t_${String(i).padStart(width, '0')}`]);
  w.sim.step(2);
  const jobs = await w.mms.listJobs(w.sourceId, { pageNum: 1, pageSize: 200 });
  expect(jobs.items).toHaveLength(N);
  for (const j of jobs.items) inst.watcher.register(w.target('job', j.id, j.name, null));
});
afterAll(async () => {
  await w?.close();
});

describe(`${N} watched jobs on one source`, () => {
  it('cost about one ListMmsJobs per cycle, plus tasks only for jobs that changed', async () => {
    const calls = async (steps: number) => {
      if (steps) w.sim.step(steps);
      w.clock.advance(30_000);
      w.sim.resetCalls();
      const r = await inst.watcher.tick();
      return { report: r.mmsCallsByAction, http: w.sim.calls.length };
    };
    const first = await calls(0);
    const idle = await calls(0);
    const moved = await calls(1);
    const phases = await calls(1);
    const settled = await calls(0);
    expect(first.report).toEqual({ ListMmsJobs: 1, ListMmsTasks: N });
    expect(idle.report).toEqual({ ListMmsJobs: 1 });
    expect(idle.http).toBe(1);
    expect(moved.report['ListMmsJobs']).toBe(1);
    expect(phases.report).toEqual({ ListMmsJobs: 1 });
    expect(settled.report).toEqual({ ListMmsJobs: 1 });
    console.log(
      `MMS calls per cycle for ${N} watched jobs: ${idle.http} when nothing changed; ` +
        `${phases.http} when tasks only changed phase; ` +
        `${moved.http} when all ${N} jobs moved (1 ListMmsJobs + ${moved.report['ListMmsTasks'] ?? 0} ListMmsTasks); ` +
        `${first.http} on the first cycle (naive GetMmsJob + ListMmsTasks per job: ${2 * N})`,
    );
  });
});
