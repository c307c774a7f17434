// The queue that bounds the work after acks: never more running than its slots, first come first served,
// and `full` once the waiting list is full too.
import { describe, expect, it } from 'vitest';
import { AckGauge, WorkQueue } from '../../src/slack/work-queue.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('WorkQueue', () => {
  it('runs at most `concurrency` jobs at once, the rest in arrival order, and says when it is full', async () => {
    const q = new WorkQueue(2, 2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const done = gates.map((g, i) =>
      q.run(async () => {
        started.push(i);
        peak = Math.max(peak, ++running);
        await g.opened;
        running--;
        return i;
      }),
    );
    expect(started).toEqual([0, 1]);
    expect(q.full).toBe(true);
    gates[1]!.open();
    await done[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    expect(q.full).toBe(false);
    for (const g of gates) g.open();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
  });

  it('a failing job frees its slot', async () => {
    const q = new WorkQueue(1, 1);
    await expect(q.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await q.run(async () => 'next')).toBe('next');
  });

  it('work waits while requests wait for their acks, and starts when the last ack is sent', async () => {
    const acks = new AckGauge();
    const q = new WorkQueue(2, 2, { acks, maxDeferMs: 60_000 });
    const leave = acks.enter();
    const started: string[] = [];
    const job = q.run(async () => started.push('job'));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([]);
    leave();
    leave(); // twice is once
    expect(acks.pending).toBe(0);
    await job;
    expect(started).toEqual(['job']);
  });

  it('work that runs before its own ack does not yield to acks', async () => {
    const acks = new AckGauge();
    const q = new WorkQueue(2, 2, { acks, maxDeferMs: 60_000 });
    acks.enter();
    const started: string[] = [];
    void q.run(async () => started.push('urgent'), { yieldToAcks: false });
    expect(started).toEqual(['urgent']);
  });

  it('under a steady stream of requests a job waits at most maxDeferMs', async () => {
    let now = 0;
    const acks = new AckGauge();
    const q = new WorkQueue(1, 4, { acks, maxDeferMs: 20, now: () => now });
    acks.enter(); // never answered: the stream never pauses
    const started: number[] = [];
    const jobs = [0, 1].map((i) => q.run(async () => void started.push(i)));
    now = 19;
    await new Promise((r) => setTimeout(r, 40));
    expect(started).toEqual([]);
    now = 20;
    await jobs[0];
    expect(started[0]).toBe(0);
    // The second arrived at the same time: it has waited long enough too, and starts when the slot frees.
    await jobs[1];
    expect(started).toEqual([0, 1]);
  });

  it('with nothing to wait for a job starts synchronously, and full counts what runs and waits', () => {
    const acks = new AckGauge();
    const q = new WorkQueue(1, 1, { acks });
    const started: number[] = [];
    void q.run(() => new Promise(() => started.push(0)));
    expect(started).toEqual([0]);
    expect(q.full).toBe(false);
    void q.run(() => new Promise(() => started.push(1)));
    expect(q.full).toBe(true);
  });

  it('starts at most `perSecond` jobs a second after a burst of `burst`', async () => {
    let now = 0;
    const q = new WorkQueue(10, 10, { perSecond: 10, burst: 2, now: () => now });
    const started: number[] = [];
    const jobs = [0, 1, 2, 3].map((i) => q.run(async () => void started.push(i)));
    expect(started).toEqual([0, 1]);
    now = 99; // 0.99 of a start earned: not yet
    await new Promise((r) => setTimeout(r, 120));
    expect(started).toEqual([0, 1]);
    now = 200; // two starts earned
    await Promise.all(jobs);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('under a flood of requests, starts slow to the flood rate, and speed up again when it passes', async () => {
    let now = 10_000;
    const acks = new AckGauge(() => now);
    const q = new WorkQueue(10, 100, {
      acks,
      maxDeferMs: 0,
      perSecond: 100,
      burst: 1,
      flood: { arrivals: 50, perSecond: 2 },
      now: () => now,
    });
    const started: number[] = [];
    const run = (i: number) => q.run(async () => void started.push(i));
    void run(0); // the burst
    for (let i = 0; i < 60; i++) acks.arrived(); // 60 signed requests arrive within the second
    expect(acks.perSecond).toBe(60);
    const flooded = [1, 2].map(run);
    now += 100; // at 100 a second ten starts would be due; at the flood rate not one
    await new Promise((r) => setTimeout(r, 120));
    expect(started).toEqual([0]);
    now += 400; // half a second at 2 a second: one start
    await flooded[0];
    expect(started).toEqual([0, 1]);
    now = 12_500; // no request for over a second: the flood is over
    expect(acks.perSecond).toBe(0);
    const after = run(3);
    await flooded[1]; // on the token the quiet seconds earned; 3 needs another
    expect(started).toEqual([0, 1, 2]);
    now += 20; // at 100 a second that earns one; at the flood rate it would take half a second
    await after;
    expect(started).toEqual([0, 1, 2, 3]);
  });
});
