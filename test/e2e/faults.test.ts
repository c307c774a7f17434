// Faults around a write: the bot's database made read-only or full (a clear error, and never a
// confirmation half-done), MMS answering 5xx/throttling in storms, a write whose answer is lost after MMS
// did it, and Slack rate-limiting every call for a while. Each figure the suite reports is printed.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorInjection } from '../../src/sim/faults.js';
import { type Harness, OPERATOR, OPERATOR2, startHarness } from '../helpers/bot.js';
import { CHANNEL } from '../helpers/slack-requests.js';
import { HIVE, mmsWrites, requestCard, textOf } from './support.js';

function figure(name: string, value: unknown): void {
  console.log(`[figure] ${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

describe('the database made read-only or full', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const rows = () => h.bot.db.prepare("select id, state from confirmations where operation != 'x'").all();
  const auditRows = () =>
    (h.bot.db.prepare("select count(*) as n from audit where action != 'x'").get() as { n: number }).n;

  /**
   * Fills the file up to a page limit, every table's pages included: SQLite then answers SQLITE_FULL to
   * any row that needs room, as on a full disk.
   */
  function fillUp(): void {
    const db = h.bot.db;
    db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 4}`);
    const fill = (sql: string) => {
      const insert = db.prepare(sql);
      expect(() => {
        for (let i = 0; i < 100_000; i++) insert.run(`f${i}`);
      }).toThrow(/full/);
    };
    fill(`insert into audit (at, user_id, action, operation) values (0, ?, 'x', 'x')`);
    fill(`insert into confirmations (id, operation, region, params, view, channel_id, requested_by, state,
            created_at, expires_at, updated_at) values (?, 'x', 'x', '', '', 'x', 'x', 'expired', 0, 0, 0)`);
  }

  for (const [name, breakIt, words] of [
    [
      'read-only',
      () => h.bot.db.pragma('query_only = ON'),
      /database is read-only, so nothing was stored and nothing ran/,
    ],
    ['full', fillUp, /database is full .*nothing was stored and nothing ran/],
  ] as const) {
    it(`${name}: a write request says so plainly and stores nothing; no card is posted`, async () => {
      const before = rows();
      const posts = h.api.callsTo('chat.postMessage').length;
      breakIt();
      const r = await h.slack.command(`stop ${HIVE} 3`, { user: OPERATOR });
      expect(r.status).toBe(200);
      expect(textOf(r.body)).toMatch(words);
      expect(textOf(r.body)).not.toMatch(/went wrong inside/);
      expect(h.api.callsTo('chat.postMessage')).toHaveLength(posts);
      expect(rows()).toEqual(before);
      // Reads still work.
      expect(textOf((await h.slack.command(`jobs ${HIVE}`)).body)).toContain('sales_orders_2025');
    });

    it(`${name}: a Confirm says so to the clicker, runs nothing, and leaves the card pending`, async () => {
      const { card, id } = await requestCard(h, `stop ${HIVE} 3`);
      const audits = auditRows();
      breakIt();
      await h.slack.click('mms_confirm', id, { user: OPERATOR2, message: card });
      const told = String(h.api.callsTo('chat.postEphemeral').at(-1)?.args['text']);
      expect(told).toMatch(words);
      expect(mmsWrites(h)).toEqual([]);
      expect(h.bot.services.confirmations.get(id)!.state).toBe('pending');
      expect(auditRows()).toBe(audits);
      expect(h.api.messages(CHANNEL).find((m) => m.ts === card.ts)!.updates).toBe(0);
      // Mended, the same card runs, once.
      h.bot.db.pragma('query_only = OFF');
      h.bot.db.exec("delete from audit where action = 'x'; delete from confirmations where operation = 'x'");
      h.bot.db.pragma('max_page_count = 1073741823');
      await h.slack.click('mms_confirm', id, { user: OPERATOR2, message: card });
      expect(mmsWrites(h)).toEqual(['StopMmsJob']);
      expect(h.bot.services.confirmations.get(id)!.state).toBe('done');
    });
  }
});

describe('a write whose answer is lost after MMS did it', () => {
  let h: Harness;
  beforeEach(async () => {
    // 90 s is far past the bot's MMS timeout; here the timeout is 300 ms, and the late answer 90 s.
    h = await startHarness({ mms: { timeoutMs: 300 } });
  });
  afterEach(async () => {
    await h.close();
  });

  const retries = () => h.sim.calls.filter((c) => c.action === 'RetryMmsJob');

  async function retryWith(fault: Omit<ErrorInjection, 'count'>) {
    const { card, id } = await requestCard(h, `retry ${HIVE} 2`);
    h.sim.injectErrors({ ...fault, count: 1, actions: ['RetryMmsJob'] });
    await h.slack.click('mms_confirm', id, { user: OPERATOR2, message: card });
    const c = h.bot.services.confirmations.get(id)!;
    const shown = textOf(h.api.messages(CHANNEL).find((m) => m.ts === card.ts)!);
    return { c, shown };
  }

  for (const [name, fault] of [
    ['a 503 after doing it', { status: 503, afterEffect: true }],
    ['a connection reset after doing it', { status: 503, afterEffect: true, reset: true }],
    ['the answer after 90 s', { status: 200, afterEffect: true, delayMs: 90_000 }],
  ] as Array<[string, Omit<ErrorInjection, 'count'>]>) {
    it(`${name}: re-read, reported as started, sent once`, async () => {
      const { c, shown } = await retryWith(fault);
      expect(retries()).toHaveLength(1);
      expect(c.state).toBe('done');
      expect(c.outcome).toMatch(/Retry started for job .*answer to the retry was lost.*re-read: it is now/);
      expect(shown).toContain('Retry started');
      expect(shown).toMatch(/Retry failed migration job: done/);
      expect(h.bot.services.audit.latest(3).map((a) => a.action)).toContain('ran');
      // And it is watched, as a retry that answered at once would be.
      expect(h.bot.services.watches.active('job')).toHaveLength(1);
      figure(`lost answer (${name}): RetryMmsJob sent`, retries().length);
    });
  }

  it('a 503 before doing it: re-read, reported as not done, not sent again', async () => {
    const { c } = await retryWith({ status: 503 });
    expect(retries()).toHaveLength(1);
    expect(c.state).toBe('failed');
    expect(c.outcome).toMatch(/did not happen: it is now FAILED.*not sent again/);
  });
});
