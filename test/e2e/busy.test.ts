// A burst beyond the bounds of the work after acks: what is shed runs nothing and says so at once.
import { describe, expect, it } from 'vitest';
import { BUSY_TEXT } from '../../src/slack/listeners/command.js';
import { startHarness } from '../helpers/bot.js';
import { HIVE, textOf } from './support.js';

describe('more requests than the bot works on at once', () => {
  it('a shed command is answered "busy" in its ack and a shed run button by an ephemeral; neither calls MMS', async () => {
    const h = await startHarness({ ackBudgetMs: 0, work: { concurrency: 1, maxWaiting: 0 } });
    try {
      h.sim.setLatency(300);
      // The one slot: a read that waits on a slow MMS.
      const first = h.slack.command(`jobs ${HIVE}`);
      await expect.poll(() => h.sim.calls.length).toBeGreaterThan(0);
      const callsBefore = h.sim.calls.length;

      const shed = await h.slack.command(`sources`);
      expect(shed.status).toBe(200);
      expect(textOf(shed.body)).toBe(BUSY_TEXT);

      const click = await h.slack.click('mms_run', `jobs ${HIVE}`, { user: 'U0OPS00002' });
      expect(click.status).toBe(200);
      const told = await h.api.waitForCall('chat.postEphemeral', (c) => c.args['user'] === 'U0OPS00002');
      expect(told.args['text']).toBe(BUSY_TEXT);
      expect(h.sim.calls.length).toBe(callsBefore);

      // The slot's own read still gets its answer, and once it is done the next command runs.
      const r = await first;
      expect(r.status).toBe(200);
      const answer = await h.api.waitForResponse((x) => x.path === new URL(r.responseUrl!).pathname);
      expect(textOf(answer.body)).toContain('Jobs of hive-prod');
      h.sim.setLatency(0);
      const after = await h.slack.command('sources');
      expect(textOf(after.body)).not.toBe(BUSY_TEXT);
    } finally {
      await h.close();
    }
  });

  it('as production runs, a flood is acked at once: reads start at most 25 a second, the rest is refused "busy", and every read taken is answered', async () => {
    const h = await startHarness({ ackFirst: true });
    try {
      h.sim.resetCalls();
      const flood = await Promise.all(Array.from({ length: 150 }, () => h.slack.command(`jobs ${HIVE}`)));
      expect(flood.map((r) => r.status)).toEqual(flood.map(() => 200));
      const busy = flood.filter((r) => textOf(r.body) === BUSY_TEXT);
      const taken = flood.filter((r) => textOf(r.body) !== BUSY_TEXT);
      // The bot holds 8 running and 64 waiting (more are taken as the first finish); the rest is refused.
      expect(busy.length).toBeGreaterThan(0);
      expect(taken.length).toBeGreaterThan(50);
      for (const r of taken) expect(r.body).toBe(''); // acked before any of its work
      for (const r of taken) {
        const path = new URL(r.responseUrl!).pathname;
        const answer = await h.api.waitForResponse((x) => x.path === path, 15_000);
        expect(textOf(answer.body)).toContain('Jobs of hive-prod');
      }
      const reads = h.sim.calls.filter((c) => c.action === 'ListMmsJobs');
      expect(reads.length).toBe(taken.length);
      // Three start at once, then 25 a second: the last can start no sooner than this.
      const span = reads.at(-1)!.at - reads[0]!.at;
      expect(span).toBeGreaterThanOrEqual(((taken.length - 3) / 25) * 1000 - 50);
    } finally {
      await h.close();
    }
  }, 30_000);
});
