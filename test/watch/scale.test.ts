// MMS calls per cycle in bulk: 100 watched jobs on one source cost one ListMmsJobs per cycle and one
// ListMmsTasks per failure status across the source, whether jobs move or not; a job's own task list is read
// on its first look only (and when it finishes), and the jobs' table sizes come from one ListMmsTables
// listing of their db, shared by all of them.
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
  it('cost one ListMmsJobs and three failure queries per cycle, however many jobs move', async () => {
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
    const floor = { ListMmsJobs: 1, ListMmsTasks: 3 };
    expect(first.report).toEqual({ ListMmsJobs: 1, ListMmsTasks: N + 3, ListMmsTables: 1 });
    expect(idle.report).toEqual(floor);
    expect(idle.http).toBe(4);
    expect(moved.report).toEqual(floor);
    expect(phases.report).toEqual(floor);
    expect(settled.report).toEqual(floor);
    console.log(
      `MMS calls per cycle for ${N} watched jobs: ${idle.http} when nothing changed; ` +
        `${phases.http} when tasks only changed phase; ${moved.http} when all ${N} jobs moved; ` +
        `${first.http} on the first cycle (naive GetMmsJob + ListMmsTasks per job: ${2 * N})`,
    );
  });
});
