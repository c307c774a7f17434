// What Slack itself would hold for the people in the sandbox, beyond the channel's messages (which live in
// the Web API stand-in): each user's ephemeral messages, their open modals, what a response_url post means
// (a new ephemeral, or replacing/deleting the message it came from), and which user a trigger_id belongs to.
// It sends the users' commands, clicks, selections and submissions to the bot through the signed client.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import { BOT, SANDBOX_CHANNEL, USERS, userById } from './people.js';
import type { ActionOpts, SlackClient, SlackReply } from './slack-client.js';
import type { RecordedCall, RecordedResponse, SlackApiStandIn, StoredMessage } from './slack-standin.js';
import { type SimpleValues, stateValues } from './view-state.js';

type Obj = Record<string, unknown>;

export interface Ephemeral {
  id: string;
  user: string;
  channel: string;
  /** A ts for clicks on it; never a channel message's. */
  ts: string;
  seq: number;
  at: number;
  text: string;
  blocks?: unknown[];
  /** How it came: the command's ack, a response_url post, chat.postEphemeral, a DM, or the sandbox. */
  via: 'ack' | 'response_url' | 'postEphemeral' | 'dm' | 'command' | 'sandbox';
}

export interface OpenModal {
  id: string;
  view: Obj;
  /** Errors of the last submission, by block id. */
  errors: Record<string, string>;
}

/** Where a response_url leads back to. */
interface Origin {
  user: string;
  channel: string;
  ephemeralId?: string;
  messageTs?: string;
}

export interface TimelineMessage {
  kind: 'message';
  ts: string;
  seq: number;
  at: number;
  text: string;
  blocks?: unknown[];
  edited: boolean;
  /** A thread reply also sent to the channel (shown in the channel too). */
  broadcast?: boolean;
  /** Set on a reply shown at the top level (broadcast, or its parent is gone). */
  parentTs?: string;
  replies: TimelineMessage[];
}

export type TimelineItem = TimelineMessage | ({ kind: 'ephemeral' } & Omit<Ephemeral, 'user'>);

export interface UserState {
  me: { id: string; name: string; role: string };
  users: Array<{ id: string; name: string; role: string }>;
  /** Display names for mentions: users, the bot, the channel. */
  names: Record<string, string>;
  channel: { id: string; name: string };
  timeline: TimelineItem[];
  modal: (OpenModal & { depth: number }) | null;
  home: Obj | null;
}

/** What a click, select or submit acts on. */
export interface Target {
  messageTs?: string;
  ephemeralId?: string;
  viewId?: string;
  blockId?: string;
  /** Current input values of the view (for a select inside a modal). */
  values?: SimpleValues;
}

export interface Outcome {
  /** HTTP status of the bot's answer. */
  status: number;
  /** Errors the bot returned for a view submission. */
  errors?: Record<string, string>;
}

const MAX_EPHEMERALS = 300;
const MAX_TIMELINE = 400;
const MAX_REMEMBERED = 5000;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export class SandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Workspace {
  private api?: SlackApiStandIn;
  private slack?: SlackClient;
  private seq = 0;
  private idSeq = 0;
  private readonly ephemerals = new Map<string, Ephemeral[]>();
  private readonly modals = new Map<string, OpenModal[]>();
  private readonly origins = new Map<string, Origin>();
  private readonly triggers = new Map<string, string>();
  /** First sight of each channel message (`channel:ts`): its place in the timeline and its time. */
  private readonly seen = new Map<string, { seq: number; at: number }>();

  constructor(private readonly o: { logger: Logger; token: string; channel?: string; now?: () => number }) {}

  private get channel(): string {
    return this.o.channel ?? SANDBOX_CHANNEL.id;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Wires the stand-in (whose listeners call `onCall`/`onResponse`) and the client that reaches the bot. */
  connect(api: SlackApiStandIn, slack: SlackClient): void {
    this.api = api;
    this.slack = slack;
  }

  private parts(): { api: SlackApiStandIn; slack: SlackClient } {
    if (!this.api || !this.slack) throw new Error('workspace is not connected');
    return { api: this.api, slack: this.slack };
  }

  // ---------------------------------------------------------------- what users do

  /** `/mms <text>` typed by `user` in the channel. */
  async command(user: string, input: string): Promise<Outcome> {
    const { api, slack } = this.parts();
    const text = input.trim().replace(/^\/mms(?:\s+|$)/, '');
    if (/^\/\S/.test(text)) throw new SandboxError(400, 'Only /mms commands exist in this sandbox.');
    this.addEphemeral({ user, channel: this.channel, text: `/mms ${text}`.trim(), via: 'command' });
    const responseId = this.newId('r');
    const origin: Origin = { user, channel: this.channel };
    this.remember(this.origins, responseId, origin);
    const reply = await slack.command(text, {
      user,
      userName: userById(user)?.name,
      channel: this.channel,
      channelName: SANDBOX_CHANNEL.name,
      responseUrl: api.responseUrl(responseId),
      triggerId: this.newTrigger(user),
    });
    const eph = this.takeAck(user, reply);
    if (eph) origin.ephemeralId = eph.id;
    return { status: reply.status };
  }

  /** A button press on a channel message, an ephemeral, a modal or the Home tab. */
  async click(
    user: string,
    a: { actionId: string; value?: string; text?: string } & Target,
  ): Promise<Outcome> {
    const { slack } = this.parts();
    const reply = await slack.click(a.actionId, a.value ?? '', {
      ...this.container(user, a),
      ...(a.text ? { text: a.text } : {}),
    });
    this.takeAck(user, reply);
    return { status: reply.status };
  }

  /** A choice in a select menu (one value, or several for a multi-select). */
  async select(
    user: string,
    a: { actionId: string; selected: string | string[]; type?: string } & Target,
  ): Promise<Outcome> {
    const { slack } = this.parts();
    const reply = await slack.select(a.actionId, a.selected, {
      ...this.container(user, a),
      ...(a.type ? { type: a.type } : {}),
    });
    this.takeAck(user, reply);
    return { status: reply.status };
  }

  /** Submit of the user's top modal with these input values. */
  async submit(user: string, viewId: string, values: SimpleValues): Promise<Outcome> {
    const { slack } = this.parts();
    const stack = this.modals.get(user) ?? [];
    const top = stack.at(-1);
    if (!top || top.id !== viewId) throw new SandboxError(409, 'That modal is no longer open.');
    const v = top.view;
    const reply = await slack.submitView(str(v.callback_id) ?? '', stateValues(v, values), {
      user,
      viewId,
      privateMetadata: str(v.private_metadata) ?? '',
      hash: str(v.hash) ?? 'h0',
      triggerId: this.newTrigger(user),
      view: pick(v, [
        'type',
        'title',
        'submit',
        'close',
        'blocks',
        'external_id',
        'root_view_id',
        'previous_view_id',
        'notify_on_close',
        'clear_on_close',
      ]),
    });
    if (reply.status !== 200) {
      this.sandboxNote(user, `The bot answered HTTP ${reply.status} to the form submission.`);
      return { status: reply.status };
    }
    const body: Obj = isObj(reply.body) ? reply.body : {};
    switch (body.response_action) {
      case 'errors': {
        const errors = isObj(body.errors)
          ? Object.fromEntries(Object.entries(body.errors).map(([k, x]) => [k, String(x)]))
          : {};
        top.errors = errors;
        return { status: reply.status, errors };
      }
      case 'update':
        if (isObj(body.view))
          stack[stack.length - 1] = { id: top.id, view: { ...body.view, id: top.id }, errors: {} };
        break;
      case 'push':
        if (isObj(body.view)) {
          const id = this.newId('V');
          stack.push({ id, view: { ...body.view, id }, errors: {} });
        }
        break;
      case 'clear':
        this.modals.delete(user);
        break;
      default:
        stack.pop();
    }
    return { status: reply.status };
  }

  /** The modal's Cancel / ×: closes it (and anything pushed on it). */
  closeModal(user: string, viewId: string): void {
    const stack = this.modals.get(user) ?? [];
    const i = stack.findIndex((m) => m.id === viewId);
    if (i >= 0) stack.splice(i);
  }

  /** Opening the app's Home tab. */
  async openHome(user: string): Promise<Outcome> {
    const { slack } = this.parts();
    const reply = await slack.event({
      type: 'app_home_opened',
      user,
      channel: `D${user.slice(1)}`,
      tab: 'home',
    });
    return { status: reply.status };
  }

  /** Removes one of the user's ephemeral messages (Slack's "Dismiss message"). */
  dismiss(user: string, id: string): void {
    const list = this.ephemerals.get(user);
    const i = list?.findIndex((e) => e.id === id) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
  }

  // ---------------------------------------------------------------- what the user sees

  state(user: string): UserState {
    const { api } = this.parts();
    const me = userById(user);
    if (!me) throw new SandboxError(400, `Unknown user ${user}.`);
    const stored = api.messages(this.channel);
    const items: TimelineItem[] = [];
    const byTs = new Map<string, TimelineMessage>();
    for (const m of stored) if (!m.thread_ts) byTs.set(m.ts, this.toItem(m));
    for (const m of stored) {
      if (!m.thread_ts) continue;
      const parent = byTs.get(m.thread_ts);
      const item = this.toItem(m);
      if (parent) parent.replies.push(item);
      if (!parent || m.reply_broadcast) items.push({ ...item, parentTs: m.thread_ts, replies: [] });
    }
    items.push(...byTs.values());
    for (const e of this.ephemerals.get(user) ?? []) {
      const { user: _user, ...rest } = e;
      items.push({ kind: 'ephemeral', ...rest });
    }
    items.sort((a, b) => a.seq - b.seq);
    const modalStack = this.modals.get(user) ?? [];
    const top = modalStack.at(-1);
    return {
      me: { id: me.id, name: me.name, role: me.role },
      users: USERS.map((u) => ({ id: u.id, name: u.name, role: u.role })),
      names: {
        ...Object.fromEntries(USERS.map((u) => [u.id, u.name])),
        [BOT.userId]: BOT.name,
        [this.channel]: SANDBOX_CHANNEL.name,
      },
      channel: { id: this.channel, name: SANDBOX_CHANNEL.name },
      timeline: items.slice(-MAX_TIMELINE),
      modal: top ? { ...structuredClone(top), depth: modalStack.length } : null,
      home: api.homeView(user) ?? null,
    };
  }

  private toItem(m: StoredMessage): TimelineMessage {
    const key = `${m.channel}:${m.ts}`;
    let seen = this.seen.get(key);
    if (!seen) {
      // Posted without our listener seeing it (should not happen): place it where we first see it.
      seen = { seq: ++this.seq, at: this.now() };
      this.seen.set(key, seen);
    }
    return {
      kind: 'message',
      ts: m.ts,
      seq: seen.seq,
      at: seen.at,
      text: m.text,
      ...(m.blocks ? { blocks: m.blocks } : {}),
      edited: m.updates > 0,
      ...(m.reply_broadcast ? { broadcast: true } : {}),
      replies: [],
    };
  }

  // ---------------------------------------------------------------- the stand-in's listeners

  /** Every Web API call the bot (or the sandbox) made, with its reply. */
  onCall(call: RecordedCall, reply: Obj): void {
    const api = this.api;
    // Long sessions: the listeners keep what matters; the recording only needs a short memory.
    if (api && api.calls.length > 2000) api.calls.splice(0, 1000);
    if (!call.ok) return;
    const a = call.args;
    switch (call.method) {
      case 'chat.postMessage': {
        const channel = str(reply.channel) ?? '';
        const ts = str(reply.ts) ?? '';
        if (userById(channel)) {
          this.addEphemeral({
            user: channel,
            channel,
            text: textArg(a),
            blocks: blocksArg(a),
            via: 'dm',
            ts,
          });
        } else {
          this.seen.set(`${channel}:${ts}`, { seq: ++this.seq, at: this.now() });
        }
        break;
      }
      case 'chat.postEphemeral': {
        const user = str(a.user);
        if (!user) break;
        this.addEphemeral({
          user,
          channel: str(a.channel) ?? this.channel,
          text: textArg(a),
          blocks: blocksArg(a),
          via: 'postEphemeral',
          ts: str(reply.message_ts),
        });
        break;
      }
      case 'views.open':
      case 'views.push': {
        const user = this.triggers.get(str(a.trigger_id) ?? '');
        const view = isObj(reply.view) ? structuredClone(reply.view) : undefined;
        const id = str(view?.id);
        if (!user || !view || !id) break;
        const entry = { id, view, errors: {} };
        if (call.method === 'views.open') this.modals.set(user, [entry]);
        else this.modals.set(user, [...(this.modals.get(user) ?? []), entry]);
        break;
      }
      case 'views.update': {
        const view = isObj(reply.view) ? reply.view : undefined;
        const id = str(view?.id);
        if (!view || !id) break;
        for (const stack of this.modals.values()) {
          const i = stack.findIndex((m) => m.id === id);
          if (i >= 0) stack[i] = { id, view: structuredClone(view), errors: {} };
        }
        break;
      }
      default:
        break;
    }
  }

  /** A response_url POST: a new ephemeral, or a replacement or deletion of the message it came from. */
  onResponse(r: RecordedResponse): void {
    const api = this.api;
    if (api && api.responses.length > 1000) api.responses.splice(0, 500);
    const origin = this.origins.get(r.id);
    if (r.status !== 200 || !origin) return;
    const b = r.body;
    const text = textArg(b);
    const blocks = blocksArg(b);
    const eph = origin.ephemeralId ? this.findEphemeral(origin.user, origin.ephemeralId) : undefined;
    if (b.delete_original === true || b.delete_original === 'true') {
      if (eph) this.dismiss(origin.user, eph.id);
      else if (origin.messageTs)
        this.callApi('chat.delete', { channel: origin.channel, ts: origin.messageTs });
      return;
    }
    if (b.replace_original === true || b.replace_original === 'true') {
      if (eph) {
        eph.text = text;
        if (blocks) eph.blocks = blocks;
        else delete eph.blocks;
        return;
      }
      if (origin.messageTs) {
        this.callApi('chat.update', {
          channel: origin.channel,
          ts: origin.messageTs,
          text,
          ...(blocks ? { blocks } : {}),
        });
        return;
      }
    }
    if (b.response_type === 'in_channel') {
      this.callApi('chat.postMessage', {
        channel: origin.channel,
        text,
        ...(blocks ? { blocks } : {}),
        ...(str(b.thread_ts) ? { thread_ts: b.thread_ts } : {}),
      });
      return;
    }
    const added = this.addEphemeral({
      user: origin.user,
      channel: origin.channel,
      text,
      blocks,
      via: 'response_url',
    });
    // A later replace_original through the same URL replaces this answer.
    if (!origin.ephemeralId) origin.ephemeralId = added.id;
  }

  // ---------------------------------------------------------------- internals

  /** The ack body of a command or action: an ephemeral answer, or an error note when the bot failed. */
  private takeAck(user: string, reply: SlackReply): Ephemeral | undefined {
    if (reply.status !== 200) {
      return this.sandboxNote(
        user,
        `The bot answered HTTP ${reply.status}${reply.body ? `: ${String(reply.body)}` : ''}.`,
      );
    }
    const b: unknown = reply.body;
    if (!isObj(b) || (b.text === undefined && b.blocks === undefined)) return undefined;
    if (b.response_type === 'in_channel') {
      this.callApi('chat.postMessage', { channel: this.channel, text: textArg(b), blocks: blocksArg(b) });
      return undefined;
    }
    return this.addEphemeral({
      user,
      channel: this.channel,
      text: textArg(b),
      blocks: blocksArg(b),
      via: 'ack',
    });
  }

  private sandboxNote(user: string, text: string): Ephemeral {
    return this.addEphemeral({ user, channel: this.channel, text: `:warning: ${text}`, via: 'sandbox' });
  }

  /** The container fields of an action payload: the view, or the message (and its response_url). */
  private container(user: string, t: Target & { actionId: string }): ActionOpts {
    const { api } = this.parts();
    const base: ActionOpts = {
      user,
      channel: this.channel,
      triggerId: this.newTrigger(user),
      ...(t.blockId ? { blockId: t.blockId } : {}),
    };
    if (t.viewId) {
      const view = this.viewOf(user, t.viewId);
      if (!view) throw new SandboxError(409, 'That view is no longer open.');
      return { ...base, view: { ...view, state: { values: stateValues(view, t.values ?? {}) } } };
    }
    const responseId = this.newId('r');
    const responseUrl = api.responseUrl(responseId);
    if (t.ephemeralId) {
      const e = this.findEphemeral(user, t.ephemeralId);
      if (!e) throw new SandboxError(409, 'That message is gone.');
      this.remember(this.origins, responseId, { user, channel: e.channel, ephemeralId: e.id });
      return {
        ...base,
        channel: e.channel,
        responseUrl,
        message: { ts: e.ts, text: e.text, ...(e.blocks ? { blocks: e.blocks } : {}) },
      };
    }
    const m = t.messageTs ? api.messages(this.channel).find((x) => x.ts === t.messageTs) : undefined;
    if (!m) throw new SandboxError(409, 'That message is gone.');
    this.remember(this.origins, responseId, { user, channel: this.channel, messageTs: m.ts });
    return {
      ...base,
      responseUrl,
      message: {
        ts: m.ts,
        text: m.text,
        ...(m.blocks ? { blocks: m.blocks } : {}),
        ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      },
    };
  }

  /** One of the user's open modals, or their Home tab, by view id. */
  private viewOf(user: string, viewId: string): Obj | undefined {
    const modal = (this.modals.get(user) ?? []).find((m) => m.id === viewId);
    if (modal) return structuredClone(modal.view);
    const home = this.parts().api.homeView(user);
    return home && home.id === viewId ? home : undefined;
  }

  private findEphemeral(user: string, id: string): Ephemeral | undefined {
    return this.ephemerals.get(user)?.find((e) => e.id === id);
  }

  private addEphemeral(e: {
    user: string;
    channel: string;
    text: string;
    blocks?: unknown[];
    via: Ephemeral['via'];
    ts?: string;
  }): Ephemeral {
    const seq = ++this.seq;
    const eph: Ephemeral = {
      id: this.newId('e'),
      user: e.user,
      channel: e.channel,
      // A ts no channel message has: chat.update on it fails, as it does for a real ephemeral.
      ts: e.ts ?? `${Math.floor(this.now() / 1000)}.${String(seq).padStart(6, '0')}`,
      seq,
      at: this.now(),
      text: e.text,
      ...(e.blocks ? { blocks: e.blocks } : {}),
      via: e.via,
    };
    const list = this.ephemerals.get(e.user) ?? [];
    list.push(eph);
    if (list.length > MAX_EPHEMERALS) list.splice(0, list.length - MAX_EPHEMERALS);
    this.ephemerals.set(e.user, list);
    return eph;
  }

  /** Calls the stand-in as Slack itself would act (response_url effects on channel messages). */
  private callApi(method: string, args: Obj): void {
    const { api } = this.parts();
    fetch(`${api.url}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    })
      .then(async (res) => {
        const body = (await res.json()) as { ok?: boolean; error?: string };
        if (!body.ok)
          this.o.logger.warn({ method, error: body.error }, 'sandbox: response_url effect failed');
      })
      .catch((err: unknown) => this.o.logger.warn({ err, method }, 'sandbox: response_url effect failed'));
  }

  private newId(prefix: string): string {
    return `${prefix}${Date.now().toString(36)}${(++this.idSeq).toString(36)}`;
  }

  private newTrigger(user: string): string {
    const id = `${Date.now()}.${++this.idSeq}.${randomBytes(8).toString('hex')}`;
    this.remember(this.triggers, id, user);
    return id;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.set(key, value);
    if (map.size > MAX_REMEMBERED) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
  }
}

function textArg(a: Obj): string {
  return typeof a.text === 'string' ? a.text : '';
}

function blocksArg(a: Obj): unknown[] | undefined {
  return Array.isArray(a.blocks) && a.blocks.length ? structuredClone(a.blocks) : undefined;
}

function pick(o: Obj, keys: string[]): Obj {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, structuredClone(o[k])]));
}
