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
