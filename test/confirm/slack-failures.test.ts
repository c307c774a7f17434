// A confirmation whose MMS write ran while Slack would not take the card's edit: the outcome is recorded,
// still reaches the channel, and what follows the write (the watch) still happens.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, OPERATOR, startHarness, textOf } from '../helpers/bot.js';
import { CHANNEL } from '../helpers/slack-requests.js';

describe('confirm when the card cannot be edited', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('chat.update fails and the response_url is unreachable: the outcome is posted, the watch starts', async () => {
    const r = await h.slack.command('scan hive-prod', { user: OPERATOR, channel: CHANNEL });
    expect(r.status).toBe(200);
    const card = h.api.messages(CHANNEL).at(-1)!;
    const id = /"action_id":"mms_confirm","value":"([^"]+)"/.exec(JSON.stringify(card.blocks))?.[1];
    expect(id).toBeTruthy();
    const posts = h.api.callsTo('chat.postMessage').length;
    h.api.failNext('chat.update', 'message_not_found');
    const click = await h.slack.click('mms_confirm', id!, {
      user: OPERATOR,
      message: card,
      channel: CHANNEL,
      // A response URL nobody answers (port 9 on loopback: connection refused).
      responseUrl: 'http://127.0.0.1:9/hooks/gone',
    });
    expect(click.status).toBe(200);
    expect(
      h.sim.calls.filter((c) => c.action === 'CreateMmsFetchMetadataJob' && c.status < 400),
    ).toHaveLength(1);
    // The outcome is on record and visible in the channel.
    const audit = h.bot.services.audit.latest(10).map((a) => `${a.action} ${a.operation}`);
    expect(audit).toContain('ran scan');
    const later = h.api.callsTo('chat.postMessage').slice(posts);
    expect(later.map((c) => textOf(c.args)).join('\n')).toMatch(
      /The scan of hive-prod started \(scan #\d+\)/,
    );
    // The write's follow-up still happened: the scan is watched.
    expect(h.bot.services.watches.active('scan')).toHaveLength(1);
  });
});

describe('the migrate form when Slack will not open it', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('an expired trigger_id is explained, with the typed command to use instead', async () => {
    h.api.failNext('views.open', 'expired_trigger_id');
    const r = await h.slack.command('migrate hive-prod', { user: OPERATOR, channel: CHANNEL });
    expect(r.status).toBe(200);
    const answer = textOf(r.body);
    expect(answer).toContain('expired_trigger_id');
    expect(answer).toContain('migrate hive-prod');
    expect(answer).not.toMatch(/went wrong inside/);
  });
});
