// The queue that bounds the work after acks: never more running than its slots, first come first served,
// and `full` once the waiting list is full too.
import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../src/slack/work-queue.js';

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
});
