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

describe('the database fails while MMS runs the write', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('the outcome is still shown, and the card can never run the write again', async () => {
    const { card, id } = await requestCard(h, `stop ${HIVE} 3`);
    // MMS takes a second to answer the stop; the database turns read-only meanwhile.
    h.sim.injectErrors({ count: 1, status: 200, afterEffect: true, delayMs: 1000, actions: ['StopMmsJob'] });
    const click = h.slack.click('mms_confirm', id, { user: OPERATOR2, message: card });
    for (let i = 0; i < 500 && !h.sim.calls.some((c) => c.action === 'StopMmsJob'); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(h.sim.calls.some((c) => c.action === 'StopMmsJob')).toBe(true);
    h.bot.db.pragma('query_only = ON');
    expect((await click).status).toBe(200);
    expect(mmsWrites(h)).toEqual(['StopMmsJob']);
    const told = h.api.callsTo('chat.postEphemeral').map((c) => String(c.args['text']));
    expect(told.join('\n')).toMatch(
      /stop ended \(done\), but the bot's database is read-only.*cannot run it again/,
    );
    expect(textOf(h.api.messages(CHANNEL).find((m) => m.ts === card.ts)!)).toContain('Stop requested');
    expect(h.bot.services.confirmations.get(id)!.state).toBe('running');
    // Mended or not, another click runs nothing.
    h.bot.db.pragma('query_only = OFF');
    await h.slack.click('mms_confirm', id, { user: OPERATOR, message: card });
    expect(mmsWrites(h)).toEqual(['StopMmsJob']);
  });
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
      expect(c.outcome).toMatch(
        /Retry started for job .*answer to the retry was lost.*re-read: the job is now/,
      );
      expect(shown).toContain('Retry started');
      expect(shown).toMatch(/Retry failed migration job: done/);
      expect(h.bot.services.audit.latest(3).map((a) => a.action)).toContain('ran');
      // And it is watched, as a retry that answered at once would be.
      expect(h.bot.services.watches.active('job')).toHaveLength(1);
      figure(`lost answer (${name}): RetryMmsJob sent`, retries().length);
    });
  }

  it('a task retry whose answer is lost after MMS did it: reported as retried, sent once', async () => {
    const { card, id } = await requestCard(h, `retry-task ${HIVE} 7603`);
    h.sim.injectErrors({ count: 1, status: 503, afterEffect: true, reset: true, actions: ['RetryMmsTask'] });
    await h.slack.click('mms_confirm', id, { user: OPERATOR2, message: card });
    expect(h.sim.calls.filter((c) => c.action === 'RetryMmsTask')).toHaveLength(1);
    const c = h.bot.services.confirmations.get(id)!;
    expect(c.state).toBe('done');
    expect(c.outcome).toMatch(
      /is being retried.*answer to the retry-task was lost.*re-read: the task is now/,
    );
  });

  it('a 503 before doing it: re-read, reported as not done, not sent again', async () => {
    const { c } = await retryWith({ status: 503 });
    expect(retries()).toHaveLength(1);
    expect(c.state).toBe('failed');
    expect(c.outcome).toMatch(/did not happen: the job is now FAILED.*not sent again/);
  });
});

describe('MMS storms of 50 errors', () => {
  let h: Harness;
  beforeEach(async () => {
    // Backoff as in production (full jitter, doubling), scaled from 1 s to 20 ms; 4 tries per read.
    h = await startHarness({ mms: { retry: { tries: 4, baseMs: 20, maxMs: 200 } } });
  });
  afterEach(async () => {
    await h.close();
  });

  const READS = [`jobs ${HIVE}`, 'sources', `job ${HIVE} 3`, `tasks ${HIVE} --job 3`, `source ${HIVE}`];

  for (const [name, fault] of [
    ['5xx', { status: 503, code: 'ServiceUnavailable' }],
    ['throttling', { status: 429, code: 'Throttling.User' }],
  ] as const) {
    it(`${name}: every command answered, reads backed off, a write never sent twice`, async () => {
      const { card, id } = await requestCard(h, `stop ${HIVE} 3`);
      h.sim.resetCalls();
      h.sim.injectErrors({ count: 50, ...fault });
      const failed = () => h.sim.calls.filter((c) => c.status >= 400).length;
      let commands = 0;
      let answered = 0;
      let saidWhy = 0;
      while (failed() < 50 && commands < 100) {
        const r = await h.slack.command(READS[commands % READS.length]!, { user: OPERATOR });
        commands++;
        if (r.status === 200 && textOf(r.body).length > 20) answered++;
        if (
          /throttling requests|internal error|temporarily|went wrong|Could not reach MMS/i.test(
            textOf(r.body),
          )
        )
          saidWhy++;
        // The write, confirmed in the middle of the storm.
        if (commands === 5) await h.slack.click('mms_confirm', id, { user: OPERATOR2, message: card });
      }
      expect(failed()).toBe(50);
      expect(answered).toBe(commands);
      expect(saidWhy).toBeGreaterThan(0);
      // Reads: each call that failed was tried again only after a wait (at least half the base delay).
      // (A call is tried at most 4 times: a 5th call of the same read is the next command's own.)
      const gaps: number[] = [];
      let tries = 1;
      for (let i = 1; i < h.sim.calls.length; i++) {
        const [prev, cur] = [h.sim.calls[i - 1]!, h.sim.calls[i]!];
        const again =
          prev.status >= 400 && prev.method === 'GET' && cur.action === prev.action && cur.path === prev.path;
        tries = again && tries < 4 ? tries + 1 : 1;
        if (tries > 1) gaps.push(cur.at - prev.at);
      }
      expect(gaps.length).toBeGreaterThan(10);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(9);
      // The write: never sent more than once, whatever the storm did to it.
      const stops = h.sim.calls.filter((c) => c.action === 'StopMmsJob');
      expect(stops.length).toBeLessThanOrEqual(1);
      const c = h.bot.services.confirmations.get(id)!;
      expect(['done', 'failed']).toContain(c.state);
      if (c.state === 'failed') expect(c.outcome).toMatch(/nothing ran|did not happen|not sent again/);
      // After the storm, MMS answers again and so does the bot.
      expect(textOf((await h.slack.command(`jobs ${HIVE}`, { user: OPERATOR })).body)).toContain(
        'sales_orders_2025',
      );
      figure(`MMS ${name} storm of 50`, {
        commands,
        answered,
        answersNamingTheFault: saidWhy,
        mmsCalls: h.sim.calls.length,
        retriesAfterAFailedRead: gaps.length,
        shortestBackoffMs: Math.min(...gaps),
        stopMmsJobSent: stops.length,
        confirmation: c.state,
      });
    });
  }
});

describe('a Slack 429 storm', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const METHODS = ['chat.postMessage', 'chat.update', 'chat.postEphemeral'];

  it('cards reach their requesters, a confirmed write runs once, and its job card is posted after', async () => {
    for (const m of METHODS) h.api.rateLimit(m, 50, 1);
    const cards: string[] = [];
    for (const text of [`stop ${HIVE} 3`, `retry ${HIVE} 2`, `scan ${HIVE}`]) {
      const r = await h.slack.command(text, { user: OPERATOR });
      expect(r.status).toBe(200);
      const id = /"action_id":"mms_confirm","value":"([^"]+)"/.exec(JSON.stringify(r.body))?.[1];
      expect(id, `${text}: the requester sees the card`).toBeTruthy();
      cards.push(id!);
    }
    // Confirmed during the storm, from the card only the requester sees (through its response URL).
    const click = await h.slack.click('mms_confirm', cards[0]!, { user: OPERATOR2 });
    expect(click.status).toBe(200);
    expect(h.sim.calls.filter((c) => c.action === 'StopMmsJob' && c.status < 400)).toHaveLength(1);
    expect(h.bot.services.confirmations.get(cards[0]!)!.state).toBe('done');
    const replaced = h.api.responses.filter((x) => x.path === new URL(click.responseUrl!).pathname);
    expect(JSON.stringify(replaced.at(-1)?.body)).toContain('Stop requested');
    const limited = h.api.calls.filter((c) => c.status === 429).length;
    // The storm ends; the watcher's next cycle posts the stopped job's card in the channel.
    for (const m of METHODS) h.api.rateLimit(m, 0, 0);
    await h.bot.watcher.tick();
    const posted = h.api.messages(CHANNEL).filter((m) => /sales_orders_2025/.test(textOf(m)));
    expect(posted.filter((m) => !m.thread_ts)).toHaveLength(1);
    expect(cards.slice(1).map((id) => h.bot.services.confirmations.get(id)!.state)).toEqual([
      'pending',
      'pending',
    ]);
    figure('Slack 429 storm', {
      callsRateLimited: limited,
      cardsShownToRequesters: `${cards.length}/3`,
      writesRun: 1,
      jobCardsPostedAfter: posted.filter((m) => !m.thread_ts).length,
    });
  });
});
