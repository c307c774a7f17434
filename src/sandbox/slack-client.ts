/**
 * Signed requests to a Bolt app over real HTTP, shaped like the ones Slack sends (docs/SLACK.md §1, §2):
 * slash commands and interactivity as `application/x-www-form-urlencoded` (exactly that: Bolt answers 400 to
 * a charset suffix), events as JSON, each signed `v0=HMAC-SHA256(secret, 'v0:'+ts+':'+rawBody)`.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const USER = 'U0OPS00001';
export const CHANNEL = 'C0DATA0001';
export const TEAM = 'T0TEAM0001';
export const APP_ID = 'A0MMSAPP01';
export const FORM = 'application/x-www-form-urlencoded';

export interface SlackClientOpts {
  /** `http://127.0.0.1:<port>` where the app listens. */
  baseUrl: string;
  signingSecret: string;
  /** Clock for `x-slack-request-timestamp`, in seconds. Default: the real clock. */
  now?: () => number;
  /** Where default `response_url`s point: pass the Slack API stand-in. Without it: a closed loopback port. */
  api?: { responseUrl(id?: string): string };
  /** Request path. Default `/slack/events`. */
  path?: string;
  /** The bot's user id, for event `authorizations`, author of payload messages. Default `U0BOT00001`. */
  botUserId?: string;
}

export interface SlackReply {
  status: number;
  /** Parsed JSON when the reply is JSON, else the text ('' for an empty 200 from `ack()`). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary ack bodies
  body: any;
  headers: Headers;
  /** The response_url put in the payload, if any. */
  responseUrl?: string;
  /** The trigger_id put in the payload, if any. */
  triggerId?: string;
}

/** `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>`. */
export function sign(signingSecret: string, timestamp: number, body: string): string {
  return 'v0=' + createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
}

/** Builders for `view.state.values[blockId][actionId]` entries (what Slack sends for each input element). */
export const stateValue = {
  text: (value: string | null) => ({ type: 'plain_text_input', value }),
  select: (value: string | null, label = value ?? '') => ({
    type: 'static_select',
    selected_option: value === null ? null : option(value, label),
  }),
  multiSelect: (values: string[]) => ({
    type: 'multi_static_select',
    selected_options: values.map((v) => option(v)),
  }),
  checkboxes: (values: string[]) => ({ type: 'checkboxes', selected_options: values.map((v) => option(v)) }),
  radio: (value: string | null) => ({
    type: 'radio_buttons',
    selected_option: value === null ? null : option(value),
  }),
  users: (ids: string[]) => ({ type: 'multi_users_select', selected_users: ids }),
  user: (id: string | null) => ({ type: 'users_select', selected_user: id }),
  channel: (id: string | null) => ({ type: 'conversations_select', selected_conversation: id }),
  number: (value: string | null) => ({ type: 'number_input', value }),
  date: (value: string | null) => ({ type: 'datepicker', selected_date: value }),
};

function option(value: string, label = value) {
  return { text: { type: 'plain_text', text: label, emoji: true }, value };
}

export interface MessageRef {
  ts: string;
  text?: string;
  blocks?: unknown;
  thread_ts?: string;
}

export interface ActionOpts {
  user?: string;
  channel?: string;
  team?: string;
  /** ts of the message holding the element. Default: `message.ts`, else 1600000000.000100 (never issued). */
  messageTs?: string;
  /** The message holding the element, e.g. a StoredMessage of the stand-in (ts, text, blocks, thread_ts). */
  message?: MessageRef;
  responseUrl?: string;
  triggerId?: string;
  blockId?: string;
  /** The modal/home view holding the element; when given, the container is the view (no channel/message). */
  view?: object;
  /** `state.values` of the message (message actions only). */
  state?: Record<string, Record<string, unknown>>;
}

export class SlackClient {
  readonly baseUrl: string;
  private readonly secret: string;
  private readonly now: () => number;
  private readonly api: SlackClientOpts['api'];
  private readonly path: string;
  private readonly botUserId: string;
  private seq = 0;

  constructor(opts: SlackClientOpts) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.secret = opts.signingSecret;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.api = opts.api;
    this.path = opts.path ?? '/slack/events';
    this.botUserId = opts.botUserId ?? 'U0BOT00001';
  }

  /** Headers Slack would send for this body: content-type, timestamp and a valid signature. */
  signedHeaders(
    body: string,
    contentType: string = FORM,
    timestamp: number = this.now(),
  ): Record<string, string> {
    return {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign(this.secret, timestamp, body),
    };
  }

  /** POST a slash command (`/mms` by default), form-encoded and signed. */
  command(
    text: string,
    o: {
      user?: string;
      userName?: string;
      channel?: string;
      channelName?: string;
      team?: string;
      responseUrl?: string;
      triggerId?: string;
      command?: string;
      /** More form fields, e.g. `enterprise_id`. */
      extra?: Record<string, string>;
    } = {},
  ): Promise<SlackReply> {
    const responseUrl = o.responseUrl ?? this.newResponseUrl();
    const triggerId = o.triggerId ?? this.newTriggerId();
    const user = o.user ?? USER;
    const fields: Record<string, string> = {
      token: 'legacyVerificationTokenUnused',
      team_id: o.team ?? TEAM,
      team_domain: 'mms-test',
      channel_id: o.channel ?? CHANNEL,
      channel_name: o.channelName ?? 'data-migrations',
      user_id: user,
      user_name: o.userName ?? userName(user),
      command: o.command ?? '/mms',
      text,
      api_app_id: APP_ID,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
      ...o.extra,
    };
    return this.deliver('command', fields, { responseUrl, triggerId });
  }

  /** Click a button: a block_actions payload with one `button` action. */
  click(actionId: string, value: string, o: ActionOpts & { text?: string } = {}): Promise<SlackReply> {
    return this.action(
      {
        type: 'button',
        action_id: actionId,
        block_id: o.blockId ?? `b_${actionId}`,
        text: { type: 'plain_text', text: o.text ?? actionId, emoji: true },
        value,
        action_ts: this.actionTs(),
      },
      o,
    );
  }

  /**
   * A select action: one value gives `selected_option` (`static_select`), an array gives `selected_options`
   * (`multi_static_select`); `type` overrides the element type (`overflow`, `radio_buttons`, `checkboxes`…).
   */
  select(
    actionId: string,
    selected: string | string[],
    o: ActionOpts & { type?: string } = {},
  ): Promise<SlackReply> {
    const multi = Array.isArray(selected);
    return this.action(
      {
        type: o.type ?? (multi ? 'multi_static_select' : 'static_select'),
        action_id: actionId,
        block_id: o.blockId ?? `b_${actionId}`,
        ...(multi
          ? { selected_options: selected.map((v) => option(v)) }
          : { selected_option: option(selected) }),
        action_ts: this.actionTs(),
      },
      o,
    );
  }

  /** A view_submission payload; `values` is `view.state.values` (see `stateValue` for the entries). */
  submitView(
    callbackId: string,
    values: Record<string, Record<string, unknown>>,
    o: {
      user?: string;
      team?: string;
      privateMetadata?: string;
      viewId?: string;
      hash?: string;
      triggerId?: string;
      /** More view fields (blocks, title, external_id…), merged over the defaults. */
      view?: Record<string, unknown>;
    } = {},
  ): Promise<SlackReply> {
    const team = o.team ?? TEAM;
    const viewId = o.viewId ?? 'V0MODAL001';
    const triggerId = o.triggerId ?? this.newTriggerId();
    const payload = {
      type: 'view_submission',
      team: { id: team, domain: 'mms-test' },
      user: this.userObj(o.user ?? USER, team),
      api_app_id: APP_ID,
      token: 'legacyVerificationTokenUnused',
      trigger_id: triggerId,
      view: {
        id: viewId,
        team_id: team,
        type: 'modal',
        title: { type: 'plain_text', text: 'MMS', emoji: true },
        submit: { type: 'plain_text', text: 'Submit', emoji: true },
        close: { type: 'plain_text', text: 'Cancel', emoji: true },
        blocks: [],
        private_metadata: o.privateMetadata ?? '',
        callback_id: callbackId,
        hash: o.hash ?? 'h0',
        clear_on_close: false,
        notify_on_close: false,
        previous_view_id: null,
        root_view_id: viewId,
        app_id: APP_ID,
        external_id: '',
        app_installed_team_id: team,
        bot_id: 'B0BOT00001',
        ...o.view,
        state: { values },
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    return this.deliver('interactive', payload, { triggerId });
  }

  /** An Events API delivery (`event_callback`) of `event`, as JSON. */
  event(
    event: Record<string, unknown>,
    o: { team?: string; eventId?: string; retryNum?: number; retryReason?: string } = {},
  ): Promise<SlackReply> {
    const team = o.team ?? TEAM;
    const nowSec = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      token: 'legacyVerificationTokenUnused',
      team_id: team,
      context_team_id: team,
      api_app_id: APP_ID,
      event: { event_ts: `${nowSec}.${String(++this.seq).padStart(6, '0')}`, ...event },
      type: 'event_callback',
      event_id: o.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
      event_time: nowSec,
      authorizations: [
        {
          enterprise_id: null,
          team_id: team,
          user_id: this.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
    });
    const headers = this.signedHeaders(body, 'application/json');
    if (o.retryNum !== undefined) headers['x-slack-retry-num'] = String(o.retryNum);
    if (o.retryReason !== undefined) headers['x-slack-retry-reason'] = o.retryReason;
    return this.raw(body, headers);
  }

  /** Send exactly this body with exactly these headers (nothing added, not signed). */
  async raw(body: string, headers: Record<string, string>): Promise<SlackReply> {
    const res = await fetch(`${this.baseUrl}${this.path}`, { method: 'POST', headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text
      }
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  // ------------------------------------------------------------------ internals

  /**
   * Sends a slash command's fields or an interactive payload as Slack does over HTTP: form-encoded and
   * signed. Socket Mode delivers the same content over its connection instead (a subclass says how).
   */
  protected async deliver(
    kind: 'command' | 'interactive',
    content: Record<string, string> | Record<string, unknown>,
    extra: { responseUrl?: string; triggerId?: string },
  ): Promise<SlackReply> {
    const body =
      kind === 'command'
        ? new URLSearchParams(content as Record<string, string>).toString()
        : payloadBody(content);
    return { ...(await this.raw(body, this.signedHeaders(body, FORM))), ...extra };
  }

  private action(action: Record<string, unknown>, o: ActionOpts): Promise<SlackReply> {
    const team = o.team ?? TEAM;
    const channel = o.channel ?? CHANNEL;
    const triggerId = o.triggerId ?? this.newTriggerId();
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      user: this.userObj(o.user ?? USER, team),
      api_app_id: APP_ID,
      token: 'legacyVerificationTokenUnused',
      trigger_id: triggerId,
      team: { id: team, domain: 'mms-test' },
      enterprise: null,
      is_enterprise_install: false,
      actions: [action],
    };
    let responseUrl: string | undefined;
    if (o.view) {
      const view: Record<string, unknown> = {
        id: 'V0MODAL001',
        team_id: team,
        type: 'modal',
        blocks: [],
        private_metadata: '',
        callback_id: '',
        state: { values: {} },
        hash: 'h0',
        app_id: APP_ID,
        bot_id: 'B0BOT00001',
        ...o.view,
      };
      payload.container = { type: 'view', view_id: view.id };
      payload.view = view;
    } else {
      const ts = o.messageTs ?? o.message?.ts ?? '1600000000.000100';
      responseUrl = o.responseUrl ?? this.newResponseUrl();
      payload.container = { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false };
      payload.channel = { id: channel, name: 'data-migrations' };
      payload.message = {
        type: 'message',
        subtype: 'bot_message',
        user: this.botUserId,
        bot_id: 'B0BOT00001',
        app_id: APP_ID,
        team,
        text: o.message?.text ?? '',
        blocks: o.message?.blocks ?? [],
        ...(o.message?.thread_ts ? { thread_ts: o.message.thread_ts } : {}),
        ts,
      };
      payload.state = { values: o.state ?? {} };
      payload.response_url = responseUrl;
    }
    return this.deliver(
      'interactive',
      payload,
      responseUrl === undefined ? { triggerId } : { responseUrl, triggerId },
    );
  }

  private userObj(id: string, team: string) {
    return { id, username: userName(id), name: userName(id), team_id: team };
  }

  private newResponseUrl(): string {
    // Port 9 (discard) on loopback refuses at once: respond() fails fast instead of reaching the internet.
    return this.api ? this.api.responseUrl() : `http://127.0.0.1:9/hooks/none-${++this.seq}`;
  }

  private newTriggerId(): string {
    return `${Date.now()}.${++this.seq}.${randomBytes(16).toString('hex')}`;
  }

  private actionTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
  }
}

function userName(id: string): string {
  return `user.${id.toLowerCase()}`;
}

function payloadBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
