import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, verifySlackRequest, webApi } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SlackApiStandIn, startSlackApi } from './slack-api.js';
import { CHANNEL, SlackClient, sign, stateValue, TEAM, USER } from './slack-requests.js';

const SECRET = 's3cret';

function section(text: string, blockId?: string) {
  return { type: 'section', ...(blockId ? { block_id: blockId } : {}), text: { type: 'mrkdwn', text } };
}

describe('Slack signing', () => {
  it('reproduces the worked example Slack publishes', () => {
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const ts = 1531420618;
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&' +
      'channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&' +
      'response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F' +
      '397700885554%2F96rGlfmibIGlgcZRskXaIFfN&' +
      'trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const expected = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
    expect(sign(secret, ts, body)).toBe(expected);
    // Bolt's own verifier agrees, with its clock pinned next to the vector.
    expect(() =>
      verifySlackRequest({
        signingSecret: secret,
        body,
        headers: { 'x-slack-signature': expected, 'x-slack-request-timestamp': ts },
        nowMilliseconds: (ts + 10) * 1000,
      }),
    ).not.toThrow();
  });
});

describe('offline Slack harness against a real Bolt app', () => {
  let api: SlackApiStandIn;
  let app: App;
  let slack: SlackClient;
  let port: number;

  beforeAll(async () => {
    api = await startSlackApi({ botUserId: 'U1', botId: 'B1', teamId: TEAM });
    app = new App({
      token: 'xoxb-test',
      botId: 'B1',
      botUserId: 'U1',
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: api.url, retryConfig: { retries: 0 } },
    });

    app.command('/mms', async ({ command, ack, respond, client }) => {
      await ack({ response_type: 'ephemeral', text: `on it: ${command.text}` });
      const posted = await client.chat.postMessage({
        channel: command.channel_id,
        text: `Job ${command.text}`,
        blocks: [
          section(`*Job* ${command.text}`, 'card'),
          {
            type: 'actions',
            block_id: 'acts',
            elements: [
              { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' } },
            ],
          },
        ],
      });
      await respond({ text: `posted ${posted.ts}`, replace_original: false });
    });

    // Edits the card in place and replies in its thread.
    app.action('approve', async ({ ack, body, client }) => {
      await ack();
      if (body.type !== 'block_actions' || !body.message || !body.channel) return;
      const ts = body.message.ts;
      await client.chat.update({
        channel: body.channel.id,
        ts,
        text: 'approved',
        blocks: [section('approved')],
      });
      await client.chat.postMessage({
        channel: body.channel.id,
        thread_ts: ts,
        text: `approved by <@${body.user.id}>`,
      });
    });

    app.action('pick_source', async ({ ack, body, client }) => {
      await ack();
      if (body.type !== 'block_actions' || !body.view) return;
      const action = body.actions[0];
      const picked = action?.type === 'static_select' ? action.selected_option.value : '?';
      await client.views.update({
        view_id: body.view.id,
        hash: body.view.hash,
        view: {
          type: 'modal',
          title: { type: 'plain_text', text: 'Plan' },
          blocks: [section(`source ${picked}`)],
        },
      });
    });

    app.view('plan_submit', async ({ ack, view }) => {
      const name = view.state.values.name?.value?.value ?? '';
      if (!/^[a-z_]+$/.test(name)) {
        await ack({ response_action: 'errors', errors: { name: 'lowercase letters only' } });
        return;
      }
      await ack();
    });

    app.event('app_home_opened', async ({ event, client }) => {
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [section('Home')] } });
    });

    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    port = (server.address() as AddressInfo).port;
    slack = new SlackClient({
      baseUrl: `http://127.0.0.1:${port}`,
      signingSecret: SECRET,
      api,
      botUserId: 'U1',
    });
  });

  afterEach(() => {
    api.reset();
  });

  afterAll(async () => {
    await app?.stop();
    await api?.close();
  });

  it('signed command reaches the listener; postMessage (parsed blocks) and respond() recorded', async () => {
    const reply = await slack.command('start sales_db');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ response_type: 'ephemeral', text: 'on it: start sales_db' });

    const post = await api.waitForCall('chat.postMessage');
    expect(post.token).toBe('xoxb-test');
    expect(post.args.channel).toBe(CHANNEL);
    expect(post.args.text).toBe('Job start sales_db');
    expect(post.args.blocks).toEqual([
      section('*Job* start sales_db', 'card'),
      expect.objectContaining({ type: 'actions', block_id: 'acts' }),
    ]);

    const r = await api.waitForResponse();
    expect(reply.responseUrl).toBeDefined();
    expect(r.id).toBe(new URL(reply.responseUrl ?? '').pathname.slice('/hooks/'.length));
    expect(api.responsesTo(r.id)).toHaveLength(1);
    expect(r.body).toMatchObject({
      text: expect.stringMatching(/^posted 1700000000\.\d{6}$/),
      replace_original: false,
    });
  });

  it('a click edits the card in place and replies in its thread', async () => {
    await slack.command('start orders');
    const post = await api.waitForCall('chat.postMessage');
    const [card] = api.messages(CHANNEL);
    expect(card).toBeDefined();

    const reply = await slack.click('approve', 'job-1', { message: card!, blockId: 'acts' });
    expect(reply.status).toBe(200);
    await api.waitForCall('chat.postMessage', (c) => c.args.thread_ts !== undefined);

    const msgs = api.messages(CHANNEL);
    expect(msgs).toHaveLength(2);
    const [top, threadReply] = msgs;
    expect(top).toMatchObject({ ts: card!.ts, text: 'approved', updates: 1, blocks: [section('approved')] });
    expect(top?.thread_ts).toBeUndefined();
    expect(threadReply).toMatchObject({ thread_ts: card!.ts, text: `approved by <@${USER}>`, updates: 0 });
    expect(api.replies(CHANNEL, card!.ts)).toHaveLength(1);
    expect(api.callsTo('chat.update')).toHaveLength(1);
    expect(post.ok).toBe(true);
  });

  it('rejects a forged signature with 401', async () => {
    const forged = new SlackClient({ baseUrl: slack.baseUrl, signingSecret: 'not-the-secret', api });
    expect((await forged.command('start x')).status).toBe(401);

    const body = 'command=%2Fmms&text=x';
    const headers = { ...slack.signedHeaders(body), 'x-slack-signature': `v0=${'0'.repeat(64)}` };
    expect((await slack.raw(body, headers)).status).toBe(401);
    expect(api.calls).toEqual([]);
  });

  it('rejects a stale timestamp (now - 301 s) with 401', async () => {
    const stale = new SlackClient({
      baseUrl: slack.baseUrl,
      signingSecret: SECRET,
      api,
      now: () => Math.floor(Date.now() / 1000) - 301,
    });
    expect((await stale.command('start x')).status).toBe(401);
  });

  it('answers 400 to a correctly signed form body whose content-type has a charset', async () => {
    const body = new URLSearchParams({ command: '/mms', text: 'x', user_id: USER }).toString();
    const headers = slack.signedHeaders(body, 'application/x-www-form-urlencoded; charset=utf-8');
    expect((await slack.raw(body, headers)).status).toBe(400);
  });

  it('drives modals: a select updates the view; submission errors come back in the ack', async () => {
    const opened = await app.client.views.open({
      trigger_id: 'trigger-from-test',
      view: {
        type: 'modal',
        callback_id: 'plan_submit',
        title: { type: 'plain_text', text: 'Plan' },
        blocks: [],
      },
    });
    const view = opened.view!;
    await slack.select('pick_source', 'src-7', { view });
    const upd = await api.waitForCall('views.update');
    expect(upd).toMatchObject({ ok: true, args: { view_id: view.id, hash: view.hash } });
    expect(api.view(view.id!)).toMatchObject({ blocks: [section('source src-7')] });

    const bad = await slack.submitView('plan_submit', { name: { value: stateValue.text('Bad Name') } });
    expect(bad.status).toBe(200);
    expect(bad.body).toEqual({ response_action: 'errors', errors: { name: 'lowercase letters only' } });
    const good = await slack.submitView('plan_submit', { name: { value: stateValue.text('sales_db') } });
    expect(good).toMatchObject({ status: 200, body: '' });
  });

  it('delivers events: app_home_opened publishes a Home tab', async () => {
    const reply = await slack.event({
      type: 'app_home_opened',
      user: USER,
      channel: 'D0HOME0001',
      tab: 'home',
    });
    expect(reply.status).toBe(200);
    await api.waitForCall('views.publish');
    expect(api.homeView(USER)).toMatchObject({ type: 'home', blocks: [section('Home')] });
  });
});

describe('Slack API stand-in', () => {
  let api: SlackApiStandIn;
  let client: webApi.WebClient;

  beforeAll(async () => {
    api = await startSlackApi();
    client = new webApi.WebClient('xoxb-test', {
      slackApiUrl: api.url,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
  });

  afterEach(() => {
    api.reset();
  });

  afterAll(async () => {
    await api.close();
  });

  const errorOf = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (e) {
      return (e as { data?: { error?: string } }).data?.error ?? String(e);
    }
    return 'no error';
  };

  it('a 429 with Retry-After makes the WebClient wait, then succeed', async () => {
    const patient = new webApi.WebClient('xoxb-test', {
      slackApiUrl: api.url,
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
    api.rateLimit('chat.postMessage', 1, 1);
    const started = Date.now();
    const res = await patient.chat.postMessage({ channel: CHANNEL, text: 'hello' });
    expect(res.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(api.callsTo('chat.postMessage').map((c) => [c.status, c.error])).toEqual([
      [429, 'ratelimited'],
      [200, undefined],
    ]);
    expect(api.messages(CHANNEL)).toHaveLength(1);
  });

  it('answers auth.test, assigns increasing ts, and requires a token', async () => {
    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: 'U0BOT00001', team_id: TEAM });
    const a = await client.chat.postMessage({ channel: CHANNEL, text: 'a' });
    const b = await client.chat.postMessage({ channel: CHANNEL, text: 'b' });
    expect(a.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    const anon = new webApi.WebClient(undefined, { slackApiUrl: api.url, retryConfig: { retries: 0 } });
    expect(await errorOf(anon.chat.postMessage({ channel: CHANNEL, text: 'x' }))).toBe('not_authed');
  });

  it('validates chat.postMessage and chat.update like Slack', async () => {
    expect(await errorOf(client.apiCall('chat.postMessage', { text: 'x' }))).toBe('channel_not_found');
    expect(await errorOf(client.apiCall('chat.postMessage', { channel: CHANNEL }))).toBe('no_text');
    const many = Array.from({ length: 51 }, (_, i) => section(`b${i}`));
    expect(await errorOf(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: many }))).toBe(
      'invalid_blocks',
    );
    const long = Array.from({ length: 5 }, () => section('x'.repeat(2500)));
    expect(await errorOf(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: long }))).toBe(
      'msg_blocks_too_long',
    );
    const tooLongSection = [section('x'.repeat(3001))];
    expect(
      await errorOf(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: tooLongSection })),
    ).toBe('invalid_blocks');
    expect(await errorOf(client.chat.update({ channel: CHANNEL, ts: '1700000000.999999', text: 'x' }))).toBe(
      'message_not_found',
    );
    const ok = await client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: many.slice(0, 50) });
    const upd = await errorOf(client.chat.update({ channel: CHANNEL, ts: ok.ts!, text: 'y', blocks: many }));
    expect(upd).toBe('invalid_blocks');
    expect(api.messages(CHANNEL)).toMatchObject([{ text: 'x', updates: 0 }]);
    expect(api.callsTo('chat.update').at(-1)).toMatchObject({ ok: false, error: 'invalid_blocks' });
  });

  it('threads a reply to a reply under the parent; serves permalinks, ephemerals and history', async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'parent' });
    const r1 = await client.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, text: 'r1' });
    await client.chat.postMessage({ channel: CHANNEL, thread_ts: r1.ts!, text: 'r2', reply_broadcast: true });
    expect(api.replies(CHANNEL, parent.ts!).map((m) => [m.text, m.reply_broadcast])).toEqual([
      ['r1', undefined],
      ['r2', true],
    ]);
    const link = await client.chat.getPermalink({ channel: CHANNEL, message_ts: parent.ts! });
    expect(link.permalink).toBe(
      `https://example.slack.com/archives/${CHANNEL}/p${parent.ts!.replace('.', '')}`,
    );
    const eph = await client.chat.postEphemeral({ channel: CHANNEL, user: USER, text: 'psst' });
    expect(eph.message_ts).toMatch(/^\d+\.\d{6}$/);
    const hist = await client.conversations.history({ channel: CHANNEL });
    expect(hist.messages?.map((m) => m.text)).toEqual(['r2', 'parent']);
  });

  it('opens, updates and publishes views with Slack checks', async () => {
    const modal = {
      type: 'modal' as const,
      callback_id: 'plan_submit',
      external_id: 'plan-1',
      title: { type: 'plain_text' as const, text: 'Plan' },
      blocks: [section('hi')],
    };
    const opened = await client.views.open({ trigger_id: 't1', view: modal });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V/),
      hash: expect.any(String),
      callback_id: 'plan_submit',
    });
    expect(await errorOf(client.views.open({ trigger_id: 't1', view: modal }))).toBe('exchanged_trigger_id');
    const longTitle = {
      ...modal,
      external_id: 'plan-2',
      title: { type: 'plain_text' as const, text: 'x'.repeat(25) },
    };
    expect(await errorOf(client.views.open({ trigger_id: 't2', view: longTitle }))).toBe('invalid_arguments');
    const tooMany = {
      ...modal,
      external_id: 'plan-3',
      blocks: Array.from({ length: 101 }, () => section('x')),
    };
    expect(await errorOf(client.views.open({ trigger_id: 't3', view: tooMany }))).toBe('invalid_arguments');

    const updated = await client.views.update({
      external_id: 'plan-1',
      view: { ...modal, blocks: [section('v2')] },
    });
    expect(updated.view?.id).toBe(opened.view?.id);
    expect(api.view('plan-1')).toMatchObject({ blocks: [section('v2')] });
    const stale = client.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: modal });
    expect(await errorOf(stale)).toBe('hash_conflict');

    expect(await errorOf(client.apiCall('views.publish', { view: { type: 'home', blocks: [] } }))).toBe(
      'invalid_arguments',
    );
    await client.views.publish({ user_id: USER, view: { type: 'home', blocks: [section('home')] } });
    expect(api.homeView(USER)).toMatchObject({ type: 'home' });
  });

  it('serves user groups, users and channels; failNext and unknown methods', async () => {
    api.setUserGroup('S0OPS00001', [USER, 'U0OPS00002']);
    const group = await client.usergroups.users.list({ usergroup: 'S0OPS00001' });
    expect(group.users).toEqual([USER, 'U0OPS00002']);
    expect(await errorOf(client.usergroups.users.list({ usergroup: 'S0NOPE0001' }))).toBe('no_such_subteam');

    api.setUser(USER, { real_name: 'Ops Person' });
    const user = await client.users.info({ user: USER });
    expect(user.user).toMatchObject({ id: USER, real_name: 'Ops Person', is_bot: false });
    const chan = await client.conversations.info({ channel: CHANNEL });
    expect(chan.channel).toMatchObject({ id: CHANNEL, is_channel: true, is_member: true });

    api.failNext('users.info', 'user_not_found');
    expect(await errorOf(client.users.info({ user: USER }))).toBe('user_not_found');
    expect((await client.users.info({ user: USER })).ok).toBe(true);
    expect((await client.apiCall('reactions.add', { channel: CHANNEL, name: 'eyes' })).ok).toBe(true);
    expect(api.callsTo('reactions.add')[0]?.args).toMatchObject({ channel: CHANNEL, name: 'eyes' });
  });

  it('accepts JSON bodies and records response_url POSTs', async () => {
    const res = await fetch(`${api.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-json' },
      body: JSON.stringify({ channel: CHANNEL, text: 'json', blocks: [section('j')] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: CHANNEL });
    expect(api.callsTo('chat.postMessage')[0]).toMatchObject({
      token: 'xoxb-json',
      args: { blocks: [section('j')] },
    });

    const url = api.responseUrl('cmd-1');
    const hook = await fetch(url, { method: 'POST', body: JSON.stringify({ text: 'hi' }) });
    expect(hook.status).toBe(200);
    api.failNextResponse(404);
    expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(api.responsesTo('cmd-1').map((r) => r.status)).toEqual([200, 404]);
  });

  it('waitForCall rejects with a listing of what was recorded', async () => {
    await client.chat.postMessage({ channel: CHANNEL, text: 'only this' });
    await expect(api.waitForCall('chat.update', undefined, 50)).rejects.toThrow(
      /waitForCall\(chat\.update\)[\s\S]*chat\.postMessage ok/,
    );
  });

  it('close() frees the port even with a keep-alive socket open', async () => {
    const other = await startSlackApi();
    await fetch(`${other.url}auth.test`, { method: 'POST', headers: { authorization: 'Bearer xoxb-x' } });
    await other.close();
    await expect(fetch(`${other.url}auth.test`, { method: 'POST' })).rejects.toThrow();
  });
});
