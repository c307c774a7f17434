// Review of the watcher against MMS.md §4/§5/§7: a job status its tasks contradict (lag), tasks resting at a
// *_DONE with later phases off, job lists without `total` or with a clamped page size, outbox pruning.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MmsClient } from '../../src/mms/client.js';
import type { JobRec, TaskRec, TaskStatus } from '../../src/sim/types.js';
import { STATUS_LAG_CYCLES } from '../../src/watch/cards.js';
import { jobState } from '../../src/watch/state.js';
import { CHANNEL, cycle, type Instance, NOTIFY, startWorld, textOf, type World } from './setup.js';

let w: World;
let inst: Instance;

beforeEach(async () => {
  w = await startWorld();
  inst = w.open();
});
afterEach(async () => {
  await w.close();
});

/** Creates a job and runs it to the end in the simulator (every task DONE), not yet watched. */
async function finishedJob(name: string, tables: string[], extra: Record<string, unknown> = {}) {
  const asyncId = await w.createJob(name, tables, extra);
  w.sim.runUntilIdle();
  const t = await w.mms.getAsyncTask(w.sourceId, asyncId);
  const jobId = Number(t.objectId);
  const job = w.sim.model.jobs.get(jobId)!;
  return { job, jobId };
}

let phantoms = 990_001;
/**
 * A task the job's status counts but ListMmsTasks does not list (it belongs to no job): how the test makes
 * MMS's job status (derived from `job.taskIds`) disagree with the tasks MMS lists for the job.
 */
function phantom(job: JobRec, status: TaskStatus): number {
  const real = w.sim.model.tasks.get(job.taskIds[0]!)!;
  const id = phantoms++;
  const rec: TaskRec = { ...real, id, jobId: -1, status };
  w.sim.model.tasks.set(id, rec);
  return id;
}

const tasksOf = (job: JobRec): TaskRec[] => [...w.sim.model.tasks.values()].filter((t) => t.jobId === job.id);

async function watchJob(jobId: number, name: string) {
  const cardTs = await w.postCard();
  inst.watcher.register(w.target('job', jobId, name, cardTs));
  return cardTs;
}

const thread = (cardTs: string) => w.api.replies(CHANNEL, cardTs);
const card = (cardTs: string) => w.api.messages(CHANNEL).find((m) => m.ts === cardTs);
const finished = (cardTs: string) => thread(cardTs).filter((m) => /finished:/.test(m.text));
const jobWatch = () => inst.services.watches.recent(20).find((x) => x.kind === 'job')!;

describe('job status contradicted by its tasks (MMS.md §4/§7: trust the tasks)', () => {
  it('job FAILED while every listed task is DONE: no failure posted; rechecks until MMS catches up', async () => {
    const { job, jobId } = await finishedJob('lag_mig', ['orders', 'customers']);
    const ghost = phantom(job, 'DATA_FAILED');
    job.taskIds.push(ghost);
    expect((await w.mms.getJob(w.sourceId, jobId)).status).toBe('FAILED');
    const cardTs = await watchJob(jobId, 'lag_mig');
    await inst.watcher.tick();
    await cycle(w, inst.watcher, 0);

    expect(finished(cardTs)).toHaveLength(0);
    expect(thread(cardTs).some((m) => /FAILED/.test(textOf(m)))).toBe(false);
    expect(textOf(card(cardTs))).toMatch(/MMS says the job is FAILED, but all 2 tasks are done/);
    expect(textOf(card(cardTs))).toMatch(/rechecking/);
    expect(jobWatch().active).toBe(true);

    // MMS catches up: DONE, one summary, no word of a failure.
    job.taskIds.pop();
    await cycle(w, inst.watcher, 0);
    await cycle(w, inst.watcher, 0);
    const done = finished(cardTs);
    // The end of a job is one message, broadcast to the channel.
    expect(done.length).toBe(1);
    expect(done[0]!.reply_broadcast).toBe(true);
    for (const m of done) expect(m.text).toMatch(/finished: DONE/);
    expect(thread(cardTs).some((m) => /FAILED/.test(textOf(m)))).toBe(false);
    expect(textOf(card(cardTs))).not.toMatch(/MMS says/);
    expect(jobWatch().active).toBe(false);
  });

  it('job FAILED that never catches up: after the recheck limit, reported from the tasks, saying so', async () => {
    const { job, jobId } = await finishedJob('stuck_lag', ['orders', 'customers']);
    job.taskIds.push(phantom(job, 'DATA_FAILED'));
    const cardTs = await watchJob(jobId, 'stuck_lag');
    await inst.watcher.tick();
    for (let i = 1; i < STATUS_LAG_CYCLES; i++) await cycle(w, inst.watcher, 0);
    expect(finished(cardTs)).toHaveLength(0);
    expect(jobWatch().active).toBe(true);
    await cycle(w, inst.watcher, 0);
    await cycle(w, inst.watcher, 0);
    expect(jobWatch().active).toBe(false);
    const summary = finished(cardTs).find((m) => m.reply_broadcast)!;
    expect(summary.text).toMatch(/finished: DONE/);
    expect(textOf(summary)).toMatch(/MMS says the job is FAILED, but all 2 tasks are done/);
    expect(textOf(summary)).toMatch(/reported from the tasks/);
    expect(finished(cardTs)).toHaveLength(1);
    // Nothing more once ended.
    const n = thread(cardTs).length;
    await cycle(w, inst.watcher, 0);
    expect(thread(cardTs)).toHaveLength(n);

    // Watched again (a retry from Slack) while MMS still lags: a new run rechecks from the start instead
    // of ending at once on the old run's count.
    const again = await w.postCard();
    inst.watcher.register(w.target('job', jobId, 'stuck_lag', again));
    await cycle(w, inst.watcher, 0);
    expect(jobWatch().active).toBe(true);
    expect(thread(cardTs).filter((m) => /finished:/.test(m.text))).toHaveLength(1);
    expect(thread(again).filter((m) => /finished:/.test(m.text))).toHaveLength(0);
  });

  it('job DONE while a listed task is DATA_FAILED: not announced as DONE; the failure is reported', async () => {
    const { job, jobId } = await finishedJob('done_lag', ['orders', 'customers']);
    const [bad] = tasksOf(job);
    bad!.status = 'DATA_FAILED';
    job.taskIds = [phantom(job, 'DONE'), phantom(job, 'DONE')];
    expect((await w.mms.getJob(w.sourceId, jobId)).status).toBe('DONE');
    const cardTs = await watchJob(jobId, 'done_lag');
    await inst.watcher.tick();
    await cycle(w, inst.watcher, 0);
    expect(finished(cardTs)).toHaveLength(0);
    expect(thread(cardTs).some((m) => /Task failed|failed/i.test(m.text))).toBe(true);
    for (let i = 0; i < STATUS_LAG_CYCLES; i++) await cycle(w, inst.watcher, 0);
    expect(jobWatch().active).toBe(false);
    const done = finished(cardTs);
    expect(done).toHaveLength(1);
    for (const m of done) expect(m.text).toMatch(/finished: FAILED/);
    expect(textOf(done[0])).toMatch(/MMS says the job is DONE, but 1 of 2 tasks failed/);
    expect(card(cardTs)?.text).toMatch(/finished: FAILED/);
  });
});

/** MMS as §4 describes it: a task resting at a *_DONE (later phases off) is not running. */
function restingNotRunning(mms: MmsClient): void {
  const orig = mms.listTasks.bind(mms);
  mms.listTasks = async (...a: Parameters<MmsClient['listTasks']>) => {
    const p = await orig(...a);
    return {
      ...p,
      items: p.items.map((t) =>
        t.status?.endsWith('_DONE') && t.status !== 'DONE' ? { ...t, running: false } : t,
      ),
    };
  };
}

describe('tasks resting at a *_DONE (verification or data migration off)', () => {
  it('counts DATA_DONE tasks as done on the card and in the summary once MMS says DONE', async () => {
    restingNotRunning(w.mms);
    const { job, jobId } = await finishedJob('noverify', ['orders', 'customers'], {
      enableVerification: false,
    });
    for (const t of tasksOf(job)) t.status = 'DATA_DONE';
    expect((await w.mms.getJob(w.sourceId, jobId)).status).toBe('DOING');
    const cardTs = await watchJob(jobId, 'noverify');
    await inst.watcher.tick();
    for (let i = 0; i < 3; i++) await cycle(w, inst.watcher, 0);
    const c = card(cardTs)!;
    expect(c.text).toMatch(/2\/2 tasks/);
    expect(c.text).not.toMatch(/failed/i);
    expect(textOf(c)).toMatch(/2 of 2 tables done/);
    expect(finished(cardTs)).toHaveLength(0);

    // MMS catches up: DONE.
    job.taskIds = [phantom(job, 'DONE'), phantom(job, 'DONE')];
    await cycle(w, inst.watcher, 0);
    await cycle(w, inst.watcher, 0);
    const summary = finished(cardTs).find((m) => m.reply_broadcast)!;
    expect(summary.text).toMatch(/finished: DONE/);
    expect(textOf(summary)).toContain('2 of 2 tasks');
    expect(textOf(summary)).not.toMatch(/MMS says/);
    expect(jobWatch().active).toBe(false);
  });

  it('a schema-only job resting at SCHEMA_DONE while MMS stays DOING is summarised, not watched forever', async () => {
    restingNotRunning(w.mms);
    const { job, jobId } = await finishedJob('schema_only', ['orders', 'customers'], {
      enableDataMigration: false,
      enableVerification: false,
    });
    for (const t of tasksOf(job)) t.status = 'SCHEMA_DONE';
    const cardTs = await watchJob(jobId, 'schema_only');
    await inst.watcher.tick();
    for (let i = 0; i < STATUS_LAG_CYCLES + 1; i++) await cycle(w, inst.watcher, 0);
    expect(jobWatch().active).toBe(false);
    const summary = finished(cardTs).find((m) => m.reply_broadcast)!;
    expect(summary.text).toMatch(/finished: DONE/);
    expect(textOf(summary)).toContain('2 of 2 tasks');
    expect(textOf(summary)).toMatch(/MMS says the job is DOING, but all 2 tasks are done/);
    expect(summary.text).not.toMatch(/failed/);
  });
});

describe('ListMmsJobs without `total`, or with a clamped page size', () => {
  async function manyJobs(n: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await finishedJob(`bulk_${i}`, ['orders'])).jobId);
    return ids;
  }

  it('pages to the watched jobs when `total` is missing (no GetMmsJob per job)', async () => {
    const orig = w.mms.listJobs.bind(w.mms);
    w.mms.listJobs = async (...a: Parameters<MmsClient['listJobs']>) => {
      const p = await orig(...a);
      return { ...p, total: p.items.length, totalKnown: false };
    };
    const ids = await manyJobs(8);
    await inst.close();
    inst = w.open({ listPageSize: 5 });
    // The two oldest jobs: on page 2 (newest first). Stopped, so they stay watched.
    for (const id of ids.slice(0, 2)) {
      w.sim.model.jobs.get(id)!.stopped = true;
      await watchJob(id, `job ${id}`);
    }
    await inst.watcher.tick();
    const r = await cycle(w, inst.watcher, 0);
    expect(r.mmsCallsByAction['GetMmsJob'] ?? 0).toBe(0);
    expect(r.mmsCallsByAction['ListMmsJobs']).toBe(2);
  });

  it('pages on when the server clamps pageSize', async () => {
    const orig = w.mms.listJobs.bind(w.mms);
    w.mms.listJobs = async (sid, q = {}) => orig(sid, { ...q, pageSize: Math.min(q.pageSize ?? 100, 5) });
    const ids = await manyJobs(8);
    for (const id of ids.slice(0, 2)) {
      w.sim.model.jobs.get(id)!.stopped = true;
      await watchJob(id, `job ${id}`);
    }
    await inst.watcher.tick();
    const r = await cycle(w, inst.watcher, 0);
    expect(r.mmsCallsByAction['GetMmsJob'] ?? 0).toBe(0);
    expect(r.mmsCallsByAction['ListMmsJobs']).toBe(2);
  });
});

describe('outbox pruning', () => {
  async function endedWatch(name: string) {
    const { jobId } = await finishedJob(name, ['orders']);
    const cardTs = await watchJob(jobId, name);
    await inst.watcher.tick();
    await cycle(w, inst.watcher, 0);
    const watch = inst.services.watches.find('job', 'cn-hangzhou', w.sourceId, jobId, CHANNEL)!;
    expect(watch.active).toBe(false);
    expect(finished(cardTs).length).toBe(1);
    return watch;
  }

  it('deletes sent rows of watches ended more than 14 days ago, and only those', async () => {
    const old = await endedWatch('old_job');
    const oldRows = inst.watcher.outbox.forWatch(old.id).length;
    expect(oldRows).toBeGreaterThan(1);
    expect(inst.watcher.outbox.forWatch(old.id).every((r) => r.sentAt !== null)).toBe(true);

    // 13 days later: kept.
    w.clock.advance(13 * 86_400_000);
    await cycle(w, inst.watcher, 0);
    expect(inst.watcher.outbox.forWatch(old.id)).toHaveLength(oldRows);

    // An active watch and a recently ended one are left alone.
    const recent = await endedWatch('recent_job');
    const recentRows = inst.watcher.outbox.forWatch(recent.id).length;
    const { job: activeJob, jobId: activeId } = await finishedJob('active_job', ['orders']);
    activeJob.stopped = true;
    await watchJob(activeId, 'active_job');
    await cycle(w, inst.watcher, 0);
    const active = inst.services.watches.find('job', 'cn-hangzhou', w.sourceId, activeId, CHANNEL)!;
    expect(active.active).toBe(true);
    const activeRows = inst.watcher.outbox.forWatch(active.id).length;
    expect(activeRows).toBeGreaterThan(0);

    // Past 14 days for the old one: its sent rows go; the others stay.
    w.clock.advance(1.5 * 86_400_000);
    await cycle(w, inst.watcher, 0);
    expect(inst.watcher.outbox.forWatch(old.id)).toHaveLength(0);
    const recentWatchEnded = inst.services.watches.get(recent.id)!;
    expect(recentWatchEnded.active).toBe(false);
    expect(inst.watcher.outbox.forWatch(recent.id)).toHaveLength(recentRows);
    expect(inst.watcher.outbox.forWatch(active.id).length).toBeGreaterThanOrEqual(activeRows);
    expect(jobState(inst.services.watches.get(active.id)!.state).ended).toBeNull();
  });

  it('prunes at most once an hour', async () => {
    await inst.close();
    inst = w.open({ outboxRetentionDays: 0 });
    const a = await endedWatch('a_job');
    const rows = inst.watcher.outbox.forWatch(a.id).length;
    expect(rows).toBeGreaterThan(0);
    // The prune of the tick that ended it ran before; ticks within the hour do not prune again.
    for (let i = 0; i < 4; i++) await cycle(w, inst.watcher, 0);
    expect(inst.watcher.outbox.forWatch(a.id)).toHaveLength(rows);
    w.clock.advance(3_600_000);
    await cycle(w, inst.watcher, 0);
    expect(inst.watcher.outbox.forWatch(a.id)).toHaveLength(0);
    // The watch itself stays (its state keeps the event counters).
    expect(inst.services.watches.get(a.id)).not.toBeNull();
  });
});

describe('jobs started outside Slack, from an MMS that lists jobs oldest first', () => {
  it('are found past the first page of the job list', async () => {
    // MMS documents no order for ListMmsJobs: serve it oldest first, two to a page.
    const orig = w.mms.listJobs.bind(w.mms);
    w.mms.listJobs = async (sid: number, q: Parameters<MmsClient['listJobs']>[1] = {}) => {
      const all = await orig(sid, { ...q, pageNum: 1, pageSize: 1000 });
      const items = [...all.items].sort((a, b) => a.id - b.id);
      const size = q.pageSize ?? 20;
      const start = ((q.pageNum ?? 1) - 1) * size;
      return {
        items: items.slice(start, start + size),
        pageNum: q.pageNum ?? 1,
        pageSize: size,
        total: items.length,
      };
    };
    const inst = w.open({ notifyChannel: NOTIFY, listPageSize: 2 });
    for (const name of ['old_a', 'old_b', 'old_c']) await w.createJob(name, ['customers']);
    w.sim.step(2);
    const cardTs = await w.postCard();
    inst.watcher.register(
      w.target('async', await w.createJob('from_slack', ['orders']), 'from_slack', cardTs),
    );
    for (let i = 0; i < 3; i++) await cycle(w, inst.watcher);

    await w.createJob('console_late', ['payments']);
    for (let i = 0; i < 12 && !w.api.messages(NOTIFY).some((m) => /console_late/.test(m.text)); i++) {
      await cycle(w, inst.watcher);
    }
    const top = w.api.messages(NOTIFY).filter((m) => !m.thread_ts);
    expect(top.map((m) => m.text).join('\n')).toMatch(/console_late/);
    expect(top.some((m) => /old_[abc]|from_slack/.test(m.text))).toBe(false);
  });
});
