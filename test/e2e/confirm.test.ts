// The confirmation rules, end to end: signed requests to the real Bolt app, the simulator behind it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, OPERATOR, OPERATOR2, startHarness, textOf, VIEWER } from '../helpers/bot.js';
import { CHANNEL } from '../helpers/slack-requests.js';

const HIVE = 'hive-prod';

/** Posts a write command and returns the card the bot posted and the confirmation id on it. */
async function requestCard(h: Harness, text: string, user = OPERATOR, channel = CHANNEL) {
  const before = h.api.callsTo('chat.postMessage').length;
  const r = await h.slack.command(text, { user, channel });
  expect(r.status).toBe(200);
  const posts = h.api.callsTo('chat.postMessage');
  expect(posts.length, `no card posted; ack was ${textOf(r.body)}`).toBe(before + 1);
  const card = h.api.messages(channel).at(-1)!;
  const id = /"action_id":"mms_confirm","value":"([^"]+)"/.exec(JSON.stringify(card.blocks))?.[1];
  expect(id, 'card has a Confirm button').toBeTruthy();
  return { card, id: id! };
}

function writeCalls(h: Harness, action: string) {
  return h.sim.calls.filter((c) => c.action === action && c.status < 400);
}

describe('confirmation cards', () => {
  let h: Harness;
  let clock = Date.now();
  beforeEach(async () => {
    clock = Date.now();
    h = await startHarness({ now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });

  it('shows every parameter and runs only when an operator confirms', async () => {
    const { card, id } = await requestCard(
      h,
      `migrate ${HIVE} sales --tables orders,order_items --name sales_q1`,
    );
    const text = textOf(card.blocks);
    for (const s of [
      'cn-hangzhou',
      'hive-prod',
      'sales',
      'orders',
      'order_items',
      'sales_q1',
      'mc_sales',
      'Stop writes',
    ]) {
      expect(text).toContain(s);
    }
    expect(writeCalls(h, 'CreateMmsJob')).toHaveLength(0);
    await h.slack.click('mms_confirm', id, { user: OPERATOR2, message: card });
    expect(writeCalls(h, 'CreateMmsJob')).toHaveLength(1);
    const updated = h.api.messages(CHANNEL).find((m) => m.ts === card.ts)!;
    expect(updated.updates).toBeGreaterThan(0);
    expect(textOf(updated.blocks)).not.toContain('mms_confirm');
    expect(textOf(updated.blocks)).toContain(OPERATOR2);
    // The card will become the job's card: its confirmed form stays on record in the thread.
    const record = h.api.replies(CHANNEL, card.ts);
    expect(record).toHaveLength(1);
    expect(textOf(record[0]!.blocks)).toContain('sales_q1');
    expect(textOf(record[0]!.blocks)).toContain(OPERATOR2);
  });

  it('a non-operator can ask but cannot confirm', async () => {
    const { card, id } = await requestCard(h, `stop ${HIVE} 3`, VIEWER);
    await h.slack.click('mms_confirm', id, { user: VIEWER, message: card });
    expect(writeCalls(h, 'StopMmsJob')).toHaveLength(0);
    const eph = h.api.callsTo('chat.postEphemeral').at(-1)!;
    expect(eph.args['user']).toBe(VIEWER);
    expect(String(eph.args['text'])).toMatch(/Only operators/);
    await h.slack.click('mms_confirm', id, { user: OPERATOR, message: card });
    expect(writeCalls(h, 'StopMmsJob')).toHaveLength(1);
  });

  it('a double click runs the write once', async () => {
    const { card, id } = await requestCard(h, `stop ${HIVE} 3`);
    await h.slack.click('mms_confirm', id, { user: OPERATOR, message: card });
    await h.slack.click('mms_confirm', id, { user: OPERATOR, message: card });
    expect(writeCalls(h, 'StopMmsJob')).toHaveLength(1);
    // The second click is told, in plain words, that it already ran.
    const told = String(h.api.callsTo('chat.postEphemeral').at(-1)!.args['text']);
    expect(told).toMatch(
      /^This request already ran: <@U0OPS00001> confirmed it\. Nothing more was started\.$/,
    );
  });

  it('two operators clicking at once run it once', async () => {
    const { card, id } = await requestCard(h, `stop ${HIVE} 3`);
    await Promise.all([
      h.slack.click('mms_confirm', id, { user: OPERATOR, message: card }),
      h.slack.click('mms_confirm', id, { user: OPERATOR2, message: card }),
      h.slack.click('mms_confirm', id, { user: OPERATOR, message: card }),
    ]);
    expect(writeCalls(h, 'StopMmsJob')).toHaveLength(1);
  });

  it('delete needs a second operator', async () => {
    const { card, id } = await requestCard(h, `delete ${HIVE} 1`, OPERATOR);
    await h.slack.click('mms_confirm', id, { user: OPERATOR, message: card });
    expect(writeCalls(h, 'DeleteMmsJob')).toHaveLength(0);
    expect(String(h.api.callsTo('chat.postEphemeral').at(-1)!.args['text'])).toMatch(/second operator/);
    await h.slack.click('mms_confirm', id, { user: OPERATOR2, message: card });
    expect(writeCalls(h, 'DeleteMmsJob')).toHaveLength(1);
  });

  it('expires after CONFIRM_TTL_SECONDS', async () => {
    const { card, id } = await requestCard(h, `stop ${HIVE} 3`);
    clock += 601_000;
    await h.slack.click('mms_confirm', id, { user: OPERATOR, message: card });
    expect(writeCalls(h, 'StopMmsJob')).toHaveLength(0);
    expect(textOf(h.api.messages(CHANNEL).find((m) => m.ts === card.ts)!.blocks)).toMatch(/[Ee]xpired/);
  });

  it('cancel leaves nothing to run', async () => {
    const { card, id } = await requestCard(h, `stop ${HIVE} 3`);
    const told = h.api.callsTo('chat.postEphemeral').length;
    await h.slack.click('mms_cancel', id, { user: OPERATOR, message: card });
    // Said once, on the card: no second word to the one who cancelled.
    expect(h.api.callsTo('chat.postEphemeral')).toHaveLength(told);
    await h.slack.click('mms_confirm', id, { user: OPERATOR2, message: card });
    expect(writeCalls(h, 'StopMmsJob')).toHaveLength(0);
    expect(String(h.api.callsTo('chat.postEphemeral').at(-1)!.args['text'])).toMatch(
      /^This request was cancelled by <@U0OPS00001>\. Run the command again for a new card\.$/,
    );
    expect(textOf(h.api.messages(CHANNEL).find((m) => m.ts === card.ts)!.blocks)).toMatch(/[Cc]ancel/);
  });

  it('one pending write per job: a second request points to the first card', async () => {
    await requestCard(h, `stop ${HIVE} 3`);
    const r = await h.slack.command(`stop ${HIVE} 3`, { user: OPERATOR2 });
    expect(textOf(r.body)).toMatch(/already waiting for confirmation/);
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('re-checks on confirm: a job that changed since the card runs nothing', async () => {
    const { card, id } = await requestCard(h, `stop ${HIVE} 3`);
    // Someone stops the job in the console meanwhile.
    await h.bot.services.clients('cn-hangzhou').stopJob(2000015, 3);
    h.sim.resetCalls();
    await h.slack.click('mms_confirm', id, { user: OPERATOR, message: card });
    expect(writeCalls(h, 'StopMmsJob')).toHaveLength(0);
    expect(textOf(h.api.messages(CHANNEL).find((m) => m.ts === card.ts)!.blocks)).toMatch(/changed/i);
  });

  it('when the bot cannot post in the channel, the requester gets the card and is told why', async () => {
    h.api.failNext('chat.postMessage', 'not_in_channel');
    const r = await h.slack.command(`stop ${HIVE} 3`, { user: OPERATOR });
    const t = textOf(r.body);
    expect(t).toContain('only you see this card');
    const id = /"action_id":"mms_confirm","value":"([^"]+)"/.exec(t)?.[1];
    expect(id).toBeTruthy();
    await h.slack.click('mms_confirm', id!, { user: OPERATOR });
    expect(writeCalls(h, 'StopMmsJob')).toHaveLength(1);
  });

  it('writes are refused outside MMS_WRITE_CHANNELS', async () => {
    await h.close();
    h = await startHarness({ env: { MMS_WRITE_CHANNELS: 'C0OPS00001' }, now: () => clock });
    const r = await h.slack.command(`stop ${HIVE} 3`, { channel: CHANNEL });
    expect(textOf(r.body)).toMatch(/only be requested in/);
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('records the audit trail, readable by operators only', async () => {
    const { card, id } = await requestCard(h, `stop ${HIVE} 3`);
    await h.slack.click('mms_confirm', id, { user: OPERATOR2, message: card });
    const r = await h.slack.command('audit', { user: OPERATOR });
    const t = textOf(r.body);
    expect(t).toContain('requested');
    expect(t).toContain('confirmed');
    expect(t).toContain('ran');
    const denied = await h.slack.command('audit', { user: VIEWER });
    expect(textOf(denied.body)).toMatch(/operators only/);
  });
});
