/**
 * A local stand-in for the Slack Web API (`POST /api/<method>`) and for `response_url` (`POST /hooks/<id>`).
 *
 * It speaks the real wire format: form-encoded bodies (what @slack/web-api sends, object arguments
 * JSON-stringified inside the form), JSON or multipart bodies, `Authorization: Bearer xoxb-…`, JSON replies
 * with `ok`, HTTP 429 with `Retry-After`. It records every call, keeps a message store per channel (edits in
 * place, threads) and a view store, and checks the Block Kit limits Slack enforces (docs/SLACK.md §3), so a
 * card that Slack would reject fails here too.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  /** Form fields as sent (strings for form bodies); `blocks`, `view`, `attachments`, `metadata` parsed. */
  args: Record<string, unknown>;
  at: number;
  /** From `Authorization: Bearer …`, else from a `token` field (which is then removed from `args`). */
  token?: string;
  /** HTTP status the stand-in answered: 200, or 429 for a call hit by `rateLimit`. */
  status: number;
  /** The `ok` of the reply. */
  ok: boolean;
  /** The `error` of the reply when `ok` is false (`ratelimited` for a 429). */
  error?: string;
}

/** A POST to `/hooks/<id>` (a response_url). */
export interface RecordedResponse {
  id: string;
  path: string;
  body: Record<string, unknown>;
  at: number;
  /** HTTP status the stand-in answered (200 unless `failNextResponse`). */
  status: number;
}

/** A message as it stands now in the stand-in's store (latest version after chat.update). */
export interface StoredMessage {
  channel: string;
  ts: string;
  /** Set on thread replies only: the ts of the thread's parent. */
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown;
  metadata?: unknown;
  reply_broadcast?: boolean;
  /** How many successful chat.update calls changed this message. */
  updates: number;
  user: string;
  bot_id: string;
}

export interface SlackApiStandIn {
  /** `http://127.0.0.1:<port>/api/`: pass as SLACK_API_URL / `clientOptions.slackApiUrl`. */
  url: string;
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  botUserId: string;
  botId: string;
  teamId: string;
  /** `http://127.0.0.1:<port>/hooks/<id>` to put in payloads as response_url; a fresh id if none given. */
  responseUrl(id?: string): string;
  calls: RecordedCall[];
  responses: RecordedResponse[];
  callsTo(method: string): RecordedCall[];
  responsesTo(id: string): RecordedResponse[];
  /**
   * Resolves with the first recorded call to `method` matching `pred` (calls already recorded count). Polls;
   * rejects after `timeoutMs` (default 5000) with a message listing what was recorded.
   */
  waitForCall(method: string, pred?: (c: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  waitForResponse(pred?: (r: RecordedResponse) => boolean, timeoutMs?: number): Promise<RecordedResponse>;
  /** The next `count` calls to `method` answer HTTP 429 with `Retry-After: retryAfterSec`. */
  rateLimit(method: string, count: number, retryAfterSec: number): void;
  /** The next `count` (default 1) calls to `method` answer `{ok:false, error}`. */
  failNext(method: string, error: string, count?: number): void;
  /** The next `count` (default 1) POSTs to any response_url answer HTTP `status` (respond() then throws). */
  failNextResponse(status?: number, count?: number): void;
  /** Register user-group membership for usergroups.users.list / usergroups.list. */
  setUserGroup(groupId: string, userIds: string[]): void;
  /** Override fields of the user users.info returns (`profile` is merged too). */
  setUser(userId: string, fields: Record<string, unknown>): void;
  /** Override fields of the channel conversations.info returns. */
  setChannel(channelId: string, fields: Record<string, unknown>): void;
  /** Messages of a channel in post order: top-level and thread replies, latest version of each. Copies. */
  messages(channel: string): StoredMessage[];
  /** Replies in the thread of `threadTs` (parent excluded), in post order. Copies. */
  replies(channel: string, threadTs: string): StoredMessage[];
  /** A view opened/pushed/updated/published, by view id or external_id (latest version). Copy. */
  view(idOrExternalId: string): Record<string, unknown> | undefined;
  /** The Home tab last published for a user. Copy. */
  homeView(userId: string): Record<string, unknown> | undefined;
  /** Forget calls, responses, messages, views, queued failures, groups, overrides (ids keep increasing). */
  reset(): void;
  /** Close the server and every open socket. */
  close(): Promise<void>;
}

export interface SlackApiOptions {
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /**
   * Called after each Web API call is recorded, with the reply body (a live reference: copy what you keep).
   * The sandbox learns view ids and message ts from it. A throwing listener does not affect the reply.
   */
  onCall?: (call: RecordedCall, reply: Record<string, unknown>) => void;
  /** Called after each response_url POST is recorded. A throwing listener does not affect the reply. */
  onResponse?: (response: RecordedResponse) => void;
  /**
   * Socket Mode: the WebSocket URL `apps.connections.open` hands an app-level token (`xapp-…`). Unset, the
   * method fails as for an app without Socket Mode.
   */
  socketModeUrl?: string;
}

type Obj = Record<string, unknown>;
interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: Obj;
}

const JSON_FIELDS = ['blocks', 'view', 'attachments', 'metadata'] as const;
const MESSAGE_BLOCKS_MAX = 50;
const VIEW_BLOCKS_MAX = 100;
const BLOCK_TEXT_TOTAL_MAX = 12_000;
const MESSAGE_TEXT_MAX = 40_000;
const APP_ID = 'A0MMSAPP01';

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const truthy = (v: unknown): boolean => v === true || v === 'true' || v === '1' || v === 1;
const fail = (error: string, errors?: string[]): Reply => ({
  body: errors?.length ? { ok: false, error, errors } : { ok: false, error },
});

export async function startSlackApi(opts: SlackApiOptions = {}): Promise<SlackApiStandIn> {
  const api = new SlackApi(opts);
  await api.listen();
  return api;
}

class SlackApi implements SlackApiStandIn {
  url = '';
  baseUrl = '';
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  calls: RecordedCall[] = [];
  responses: RecordedResponse[] = [];

  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'stand_in_crashed', detail: String(err) }));
    });
  });
  private closed = false;
  private seq = 0;
  private tsSeq = 0;
  private store = new Map<string, StoredMessage[]>();
  private views = new Map<string, Obj>();
  private externalIds = new Map<string, string>();
  private homes = new Map<string, string>();
  private usedTriggers = new Set<string>();
  private limits = new Map<string, { count: number; retryAfterSec: number }>();
  private failures = new Map<string, { count: number; error: string }>();
  private hookFailures: { count: number; status: number } = { count: 0, status: 500 };
  private groups = new Map<string, string[]>();
  private users = new Map<string, Obj>();
  private channels = new Map<string, Obj>();

  private readonly onCall: SlackApiOptions['onCall'];
  private readonly onResponse: SlackApiOptions['onResponse'];
  private readonly socketModeUrl: string | undefined;

  constructor(opts: SlackApiOptions) {
    this.botUserId = opts.botUserId ?? 'U0BOT00001';
    this.botId = opts.botId ?? 'B0BOT00001';
    this.teamId = opts.teamId ?? 'T0TEAM0001';
    this.onCall = opts.onCall;
    this.onResponse = opts.onResponse;
    this.socketModeUrl = opts.socketModeUrl;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.url = `${this.baseUrl}/api/`;
  }

  // ---------------------------------------------------------------- recording API

  responseUrl(id?: string): string {
    return `${this.baseUrl}/hooks/${encodeURIComponent(id ?? `r${++this.seq}`)}`;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  responsesTo(id: string): RecordedResponse[] {
    return this.responses.filter((r) => r.id === id);
  }

  waitForCall(method: string, pred?: (c: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    return poll(
      () => this.calls.find((c) => c.method === method && (!pred || pred(c))),
      timeoutMs,
      () =>
        `waitForCall(${method}): no matching call within ${timeoutMs} ms. ` +
        `Recorded calls (${this.calls.length}):` +
        listing(
          this.calls.map((c) => `${c.method} ${c.ok ? 'ok' : `${c.status} ${c.error}`} ${brief(c.args)}`),
        ),
    );
  }

  waitForResponse(pred?: (r: RecordedResponse) => boolean, timeoutMs = 5000): Promise<RecordedResponse> {
    return poll(
      () => this.responses.find((r) => !pred || pred(r)),
      timeoutMs,
      () =>
        `waitForResponse: no matching response_url POST within ${timeoutMs} ms. ` +
        `Recorded responses (${this.responses.length}):` +
        listing(this.responses.map((r) => `${r.path} ${brief(r.body)}`)) +
        `\nRecorded calls (${this.calls.length}):` +
        listing(this.calls.map((c) => `${c.method} ${c.ok ? 'ok' : c.error}`)),
    );
  }

  rateLimit(method: string, count: number, retryAfterSec: number): void {
    this.limits.set(method, { count, retryAfterSec });
  }

  failNext(method: string, error: string, count = 1): void {
    this.failures.set(method, { count, error });
  }

  failNextResponse(status = 500, count = 1): void {
    this.hookFailures = { count, status };
  }

  setUserGroup(groupId: string, userIds: string[]): void {
    this.groups.set(groupId, [...userIds]);
  }

  setUser(userId: string, fields: Record<string, unknown>): void {
    this.users.set(userId, { ...this.users.get(userId), ...fields });
  }

  setChannel(channelId: string, fields: Record<string, unknown>): void {
    this.channels.set(channelId, { ...this.channels.get(channelId), ...fields });
  }

  messages(channel: string): StoredMessage[] {
    return structuredClone(this.store.get(channel) ?? []);
  }

  replies(channel: string, threadTs: string): StoredMessage[] {
    return this.messages(channel).filter((m) => m.thread_ts === threadTs);
  }

  view(idOrExternalId: string): Record<string, unknown> | undefined {
    const v = this.views.get(idOrExternalId) ?? this.views.get(this.externalIds.get(idOrExternalId) ?? '');
    return v && structuredClone(v);
  }

  homeView(userId: string): Record<string, unknown> | undefined {
    const id = this.homes.get(userId);
    return id === undefined ? undefined : this.view(id);
  }

  reset(): void {
    this.calls = [];
    this.responses = [];
    this.store.clear();
    this.views.clear();
    this.externalIds.clear();
    this.homes.clear();
    this.usedTriggers.clear();
    this.limits.clear();
    this.failures.clear();
    this.hookFailures = { count: 0, status: 500 };
    this.groups.clear();
    this.users.clear();
    this.channels.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const send = (r: Reply): void => {
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...r.headers });
      res.end(JSON.stringify(r.body));
    };

    if (url.pathname.startsWith('/api/') && (req.method === 'POST' || req.method === 'GET')) {
      const method = decodeURIComponent(url.pathname.slice('/api/'.length));
      let args: Obj;
      try {
        args = await parseArgs(req.headers['content-type'], raw);
      } catch {
        this.calls.push({ method, args: {}, at: Date.now(), status: 200, ok: false, error: 'invalid_json' });
        return send(fail('invalid_json'));
      }
      for (const [k, v] of url.searchParams) if (!(k in args)) args[k] = v;
      for (const k of JSON_FIELDS) {
        const v = args[k];
        if (typeof v === 'string') {
          try {
            args[k] = JSON.parse(v);
          } catch {
            // keep the string: validation reports it like Slack would
          }
        }
      }
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
      delete args.token;

      const reply = this.dispatch(method, args, token);
      const call: RecordedCall = {
        method,
        args,
        at: Date.now(),
        status: reply.status ?? 200,
        ok: reply.body.ok === true,
      };
      if (token !== undefined) call.token = token;
      if (!call.ok && typeof reply.body.error === 'string') call.error = reply.body.error;
      this.calls.push(call);
      notify(() => this.onCall?.(call, reply.body));
      return send(reply);
    }

    if (url.pathname.startsWith('/hooks/') && req.method === 'POST') {
      const id = decodeURIComponent(url.pathname.slice('/hooks/'.length));
      let body: Obj;
      let status = 200;
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        body = isObj(parsed) ? parsed : { value: parsed };
      } catch {
        body = { raw: raw.toString('utf8') };
        status = 400;
      }
      if (status === 200 && this.hookFailures.count > 0) {
        this.hookFailures.count--;
        status = this.hookFailures.status;
      }
      const recorded: RecordedResponse = { id, path: url.pathname, body, at: Date.now(), status };
      this.responses.push(recorded);
      notify(() => this.onResponse?.(recorded));
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : status === 400 ? 'invalid_payload' : 'failed');
      return;
    }

    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  private dispatch(method: string, args: Obj, token: string | undefined): Reply {
    const limit = this.limits.get(method);
    if (limit && limit.count > 0) {
      limit.count--;
      return { status: 429, headers: { 'retry-after': String(limit.retryAfterSec) }, ...fail('ratelimited') };
    }
    if (token === undefined) return fail('not_authed');
    const failure = this.failures.get(method);
    if (failure && failure.count > 0) {
      failure.count--;
      return fail(failure.error);
    }
    switch (method) {
      case 'auth.test':
        return this.ok({
          url: 'https://example.slack.com/',
          team: 'Example Data Team',
          user: 'mms',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        });
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.update(args);
      case 'chat.delete':
        return this.deleteMessage(args);
      case 'chat.postEphemeral':
        return this.postEphemeral(args);
      case 'chat.getPermalink': {
        const channel = str(args.channel);
        const ts = str(args.message_ts);
        if (!channel) return fail('channel_not_found');
        if (!ts) return fail('message_not_found');
        return this.ok({
          channel,
          permalink: `https://example.slack.com/archives/${channel}/p${ts.replace('.', '')}`,
        });
      }
      case 'conversations.history':
        return this.history(args);
      case 'conversations.replies':
        return this.threadReplies(args);
      case 'views.open':
      case 'views.push':
        return this.openView(args);
      case 'views.update':
        return this.updateView(args);
      case 'views.publish':
        return this.publishView(args);
      case 'usergroups.users.list': {
        const users = this.groups.get(str(args.usergroup) ?? '');
        return users ? this.ok({ users: [...users] }) : fail('no_such_subteam');
      }
      case 'usergroups.list':
        return this.ok({
          usergroups: [...this.groups].map(([id, users]) => ({
            id,
            team_id: this.teamId,
            handle: id.toLowerCase(),
            name: `Group ${id}`,
            user_count: users.length,
            ...(truthy(args.include_users) ? { users: [...users] } : {}),
          })),
        });
      case 'users.info':
        return this.userInfo(args);
      case 'conversations.info':
        return this.channelInfo(args);
      case 'apps.connections.open':
        // Only an app-level token opens a Socket Mode connection; a bot token is refused.
        if (!token.startsWith('xapp-')) return fail('not_allowed_token_type');
        return this.socketModeUrl ? this.ok({ url: this.socketModeUrl }) : fail('socket_mode_not_enabled');
      default:
        return this.ok({});
    }
  }

  private ok(fields: Obj): Reply {
    return { body: { ok: true, ...fields } };
  }

  // ---------------------------------------------------------------- chat.*

  private nextTs(): string {
    const micros = ++this.tsSeq * 100;
    return `${1_700_000_000 + Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  private find(channel: string, ts: string): StoredMessage | undefined {
    return this.store.get(channel)?.find((m) => m.ts === ts);
  }

  /** Shared checks of chat.postMessage / chat.update / chat.postEphemeral content. */
  private checkContent(args: Obj, requireContent: boolean): Reply | undefined {
    const hasText = typeof args.text === 'string' && args.text !== '';
    if (requireContent && !hasText && args.blocks === undefined && args.attachments === undefined) {
      return fail('no_text');
    }
    if (typeof args.text === 'string' && args.text.length > MESSAGE_TEXT_MAX) return fail('msg_too_long');
    if (args.blocks !== undefined) {
      const problems = checkBlocks(args.blocks, MESSAGE_BLOCKS_MAX);
      if (problems.length) return fail('invalid_blocks', problems);
      if (textLength(args.blocks) > BLOCK_TEXT_TOTAL_MAX) return fail('msg_blocks_too_long');
    }
    return undefined;
  }

  private render(m: StoredMessage): Obj {
    return {
      type: 'message',
      subtype: 'bot_message',
      text: m.text,
      user: m.user,
      bot_id: m.bot_id,
      app_id: APP_ID,
      team: this.teamId,
      ts: m.ts,
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.attachments !== undefined ? { attachments: m.attachments } : {}),
      ...(m.metadata !== undefined ? { metadata: m.metadata } : {}),
      ...(m.thread_ts ? { thread_ts: m.thread_ts, parent_user_id: this.botUserId } : {}),
      ...(m.updates ? { edited: { user: m.user, ts: m.ts } } : {}),
    };
  }

  private postMessage(args: Obj): Reply {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const bad = this.checkContent(args, true);
    if (bad) return bad;
    let threadTs = str(args.thread_ts);
    // Replying to a reply lands in the parent's thread, as in Slack.
    if (threadTs) threadTs = this.find(channel, threadTs)?.thread_ts ?? threadTs;
    const m: StoredMessage = {
      channel,
      ts: this.nextTs(),
      text: typeof args.text === 'string' ? args.text : '',
      updates: 0,
      user: this.botUserId,
      bot_id: this.botId,
    };
    if (threadTs) m.thread_ts = threadTs;
    if (Array.isArray(args.blocks)) m.blocks = args.blocks;
    if (args.attachments !== undefined) m.attachments = args.attachments;
    if (args.metadata !== undefined) m.metadata = args.metadata;
    if (threadTs && truthy(args.reply_broadcast)) m.reply_broadcast = true;
    const list = this.store.get(channel) ?? [];
    list.push(m);
    this.store.set(channel, list);
    return this.ok({ channel, ts: m.ts, message: this.render(m) });
  }

  private update(args: Obj): Reply {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const m = this.find(channel, str(args.ts) ?? '');
    if (!m) return fail('message_not_found');
    const bad = this.checkContent(args, true);
    if (bad) return bad;
    // Fields left out keep their previous value (chat.update docs); `blocks: []` removes the blocks.
    if (typeof args.text === 'string') m.text = args.text;
    if (Array.isArray(args.blocks)) {
      if (args.blocks.length) m.blocks = args.blocks;
      else delete m.blocks;
    }
    if (args.attachments !== undefined) m.attachments = args.attachments;
    if (args.metadata !== undefined) m.metadata = args.metadata;
    m.updates++;
    return this.ok({ channel, ts: m.ts, text: m.text, message: this.render(m) });
  }

  private deleteMessage(args: Obj): Reply {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const list = this.store.get(channel) ?? [];
    const i = list.findIndex((m) => m.ts === args.ts);
    if (i < 0) return fail('message_not_found');
    const [m] = list.splice(i, 1);
    return this.ok({ channel, ts: m?.ts });
  }

  private postEphemeral(args: Obj): Reply {
    if (!str(args.channel)) return fail('channel_not_found');
    if (!str(args.user)) return fail('user_not_found');
    return this.checkContent(args, true) ?? this.ok({ message_ts: this.nextTs() });
  }

  private history(args: Obj): Reply {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const list = (this.store.get(channel) ?? []).filter((m) => !m.thread_ts || m.reply_broadcast);
    return this.ok({ messages: list.reverse().map((m) => this.render(m)), has_more: false });
  }

  private threadReplies(args: Obj): Reply {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const ts = str(args.ts) ?? '';
    const parent = this.find(channel, ts);
    if (!parent) return fail('thread_not_found');
    const list = (this.store.get(channel) ?? []).filter((m) => m === parent || m.thread_ts === ts);
    return this.ok({ messages: list.map((m) => this.render(m)), has_more: false });
  }

  // ---------------------------------------------------------------- views.*

  private consumeTrigger(args: Obj): Reply | undefined {
    const trigger = str(args.trigger_id) ?? str(args.interactivity_pointer);
    if (!trigger) return fail('invalid_arguments', ['missing required field: trigger_id']);
    if (this.usedTriggers.has(trigger)) return fail('exchanged_trigger_id');
    this.usedTriggers.add(trigger);
    return undefined;
  }

  private storeView(view: Obj, id: string, extra: Obj): Obj {
    const stored: Obj = {
      ...view,
      id,
      team_id: this.teamId,
      app_id: APP_ID,
      bot_id: this.botId,
      hash: `h${Date.now().toString(36)}${++this.seq}`,
      state: { values: {} },
      private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
      callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
      external_id: typeof view.external_id === 'string' ? view.external_id : '',
      ...extra,
    };
    this.views.set(id, stored);
    if (stored.external_id) this.externalIds.set(String(stored.external_id), id);
    return stored;
  }

  private newViewId(): string {
    return `V${String(++this.seq).padStart(10, '0')}`;
  }

  private openView(args: Obj): Reply {
    const bad = this.consumeTrigger(args);
    if (bad) return bad;
    const problems = checkView(args.view, 'modal');
    if (problems.length) return fail('invalid_arguments', problems);
    const view = args.view as Obj;
    const ext = str(view.external_id);
    if (ext && this.externalIds.has(ext)) return fail('duplicate_external_id');
    const id = this.newViewId();
    const stored = this.storeView(view, id, { root_view_id: id, previous_view_id: null });
    return this.ok({ view: stored });
  }

  private updateView(args: Obj): Reply {
    const id = str(args.view_id) ?? this.externalIds.get(str(args.external_id) ?? '');
    if (!str(args.view_id) && !str(args.external_id)) {
      return fail('invalid_arguments', ['missing required field: view_id or external_id']);
    }
    const current = id === undefined ? undefined : this.views.get(id);
    if (!id || !current) return fail('not_found');
    if (str(args.hash) && args.hash !== current.hash) return fail('hash_conflict');
    const problems = checkView(args.view, current.type === 'home' ? 'home' : 'modal');
    if (problems.length) return fail('invalid_arguments', problems);
    const stored = this.storeView(args.view as Obj, id, {
      root_view_id: current.root_view_id ?? id,
      previous_view_id: current.previous_view_id ?? null,
    });
    return this.ok({ view: stored });
  }

  private publishView(args: Obj): Reply {
    const user = str(args.user_id);
    if (!user) return fail('invalid_arguments', ['missing required field: user_id']);
    const problems = checkView(args.view, 'home');
    if (problems.length) return fail('invalid_arguments', problems);
    const existing = this.homes.get(user);
    if (existing && str(args.hash) && args.hash !== this.views.get(existing)?.hash)
      return fail('hash_conflict');
    const id = existing ?? this.newViewId();
    this.homes.set(user, id);
    return this.ok({
      view: this.storeView(args.view as Obj, id, { root_view_id: id, previous_view_id: null }),
    });
  }

  // ---------------------------------------------------------------- users / conversations

  private userInfo(args: Obj): Reply {
    const id = str(args.user);
    if (!id) return fail('user_not_found');
    const o = this.users.get(id) ?? {};
    const name = typeof o.name === 'string' ? o.name : `user.${id.toLowerCase()}`;
    const realName = typeof o.real_name === 'string' ? o.real_name : `User ${id}`;
    const profile = {
      real_name: realName,
      display_name: name,
      email: `${name}@example.com`,
      ...(isObj(o.profile) ? o.profile : {}),
    };
    return this.ok({
      user: {
        id,
        team_id: this.teamId,
        name,
        real_name: realName,
        deleted: false,
        is_bot: false,
        is_admin: false,
        is_restricted: false,
        tz: 'Asia/Shanghai',
        tz_offset: 28_800,
        ...o,
        profile,
      },
    });
  }

  private channelInfo(args: Obj): Reply {
    const id = str(args.channel);
    if (!id) return fail('channel_not_found');
    const isIm = id.startsWith('D');
    const isPrivate = id.startsWith('G');
    return this.ok({
      channel: {
        id,
        name: isIm ? undefined : `chan-${id.toLowerCase()}`,
        is_channel: !isIm && !isPrivate,
        is_group: isPrivate,
        is_im: isIm,
        is_private: isPrivate || isIm,
        is_archived: false,
        is_member: true,
        is_general: false,
        created: 1_690_000_000,
        creator: 'U0ADMIN001',
        topic: { value: '', creator: '', last_set: 0 },
        purpose: { value: '', creator: '', last_set: 0 },
        ...this.channels.get(id),
      },
    });
  }
}

/** Runs a listener; its failure is its own business, never the reply's. */
function notify(listener: () => void): void {
  try {
    listener();
  } catch {
    // ignored on purpose
  }
}

// ------------------------------------------------------------------ body parsing

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function parseArgs(contentType: string | undefined, raw: Buffer): Promise<Obj> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    const parsed: unknown = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    if (!isObj(parsed)) throw new Error('JSON body is not an object');
    return { ...parsed };
  }
  const args: Obj = {};
  if (type === 'multipart/form-data') {
    const form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': contentType ?? '' },
    }).formData();
    for (const [k, v] of form)
      args[k] = typeof v === 'string' ? v : { filename: v.name, size: v.size, type: v.type };
    return args;
  }
  for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) args[k] = v;
  return args;
}

// ------------------------------------------------------------------ Block Kit checks (docs/SLACK.md §3)

/** Sum of the lengths of every `text` string anywhere in the blocks (what msg_blocks_too_long counts). */
function textLength(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + textLength(x), 0);
  if (!isObj(v)) return 0;
  let n = 0;
  for (const [k, x] of Object.entries(v))
    n += k === 'text' && typeof x === 'string' ? x.length : textLength(x);
  return n;
}

function checkBlocks(blocks: unknown, max: number, at = '/blocks'): string[] {
  if (!Array.isArray(blocks)) return [`must be a JSON array [json-pointer:${at}]`];
  const out: string[] = [];
  if (blocks.length > max) out.push(`no more than ${max} items allowed [json-pointer:${at}]`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    checkBlock(b, `${at}/${i}`, out, ids);
  });
  return out;
}

function checkText(
  t: unknown,
  at: string,
  out: string[],
  max: number,
  o: { plain?: boolean; required?: boolean } = {},
): void {
  if (t === undefined) {
    if (o.required) out.push(`missing required field: text [json-pointer:${at}]`);
    return;
  }
  if (!isObj(t) || (t.type !== 'plain_text' && t.type !== 'mrkdwn') || typeof t.text !== 'string') {
    out.push(`must be a text object [json-pointer:${at}]`);
    return;
  }
  if (o.plain && t.type !== 'plain_text') out.push(`must be plain_text [json-pointer:${at}/type]`);
  if (t.text.length === 0) out.push(`must be more than 0 characters [json-pointer:${at}/text]`);
  if (t.text.length > max) out.push(`must be less than ${max + 1} characters [json-pointer:${at}/text]`);
}

function checkLength(v: unknown, max: number, at: string, out: string[]): void {
  if (v !== undefined && (typeof v !== 'string' || v.length > max)) {
    out.push(`must be a string of at most ${max} characters [json-pointer:${at}]`);
  }
}

function checkItems(v: unknown, max: number, at: string, out: string[], required = false): unknown[] {
  if (v === undefined && !required) return [];
  if (!Array.isArray(v)) {
    out.push(`must be an array [json-pointer:${at}]`);
    return [];
  }
  if (required && v.length === 0) out.push(`must have at least 1 item [json-pointer:${at}]`);
  if (v.length > max) out.push(`no more than ${max} items allowed [json-pointer:${at}]`);
  return v;
}

function checkBlock(b: unknown, at: string, out: string[], ids: Set<string>): void {
  if (!isObj(b) || typeof b.type !== 'string') {
    out.push(`must be an object with a string type [json-pointer:${at}]`);
    return;
  }
  if (b.block_id !== undefined) {
    checkLength(b.block_id, 255, `${at}/block_id`, out);
    if (typeof b.block_id === 'string') {
      if (ids.has(b.block_id))
        out.push(`block_id must be unique: ${b.block_id} [json-pointer:${at}/block_id]`);
      ids.add(b.block_id);
    }
  }
  switch (b.type) {
    case 'section': {
      checkText(b.text, `${at}/text`, out, 3000);
      const fields = checkItems(b.fields, 10, `${at}/fields`, out);
      fields.forEach((f, i) => {
        checkText(f, `${at}/fields/${i}`, out, 2000, { required: true });
      });
      if (b.text === undefined && b.fields === undefined)
        out.push(`must provide text or fields [json-pointer:${at}]`);
      if (b.accessory !== undefined) checkElement(b.accessory, `${at}/accessory`, out);
      break;
    }
    case 'header':
      checkText(b.text, `${at}/text`, out, 150, { plain: true, required: true });
      break;
    case 'actions': {
      const actionIds = new Set<string>();
      checkItems(b.elements, 25, `${at}/elements`, out, true).forEach((e, i) => {
        checkElement(e, `${at}/elements/${i}`, out);
        if (isObj(e) && typeof e.action_id === 'string') {
          if (actionIds.has(e.action_id)) {
            out.push(
              `action_id must be unique in a block: ${e.action_id} [json-pointer:${at}/elements/${i}]`,
            );
          }
          actionIds.add(e.action_id);
        }
      });
      break;
    }
    case 'context':
      checkItems(b.elements, 10, `${at}/elements`, out, true);
      break;
    case 'input':
      checkText(b.label, `${at}/label`, out, 2000, { plain: true, required: true });
      checkText(b.hint, `${at}/hint`, out, 2000, { plain: true });
      if (b.element === undefined) out.push(`missing required field: element [json-pointer:${at}]`);
      else checkElement(b.element, `${at}/element`, out);
      break;
    case 'markdown':
      checkLength(b.text, 12_000, `${at}/text`, out);
      break;
    default:
      // divider, image, rich_text, table, …: accepted as they are.
      break;
  }
}

function checkElement(e: unknown, at: string, out: string[]): void {
  if (!isObj(e) || typeof e.type !== 'string') {
    out.push(`must be an object with a string type [json-pointer:${at}]`);
    return;
  }
  checkLength(e.action_id, 255, `${at}/action_id`, out);
  if (e.confirm !== undefined) checkConfirm(e.confirm, `${at}/confirm`, out);
  checkText(e.placeholder, `${at}/placeholder`, out, 150, { plain: true });
  switch (e.type) {
    case 'button':
      checkText(e.text, `${at}/text`, out, 75, { plain: true, required: true });
      checkLength(e.value, 2000, `${at}/value`, out);
      checkLength(e.url, 3000, `${at}/url`, out);
      if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') {
        out.push(`must be primary or danger [json-pointer:${at}/style]`);
      }
      break;
    case 'static_select':
    case 'multi_static_select':
      checkOptions(e.options, 100, `${at}/options`, out);
      checkItems(e.option_groups, 100, `${at}/option_groups`, out).forEach((g, i) => {
        if (isObj(g)) checkOptions(g.options, 100, `${at}/option_groups/${i}/options`, out);
      });
      break;
    case 'overflow':
      checkOptions(e.options, 5, `${at}/options`, out);
      break;
    case 'checkboxes':
    case 'radio_buttons':
      checkOptions(e.options, 10, `${at}/options`, out);
      break;
    case 'plain_text_input':
      if (typeof e.max_length === 'number' && e.max_length > 3000) {
        out.push(`must be at most 3000 [json-pointer:${at}/max_length]`);
      }
      break;
    default:
      break;
  }
}

function checkOptions(options: unknown, max: number, at: string, out: string[]): void {
  checkItems(options, max, at, out).forEach((o, i) => {
    if (!isObj(o)) {
      out.push(`must be an option object [json-pointer:${at}/${i}]`);
      return;
    }
    checkText(o.text, `${at}/${i}/text`, out, 75, { required: true });
    // @slack/types says 75, current docs say 150: reject only what Slack surely rejects.
    checkLength(o.value, 150, `${at}/${i}/value`, out);
    checkText(o.description, `${at}/${i}/description`, out, 75);
  });
}

function checkConfirm(c: unknown, at: string, out: string[]): void {
  if (!isObj(c)) {
    out.push(`must be a confirmation object [json-pointer:${at}]`);
    return;
  }
  checkText(c.title, `${at}/title`, out, 100, { plain: true, required: true });
  checkText(c.text, `${at}/text`, out, 300, { required: true });
  checkText(c.confirm, `${at}/confirm`, out, 30, { plain: true, required: true });
  checkText(c.deny, `${at}/deny`, out, 30, { plain: true, required: true });
  if (c.style !== undefined && c.style !== 'primary' && c.style !== 'danger') {
    out.push(`must be primary or danger [json-pointer:${at}/style]`);
  }
}

function checkView(view: unknown, kind: 'modal' | 'home'): string[] {
  if (!isObj(view)) return ['missing required field: view [json-pointer:/view]'];
  const out: string[] = [];
  if (view.type !== kind) out.push(`type must be ${kind} [json-pointer:/view/type]`);
  if (kind === 'modal') {
    checkText(view.title, '/view/title', out, 24, { plain: true, required: true });
    checkText(view.submit, '/view/submit', out, 24, { plain: true });
    checkText(view.close, '/view/close', out, 24, { plain: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) {
      out.push('submit is required when the view has an input block [json-pointer:/view/submit]');
    }
  }
  checkLength(view.private_metadata, 3000, '/view/private_metadata', out);
  checkLength(view.callback_id, 255, '/view/callback_id', out);
  checkLength(view.external_id, 255, '/view/external_id', out);
  out.push(...checkBlocks(view.blocks, VIEW_BLOCKS_MAX, '/view/blocks'));
  return out;
}

// ------------------------------------------------------------------ waiting

function poll<T>(find: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const hit = find();
      if (hit !== undefined) resolve(hit);
      else if (Date.now() >= deadline) reject(new Error(describe()));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

function listing(lines: string[]): string {
  return lines.length ? lines.map((l) => `\n  - ${l}`).join('') : '\n  (none)';
}

function brief(v: unknown): string {
  const s = JSON.stringify(v) ?? '';
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
