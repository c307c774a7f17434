// Request signing and tampered buttons, against the real Bolt app over HTTP: a forged or stale request is
// refused before anything runs; a body that is not a payload is a 400; a Confirm button whose id is unknown or
// malformed runs nothing and says so to the clicker alone. And a Slack 429 while posting a card.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, OPERATOR, SIGNING_SECRET, startHarness } from '../helpers/bot.js';
import { CHANNEL, FORM, sign } from '../helpers/slack-requests.js';
import { ask, confirm, HIVE, mmsWrites, requestCard, textOf } from './support.js';

function commandBody(text: string, responseUrl: string): string {
  return new URLSearchParams({
    token: 'x',
    team_id: 'T0TEAM0001',
    team_domain: 'mms-test',
    channel_id: CHANNEL,
    channel_name: 'data-migrations',
    user_id: OPERATOR,
    user_name: 'ops',
    command: '/mms',
    text,
    api_app_id: 'A0MMSAPP01',
    response_url: responseUrl,
    trigger_id: '1.2.3',
  }).toString();
}

const now = () => Math.floor(Date.now() / 1000);

describe('signing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.sim.resetCalls();
  });

  /** Nothing reached MMS or Slack, and no response_url was used. */
  function nothingRan(calls: number, responses: number) {
    expect(h.sim.calls).toEqual([]);
    expect(h.api.calls.length).toBe(calls);
    expect(h.api.responses.length).toBe(responses);
  }

  it('a correctly signed command runs (control)', async () => {
    const body = commandBody('sources', h.api.responseUrl());
    const r = await h.slack.raw(body, { 'content-type': FORM, ...signed(body) });
    expect(r.status).toBe(200);
    expect(textOf(r.body)).toContain('hive-prod');
    expect(h.sim.calls.length).toBeGreaterThan(0);
  });

  it('a forged signature → 401, nothing ran', async () => {
    const [calls, responses] = [h.api.calls.length, h.api.responses.length];
    const body = commandBody(`stop ${HIVE} 3`, h.api.responseUrl());
    const ts = now();
    const forged = [
      sign('not-the-secret', ts, body),
      `v0=${'0'.repeat(64)}`,
      sign(SIGNING_SECRET, ts, `${body}&x=1`),
      sign(SIGNING_SECRET, ts, body).replace('v0=', 'v1='),
    ];
    for (const sig of forged) {
      const r = await h.slack.raw(body, {
        'content-type': FORM,
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': sig,
      });
      expect(r.status, sig).toBe(401);
    }
    // No signature at all.
    const bare = await h.slack.raw(body, { 'content-type': FORM, 'x-slack-request-timestamp': String(ts) });
    expect(bare.status).toBe(401);
    nothingRan(calls, responses);
  });

  it('the body changed after signing → 401', async () => {
    const [calls, responses] = [h.api.calls.length, h.api.responses.length];
    const body = commandBody('sources', h.api.responseUrl());
    const tampered = body.replace('text=sources', 'text=delete+hive-prod+1');
    const r = await h.slack.raw(tampered, { 'content-type': FORM, ...signed(body) });
    expect(r.status).toBe(401);
    nothingRan(calls, responses);
  });

  it('a stale timestamp (replay after 5 minutes) → 401, even with a valid signature for it', async () => {
    const [calls, responses] = [h.api.calls.length, h.api.responses.length];
    const body = commandBody('sources', h.api.responseUrl());
    const r = await h.slack.raw(body, { 'content-type': FORM, ...signed(body, now() - 6 * 60) });
    expect(r.status).toBe(401);
    const garbage = await h.slack.raw(body, {
      'content-type': FORM,
      'x-slack-request-timestamp': 'yesterday',
      'x-slack-signature': sign(SIGNING_SECRET, 0, body),
    });
    expect(garbage.status).toBe(401);
    nothingRan(calls, responses);
  });

  it("Slack's SSL check is answered 200 unsigned, and a command smuggled into it does not run", async () => {
    const [calls, responses] = [h.api.calls.length, h.api.responses.length];
    const check = await h.slack.raw('ssl_check=1&token=x', { 'content-type': FORM });
    expect(check.status).toBe(200);
    expect(check.body).toBe('');
    const smuggled = `ssl_check=1&${commandBody(`stop ${HIVE} 3`, h.api.responseUrl())}`;
    const r = await h.slack.raw(smuggled, { 'content-type': FORM });
    expect(r.status).toBe(200);
    expect(r.body).toBe('');
    nothingRan(calls, responses);
  });

  it('a timestamp more than 5 minutes in the future → 401 (the window holds both ways)', async () => {
    const [calls, responses] = [h.api.calls.length, h.api.responses.length];
    const body = commandBody('sources', h.api.responseUrl());
    const r = await h.slack.raw(body, { 'content-type': FORM, ...signed(body, now() + 6 * 60) });
    expect(r.status).toBe(401);
    nothingRan(calls, responses);
    const nearFuture = await h.slack.raw(body, { 'content-type': FORM, ...signed(body, now() + 60) });
    expect(nearFuture.status).toBe(200);
  });

  it('malformed payload JSON → 400, nothing ran', async () => {
    const [calls, responses] = [h.api.calls.length, h.api.responses.length];
    for (const payload of ['{"type":"block_actions",', 'not json at all']) {
      const body = new URLSearchParams({ payload }).toString();
      const r = await h.slack.raw(body, { 'content-type': FORM, ...signed(body) });
      expect(r.status, payload).toBe(400);
    }
    nothingRan(calls, responses);
  });

  function signed(body: string, ts = now()) {
    return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(SIGNING_SECRET, ts, body) };
  }
});

describe('tampered Confirm buttons', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  function lastEphemeral(): string {
    const e = h.api.callsTo('chat.postEphemeral').at(-1);
    expect(e, 'the clicker was told').toBeDefined();
    expect(e!.args['user']).toBe(OPERATOR);
    return String(e!.args['text']);
  }

  it('an unknown id (well-formed) → "no longer known; nothing ran"', async () => {
    const { card } = await requestCard(h, `stop ${HIVE} 3`);
    await h.slack.click('mms_confirm', 'AAAAAAAAAAAAAAAA', { user: OPERATOR, message: card });
    expect(lastEphemeral()).toMatch(/no longer known; nothing ran/);
    expect(mmsWrites(h)).toEqual([]);
    // The real card is untouched.
    expect(h.api.messages(CHANNEL).find((m) => m.ts === card.ts)!.updates).toBe(0);
  });

  it('a malformed id (injection, too long, empty) → "malformed; nothing ran"', async () => {
    const { card } = await requestCard(h, `retry ${HIVE} 2`);
    for (const v of ["x' OR '1'='1", 'a'.repeat(500), '', '../../etc']) {
      await h.slack.click('mms_confirm', v, { user: OPERATOR, message: card });
      expect(lastEphemeral(), JSON.stringify(v)).toMatch(/malformed; nothing ran/);
    }
    await h.slack.click('mms_cancel', '<!channel>', { user: OPERATOR, message: card });
    expect(lastEphemeral()).toMatch(/malformed/);
    expect(mmsWrites(h)).toEqual([]);
  });

  it('a run button carrying junk is answered, not run', async () => {
    const r = await h.slack.click('mms_run', 'x'.repeat(3000), { user: OPERATOR });
    expect(r.status).toBe(200);
    expect(lastEphemeral()).toMatch(/carries no valid command/);
    const path = new URL(r.responseUrl!).pathname;
    expect(h.api.responses.filter((x) => x.path === path)).toEqual([]);
  });

  it('a run button cannot smuggle a write past the card', async () => {
    const posts = h.api.callsTo('chat.postMessage').length;
    await h.slack.click('mms_run', `delete ${HIVE} 1`, { user: OPERATOR });
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(posts + 1);
    expect(textOf(h.api.messages(CHANNEL).at(-1)!)).toContain('Delete migration job');
    expect(mmsWrites(h)).toEqual([]);
  });

  it('a button the bot does not know is acked at once and runs nothing', async () => {
    const calls = h.api.calls.length;
    const mmsCalls = h.sim.calls.length;
    const r = await h.slack.click('mms_gone_in_an_older_version', `jobs ${HIVE}`, { user: OPERATOR });
    expect(r.status).toBe(200);
    expect(h.api.calls.slice(calls)).toEqual([]);
    expect(h.sim.calls.slice(mmsCalls)).toEqual([]);
  });
});

describe('metrics', () => {
  it('command labels never carry user text (no label injection, bounded cardinality)', async () => {
    const h = await startHarness();
    try {
      await h.slack.command('frobnicate hive-prod');
      await h.slack.command('<!channel> "} evil');
      await h.slack.command('JOBS hive-prod');
      await h.slack.click('mms_run', 'zzz-not-a-command 1', { user: OPERATOR });
      const metrics = await h.bot.metrics.registry.metrics();
      const labels = [...metrics.matchAll(/slack_commands_total\{command="([^"]*)"\}/g)].map((m) => m[1]);
      expect(labels.sort()).toEqual(['jobs', 'unknown']);
      expect(metrics).not.toContain('frobnicate');
      expect(metrics).not.toContain('channel');
    } finally {
      await h.close();
    }
  });
});

describe('Slack API use per request', () => {
  it('auth.test runs at start only, not once per request', async () => {
    const h = await startHarness();
    try {
      const atStart = h.api.callsTo('auth.test').length;
      expect(atStart).toBeGreaterThan(0);
      for (const text of ['sources', `jobs ${HIVE}`, 'help', `source ${HIVE}`]) await h.slack.command(text);
      await h.slack.click('mms_run', 'regions', { user: OPERATOR });
      expect(h.api.callsTo('auth.test')).toHaveLength(atStart);
    } finally {
      await h.close();
    }
  });
});

describe('Slack rate limits', () => {
  it('a 429 on chat.postMessage while posting a card: retried once, one card, confirmable', async () => {
    const h = await startHarness({ slackRetries: 1 });
    try {
      h.api.rateLimit('chat.postMessage', 1, 1);
      const r = await h.slack.command(`stop ${HIVE} 3`, { user: OPERATOR });
      expect(r.status).toBe(200);
      const posts = h.api.callsTo('chat.postMessage');
      expect(posts.map((p) => p.status)).toEqual([429, 200]);
      const cards = h.api.messages(CHANNEL);
      expect(cards).toHaveLength(1);
      expect(textOf(cards[0]!)).toContain('Stop migration job');
      // Whatever the ack said, it was not an error and not a second copy of the card.
      expect(textOf(r.body ?? {})).not.toMatch(/went wrong|Confirm/);
      expect(mmsWrites(h)).toEqual([]);
      const id = /"action_id":"mms_confirm","value":"([^"]+)"/.exec(JSON.stringify(cards[0]!.blocks))![1]!;
      const after = await confirm(h, cards[0]!, id);
      expect(mmsWrites(h)).toEqual(['StopMmsJob']);
      expect(textOf(after)).toContain('Stop requested');
    } finally {
      await h.close();
    }
  });

  it('with no retries left, the card still reaches the requester (ephemerally) and can be confirmed', async () => {
    const h = await startHarness();
    try {
      h.api.rateLimit('chat.postMessage', 1, 1);
      const card = await ask(h, `stop ${HIVE} 3`);
      expect(textOf(card)).toContain('Stop migration job');
      const id = /"action_id":"mms_confirm","value":"([^"]+)"/.exec(JSON.stringify(card.blocks))![1]!;
      await h.slack.click('mms_confirm', id, { user: OPERATOR });
      expect(mmsWrites(h)).toEqual(['StopMmsJob']);
    } finally {
      await h.close();
    }
  });
});

describe('hostile signed requests (a leaked signing secret, or something new from Slack)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const JSON_TYPE = 'application/json';
  const payload = (p: unknown) => `payload=${encodeURIComponent(JSON.stringify(p))}`;
  const click = (extra: Record<string, unknown>) =>
    payload({
      type: 'block_actions',
      user: { id: OPERATOR },
      actions: [{ type: 'button', action_id: 'mms_run', value: 'regions' }],
      ...extra,
    });
  const MALFORMED: Array<[string, string, string]> = [
    ['payload=null', 'payload=null', FORM],
    ['JSON null', 'null', JSON_TYPE],
    ['payload=5', 'payload=5', FORM],
    ['payload="x"', 'payload=%22x%22', FORM],
    ['payload=[]', 'payload=%5B%5D', FORM],
    ['payload={}', 'payload=%7B%7D', FORM],
    ['JSON 1', '1', JSON_TYPE],
    ['JSON []', '[]', JSON_TYPE],
    ['JSON {}', '{}', JSON_TYPE],
    ['an empty form', '', FORM],
    ['block_actions without actions', payload({ type: 'block_actions', user: { id: OPERATOR } }), FORM],
    ['block_actions, actions null', click({ actions: null }), FORM],
    ['block_actions, actions [null]', click({ actions: [null] }), FORM],
    ['block_actions without user', click({ user: undefined }), FORM],
    ['block_actions, user a group id', click({ user: { id: 'S0OPSGRP01' } }), FORM],
    ['block_actions, channel null', click({ channel: null }), FORM],
    ['view_submission without view', payload({ type: 'view_submission', user: { id: OPERATOR } }), FORM],
    [
      'view_submission, view null',
      payload({ type: 'view_submission', user: { id: OPERATOR }, view: null }),
      FORM,
    ],
    ['a command without user', 'command=%2Fmms&text=regions&channel_id=C0DATA0001', FORM],
    ['a command without text', `command=%2Fmms&user_id=${OPERATOR}&channel_id=C0DATA0001`, FORM],
    ['event_callback, event null', JSON.stringify({ type: 'event_callback', event: null }), JSON_TYPE],
    ['event_callback without event', JSON.stringify({ type: 'event_callback' }), JSON_TYPE],
    ['a shortcut (none is registered)', payload({ type: 'shortcut' }), FORM],
    ['an unknown type', payload({ type: 'something_new', user: { id: OPERATOR } }), FORM],
  ];

  it('each malformed signed body → 400 at once; the bot keeps serving; nothing ran or was posted', async () => {
    h.sim.resetCalls();
    const [calls, responses] = [h.api.calls.length, h.api.responses.length];
    const statuses: Record<string, number> = {};
    for (const [name, body, type] of MALFORMED) {
      const res = await fetch(`${h.slack.baseUrl}/slack/events`, {
        method: 'POST',
        headers: h.slack.signedHeaders(body, type),
        body,
        signal: AbortSignal.timeout(2500),
      });
      statuses[name] = res.status;
    }
    expect(statuses).toEqual(Object.fromEntries(MALFORMED.map(([name]) => [name, 400])));
    expect(h.sim.calls).toEqual([]);
    expect(h.api.calls.length).toBe(calls);
    expect(h.api.responses.length).toBe(responses);
    // Each refusal is logged, with no value from the body.
    expect(h.logs.filter((l) => l.includes('not a valid payload')).length).toBe(MALFORMED.length);
    // Still serving.
    const r = await h.slack.command('regions');
    expect(r.status).toBe(200);
    expect(textOf(r.body)).toContain('cn-hangzhou');
  });

  it('a run button without a channel is answered through its response URL, never in a DM', async () => {
    const before = h.api.calls.length;
    const responseUrl = h.api.responseUrl();
    const body = click({ response_url: responseUrl });
    const r = await h.slack.raw(body, h.slack.signedHeaders(body));
    expect(r.status).toBe(200);
    const after = h.api.calls.slice(before);
    expect(after.filter((c) => c.args['channel'] === OPERATOR)).toEqual([]);
    expect(after.filter((c) => /^chat\.post/.test(c.method))).toEqual([]);
    const told = h.api.responses.filter((x) => x.path === new URL(responseUrl).pathname);
    expect(told.map((x) => textOf(x.body)).join()).toMatch(/works only on a message in a channel/);
  });

  it('a Confirm without a channel or response URL is dropped: no DM, no write', async () => {
    const { id } = await requestCard(h, `stop ${HIVE} 3`);
    const before = h.api.calls.length;
    const body = payload({
      type: 'block_actions',
      user: { id: OPERATOR },
      actions: [{ type: 'button', action_id: 'mms_confirm', value: id }],
    });
    const r = await h.slack.raw(body, h.slack.signedHeaders(body));
    expect(r.status).toBe(200);
    expect(h.api.calls.slice(before).filter((c) => c.args['channel'] === OPERATOR)).toEqual([]);
    expect(mmsWrites(h)).toEqual([]);
    expect(h.bot.services.confirmations.get(id)!.state).toBe('pending');
  });

  it('a listener that fails is logged with where it came from, and the user is told', async () => {
    // The response URL refuses the answer once (Slack's side had a hiccup): respond() throws in the listener.
    h.api.failNextResponse(500, 1);
    const r = await h.slack.click('mms_run', 'regions', { user: OPERATOR });
    expect(r.status).toBe(200);
    const line = h.logs.find((l) => l.includes('a Slack listener failed'));
    expect(line, 'the failure is logged').toBeDefined();
    const logged = JSON.parse(line!);
    expect(logged).toMatchObject({
      kind: 'block_actions',
      action: 'mms_run',
      user: OPERATOR,
      channel: CHANNEL,
    });
    const path = new URL(r.responseUrl!).pathname;
    const told = h.api.responses.filter((x) => x.path === path).map((x) => textOf(x.body));
    expect(told.at(-1)).toMatch(/went wrong inside mms-chatops/);
  });
});

describe('a click counts only where the bot posted the card', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { MMS_OPERATORS: `${OPERATOR},S0OPSGRP01` } });
    h.api.setUserGroup('S0OPSGRP01', ['U0OPS00002']);
  });
  afterAll(async () => {
    await h?.close();
  });

  function lastEphemeral(): string {
    return String(h.api.callsTo('chat.postEphemeral').at(-1)?.args['text']);
  }
  const cardNow = (ts: string) => h.api.messages(CHANNEL).find((m) => m.ts === ts)!;

  it('a Confirm claiming another channel, or another message, runs nothing; the real click runs', async () => {
    const { card, id } = await requestCard(h, `stop ${HIVE} 3`);
    await h.slack.click('mms_confirm', id, { user: OPERATOR, message: card, channel: 'C0OTHER001' });
    expect(lastEphemeral()).toMatch(/does not belong to the card.*nothing ran/);
    await h.slack.click('mms_confirm', id, {
      user: OPERATOR,
      channel: CHANNEL,
      messageTs: '1700000000.000001',
    });
    expect(lastEphemeral()).toMatch(/does not belong to the card/);
    expect(mmsWrites(h)).toEqual([]);
    expect(cardNow(card.ts).updates).toBe(0);
    expect(h.bot.services.confirmations.get(id)!.state).toBe('pending');
    const rejected = h.bot.services.audit.latest(5).filter((a) => a.action === 'rejected');
    expect(rejected.length).toBeGreaterThanOrEqual(2);
    await confirm(h, card, id);
    expect(mmsWrites(h)).toEqual(['StopMmsJob']);
  });

  it('a Cancel claiming another channel leaves the card pending', async () => {
    const { card, id } = await requestCard(h, `retry ${HIVE} 2`);
    await h.slack.click('mms_cancel', id, { user: OPERATOR, message: card, channel: 'C0OTHER001' });
    expect(lastEphemeral()).toMatch(/does not belong to the card/);
    expect(h.bot.services.confirmations.get(id)!.state).toBe('pending');
    await h.slack.click('mms_cancel', id, { user: OPERATOR, message: card });
    expect(h.bot.services.confirmations.get(id)!.state).toBe('cancelled');
  });

  it('an id with one letter swapped for a Unicode look-alike confirms nothing', async () => {
    const { card, id } = await requestCard(h, `retry ${HIVE} 2`);
    // Letters that render like the id's own: fullwidth forms (NFKC folds them back), Cyrillic, Kelvin.
    const LOOKALIKE: Record<string, string> = { a: '\u0430', e: '\u0435', o: '\u043e', K: '\u212a' };
    const fullwidth = (c: string) => String.fromCodePoint(0xff00 + c.charCodeAt(0) - 0x20);
    const swapAt = (i: number, to: string) => `${id.slice(0, i)}${to}${id.slice(i + 1)}`;
    const forged = [
      swapAt(0, fullwidth(id[0]!)),
      swapAt(id.length - 1, fullwidth(id.at(-1)!)),
      ...[...id].flatMap((c, i) => (LOOKALIKE[c] ? [swapAt(i, LOOKALIKE[c])] : [])),
      `${id}\u200b`,
      ` ${id}`,
      id.toLowerCase() === id ? id.toUpperCase() : id.toLowerCase(),
    ];
    for (const v of forged) {
      expect(v).not.toBe(id);
      await h.slack.click('mms_confirm', v, { user: OPERATOR, message: card });
      expect(lastEphemeral(), JSON.stringify(v)).toMatch(/malformed|no longer known/);
    }
    expect(mmsWrites(h)).toEqual(['StopMmsJob']); // only the earlier test's
    expect(h.bot.services.confirmations.get(id)!.state).toBe('pending');
    await h.slack.click('mms_cancel', id, { user: OPERATOR, message: card });
  });

  it('a click whose user id is the operator group itself is refused; a member of the group confirms', async () => {
    const { card, id } = await requestCard(h, `retry ${HIVE} 2`);
    const body = `payload=${encodeURIComponent(
      JSON.stringify({
        type: 'block_actions',
        user: { id: 'S0OPSGRP01' },
        channel: { id: CHANNEL },
        message: { ts: card.ts },
        container: { type: 'message', message_ts: card.ts, channel_id: CHANNEL },
        actions: [{ type: 'button', action_id: 'mms_confirm', value: id }],
      }),
    )}`;
    const r = await h.slack.raw(body, h.slack.signedHeaders(body));
    expect(r.status).toBe(400);
    expect(h.bot.services.confirmations.get(id)!.state).toBe('pending');
    expect(mmsWrites(h)).toEqual(['StopMmsJob']);
    await confirm(h, card, id, 'U0OPS00002');
    expect(mmsWrites(h)).toEqual(['StopMmsJob', 'RetryMmsJob']);
  });
});
