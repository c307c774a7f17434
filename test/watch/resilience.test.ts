// When things go wrong: MMS throttles, Slack answers 429, two bots share one database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL, cycle, cycleUntil, type Instance, keyOf, startWorld, textOf, type World } from './setup.js';

let w: World;

beforeEach(async () => {
  w = await startWorld();
});
afterEach(async () => {
  await w.close();
});

async function watchJob(inst: Instance, name: string, tables: string[]) {
  const cardTs = await w.postCard();
  const asyncId = await w.createJob(name, tables);
  inst.watcher.register(w.target('async', asyncId, name, cardTs));
  return cardTs;
}

describe('MMS throttling storm', () => {
  it('backs off, shows the unreachable line once, and removes it on recovery', async () => {
    const inst = w.open();
    const cardTs = await watchJob(inst, 'storm', ['orders', 'customers', 'payments', 'shipments']);
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active('job').length === 1);
    await cycle(w, inst.watcher, 0);
    const card = () => w.api.messages(CHANNEL).find((m) => m.ts === cardTs)!;
    const updatesBefore = card().updates;

    w.sim.resetCalls();
    w.sim.injectErrors({
      count: 20,
      status: 503,
      code: 'Throttling',
      message: 'Request was denied due to flow control.',
    });
    let ticks = 0;
    const seen: number[] = [];
    let home = '';
    while (w.sim.calls.filter((c) => c.status === 503).length < 20 && ticks < 200) {
      await cycle(w, inst.watcher, 0);
      ticks++;
      if (
        /MMS unreachable since <!date\^\d+\^[^|>]+\|[^>]+ UTC> \(throttled\); retrying/.test(textOf(card()))
      ) {
        seen.push(ticks);
        // App Home says it the same way: a Slack date, not a clock time as text.
        if (seen.length === 1) home = JSON.stringify(await inst.watcher.homeView('U0HOME0001'));
      }
    }
    expect(home).toMatch(/MMS unreachable since <!date\^\d+\^[^|>]+\|[^>]+ UTC> \(throttled\); retrying/);
    // Every logical call tries twice (the client's own retry); the watcher backs off between cycles.
    const calls = w.sim.calls.length;
    expect(calls).toBeLessThan(ticks);
    expect(seen.length).toBeGreaterThan(0);
    // The line went on the card with one edit, not one per cycle.
    expect(card().updates - updatesBefore).toBe(1);
    // Recovery: the next successful cycle removes it.
    for (let i = 0; i < 30 && /unreachable/.test(textOf(card())); i++) await cycle(w, inst.watcher, 0);
    expect(textOf(card())).not.toMatch(/unreachable/);
    expect(card().updates - updatesBefore).toBe(2);
    // And the job goes on to the end.
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    expect(w.api.replies(CHANNEL, cardTs).filter((m) => m.reply_broadcast)).toHaveLength(1);
    console.log(`throttling storm: ${ticks} ticks, ${calls} MMS HTTP calls while backing off`);
  });
});

describe('Slack 429', () => {
  it('delivers every message later, none lost, none twice', async () => {
    const inst = w.open();
    const cardTs = await watchJob(inst, 'limited', ['orders', 'customers']);
    w.api.rateLimit('chat.postMessage', 6, 20);
    const r = await cycle(w, inst.watcher, 2);
    expect(r.failed).toBeGreaterThan(0);
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    for (let i = 0; i < 6 && inst.watcher.outbox.pendingCount() > 0; i++) await cycle(w, inst.watcher, 0);
    expect(inst.watcher.outbox.pendingCount()).toBe(0);
    expect(w.api.callsTo('chat.postMessage').filter((c) => c.status === 429).length).toBe(6);
    const thread = w.api.replies(CHANNEL, cardTs);
    const keys = thread.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    expect(thread[0]?.text).toMatch(/created and started/);
    expect(thread.filter((m) => /finished: DONE/.test(m.text))).toHaveLength(1);
    expect(thread.filter((m) => m.reply_broadcast)).toHaveLength(1);
  });
});

describe('two watchers on one database', () => {
  it('only the lease holder ticks; nothing is sent twice, and a stale holder is taken over', async () => {
    const a = w.open({ holder: 'bot-a' });
    const b = w.open({ holder: 'bot-b' });
    const cardTs = await watchJob(a, 'shared', ['orders', 'customers', 'payments']);
    const skipped = { a: 0, b: 0 };
    for (let i = 0; i < 6; i++) {
      w.sim.step();
      w.clock.advance(15_000);
      if ((await a.watcher.tick()).skipped) skipped.a++;
      w.clock.advance(15_000);
      if ((await b.watcher.tick()).skipped) skipped.b++;
    }
    expect(skipped).toEqual({ a: 0, b: 6 });
    // a goes quiet (a crash): b takes over once the lease has expired.
    w.clock.advance(91_000);
    await cycleUntil(w, b.watcher, () => b.services.watches.active().length === 0);
    expect((await a.watcher.tick()).skipped).toBe('lease');
    const thread = w.api.replies(CHANNEL, cardTs);
    const keys = thread.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    expect(thread.filter((m) => m.reply_broadcast)).toHaveLength(1);
    expect(w.api.messages(CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
  });

  it('a tick that finds one running is skipped', async () => {
    const a = w.open();
    await watchJob(a, 'overlap', ['orders']);
    const [r1, r2] = await Promise.all([a.watcher.tick(), a.watcher.tick()]);
    expect(r1.skipped).toBeNull();
    expect(r2.skipped).toBe('overlap');
  });
});
