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
});
