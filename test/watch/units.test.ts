// The watcher's small parts: schedules, backoff, MMS pacing, the lease, the outbox, known jobs; and a retry
// from Slack (a new run on a new card).
import { join } from 'node:path';
import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { KnownJobStore } from '../../src/store/known-jobs.js';
import { LeaseStore } from '../../src/store/leases.js';
import { Outbox } from '../../src/store/outbox.js';
import { SourceBackoff } from '../../src/watch/backoff.js';
import { cronEvery } from '../../src/watch/cron.js';
import { Gate, mapLimit } from '../../src/watch/gate.js';
import { tempDir } from '../helpers/tmp.js';
import { buttons, CHANNEL, cycle, cycleUntil, keyOf, startWorld, textOf, type World } from './setup.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function db() {
  const t = tempDir();
  const d = openDb(join(t.dir, 'u.db'));
  cleanups.push(() => {
    d.close();
    t.cleanup();
  });
  return d;
}

describe('cronEvery', () => {
  it('turns intervals into node-cron schedules that tick evenly', () => {
    expect(cronEvery(10)).toEqual({ expression: '*/10 * * * * *', periodSeconds: 10 });
    expect(cronEvery(30).expression).toBe('*/30 * * * * *');
    expect(cronEvery(45)).toEqual({ expression: '*/30 * * * * *', periodSeconds: 30 });
    expect(cronEvery(7).periodSeconds).toBe(6);
    expect(cronEvery(60).expression).toBe('0 * * * * *');
    expect(cronEvery(300).expression).toBe('0 */5 * * * *');
    expect(cronEvery(7200).expression).toBe('0 0 * * * *');
    for (const s of [1, 10, 45, 60, 300, 7200]) expect(cron.validate(cronEvery(s).expression)).toBe(true);
  });
});

describe('SourceBackoff', () => {
  it('waits exponentially longer, capped, with jitter from the injected random', () => {
    const b = new SourceBackoff({ baseMs: 1000, maxMs: 8000, random: () => 1 });
    const k = SourceBackoff.key('cn-hangzhou', 1);
    expect(b.ready(k, 0)).toBe(true);
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 6; i++) {
      b.fail(k, now, 'throttled');
      const until = b.failing(k)!.until;
      waits.push(until - now);
      expect(b.ready(k, until - 1)).toBe(false);
      now = until;
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(b.failing(k)!.since).toBe(0);
    const half = new SourceBackoff({ baseMs: 1000, maxMs: 8000, random: () => 0 });
    half.fail(k, 0, 'server');
    expect(half.failing(k)!.until).toBe(500);
    expect(b.succeed(k)).toBe(true);
    expect(b.ready(k, now)).toBe(true);
  });
});

describe('Gate', () => {
  it('keeps at most `concurrency` calls in flight and counts them per action', async () => {
    const g = new Gate({ concurrency: 3, ratePerSecond: 1e6 });
    let inFlight = 0;
    let peak = 0;
    await mapLimit(
      Array.from({ length: 20 }, (_, i) => i),
      20,
      (i) =>
        g.run(i % 2 ? 'A' : 'B', async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise((r) => setTimeout(r, 2));
          inFlight--;
        }),
    );
    expect(peak).toBe(3);
    expect(Object.fromEntries(g.counts)).toEqual({ B: 10, A: 10 });
  });

  it('starts at most `ratePerSecond` calls per second', async () => {
    let t = 0;
    const slept: number[] = [];
    const g = new Gate({
      concurrency: 10,
      ratePerSecond: 5,
      clock: () => t,
      sleep: async (ms) => {
        slept.push(ms);
        t += ms;
      },
    });
    for (let i = 0; i < 15; i++) await g.run('X', async () => undefined);
    // 5 at once (the burst), then one every 200 ms.
    expect(t).toBe(2000);
    expect(slept.every((ms) => ms === 200)).toBe(true);
  });
});

describe('LeaseStore', () => {
  it('lets one holder at a time; renews; taken over after expiry; released on stop', () => {
    let now = 1000;
    const d = db();
    const l = new LeaseStore(d, () => now);
    expect(l.acquire('watcher', 'a', 100)).toBe(true);
    expect(l.acquire('watcher', 'b', 100)).toBe(false);
    now += 50;
    expect(l.acquire('watcher', 'a', 100)).toBe(true);
    now += 99;
    expect(l.acquire('watcher', 'b', 100)).toBe(false);
    now += 1;
    expect(l.acquire('watcher', 'b', 100)).toBe(true);
    expect(l.holds('watcher', 'a')).toBe(false);
    l.release('watcher', 'b');
    expect(l.acquire('watcher', 'a', 100)).toBe(true);
  });
});

describe('Outbox', () => {
  it('queues an event once, edits a card only when its content changes, and keeps its ts', () => {
    let now = 1;
    const d = db();
    const o = new Outbox(d, () => now);
    const msg = { text: 'hi', blocks: [] };
    expect(o.enqueue({ key: 'w1:x', watchId: 1, channel: 'C1', kind: 'thread', payload: msg })).toBe(true);
    expect(
      o.enqueue({
        key: 'w1:x',
        watchId: 1,
        channel: 'C1',
        kind: 'thread',
        payload: { text: 'again', blocks: [] },
      }),
    ).toBe(false);
    expect(o.setCard(1, 'C1', { text: 'v1', blocks: [] }, 'ts-1')).toBe(true);
    expect(o.setCard(1, 'C1', { text: 'v1', blocks: [] })).toBe(false);
    const card = o.card(1)!;
    expect(card.resultTs).toBe('ts-1');
    // Content changes while the old content is being sent: the row stays due.
    expect(o.claim(card.id, 1000)).toBe(true);
    expect(o.claim(card.id, 1000)).toBe(false);
    o.setCard(1, 'C1', { text: 'v2', blocks: [] });
    o.markSent(card, 'ts-1');
    expect(o.card(1)!.sentAt).toBeNull();
    now++;
    const fresh = o.card(1)!;
    expect(o.claim(fresh.id, 1000)).toBe(true);
    o.markSent(fresh, 'ts-1');
    expect(o.card(1)!.sentAt).not.toBeNull();
    expect(o.pending().map((r) => r.key)).toEqual(['w1:x']);
    // The card moves to a newer message while the old one is being edited: it stays due, for the new one.
    o.setCard(1, 'C1', { text: 'v3', blocks: [] });
    now++;
    const v3 = o.card(1)!;
    expect(o.claim(v3.id, 1000)).toBe(true);
    o.moveCard(1, 'ts-2');
    o.markSent(v3, 'ts-1');
    expect(o.card(1)).toMatchObject({ resultTs: 'ts-2', sentAt: null });
  });
});

describe('KnownJobStore', () => {
  it('records jobs per source and a baseline marker', () => {
    const k = new KnownJobStore(db(), () => 5);
    expect(k.baselined('r', 1)).toBe(false);
    k.add('r', 1, 10);
    k.markBaselined('r', 1);
    expect(k.baselined('r', 1)).toBe(true);
    expect(k.has('r', 1, 10)).toBe(true);
    expect(k.add('r', 1, 10)).toBe(false);
    expect(k.sources()).toEqual([{ region: 'r', sourceId: 1 }]);
  });
});

describe('retry from Slack', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('keeps one card for the job: the retry edits it and posts in its thread; the confirmation card links to it', async () => {
    w = await startWorld();
    const world = w;
    const inst = world.open();
    world.sim.failTask(
      { table: 'orders' },
      { phase: 'DATA', msg: 'java.net.ConnectException: Connection refused' },
    );
    const first = await world.postCard();
    const asyncId = await world.createJob('retry_me', ['orders']);
    inst.watcher.register(world.target('async', asyncId, 'retry_me', first));
    await cycleUntil(world, inst.watcher, () => inst.services.watches.active().length === 0);
    const job = inst.services.watches.recent(5).find((x) => x.kind === 'job')!;
    const failedCard = world.api.messages(CHANNEL).find((m) => m.ts === first)!;
    expect(failedCard.text).toMatch(/finished: FAILED/);
    expect(buttons(failedCard)).toContain(`retry ${world.sourceId} ${job.objectId}`);
    // Retry confirmed on a new card.
    const second = await world.postCard();
    await world.mms.retryJob(world.sourceId, job.objectId);
    inst.watcher.register({
      ...world.target('job', job.objectId, 'retry_me', second),
      done: `Retry started for job retry_me (#${job.objectId}).`,
    });
    await cycleUntil(world, inst.watcher, () => inst.services.watches.active().length === 0);
    await cycle(world, inst.watcher, 0);

    // The job's card now reads DONE, with no Retry button left from the failure.
    const card = world.api.messages(CHANNEL).find((m) => m.ts === first)!;
    expect(card.text).toMatch(/finished: DONE/);
    expect(buttons(card).some((b) => b.startsWith('retry '))).toBe(false);
    // The confirmation card says what was done and links to the job's card.
    const confirmation = world.api.messages(CHANNEL).find((m) => m.ts === second)!;
    expect(textOf(confirmation)).toContain(`Retry started for job retry_me (#${job.objectId}).`);
    expect(textOf(confirmation)).toContain(`/archives/${CHANNEL}/p${first.replace('.', '')}|its card>`);
    expect(world.api.replies(CHANNEL, second)).toHaveLength(0);
    const thread = world.api.replies(CHANNEL, first).map(keyOf);
    expect(thread.slice(-2)).toEqual([`w${job.id}:retried:1`, `w${job.id}:r2:finished`]);
    // One end-of-job message per run, each broadcast to the channel.
    const ends = world.api.replies(CHANNEL, first).filter((m) => /finished:/.test(m.text));
    expect(ends.map((m) => m.text.match(/finished: (\w+)/)?.[1])).toEqual(['FAILED', 'DONE']);
    expect(ends.every((m) => m.reply_broadcast)).toBe(true);
  });
});

describe('start and stop', () => {
  it('schedules with node-cron and stops cleanly', async () => {
    const w = await startWorld();
    cleanups.push(() => w.close());
    const inst = w.open();
    inst.watcher.start();
    inst.watcher.start();
    const tick = inst.watcher.tick();
    await inst.watcher.stop();
    // stop() waited for the running tick and gave up the lease.
    await expect(tick).resolves.toMatchObject({ skipped: null });
    expect(inst.watcher.leases.get('watcher')).toBeNull();
  });
});
