// Shared by the end-to-end suites: ask the bot, read its answer (ack body, response_url post or card),
// find the buttons it rendered, and check that nothing was written to MMS behind a card's back.
import { afterAll, beforeAll, expect } from 'vitest';
import type { SlackMessage } from '../../src/ui/types.js';
import { type Harness, OPERATOR, startHarness } from '../helpers/bot.js';
import type { StoredMessage } from '../helpers/slack-api.js';
import { CHANNEL, type SlackReply } from '../helpers/slack-requests.js';
import { assertWithinLimits, textOf } from '../ui/limits.js';

export { OPERATOR, OPERATOR2, VIEWER } from '../helpers/bot.js';
export { CHANNEL } from '../helpers/slack-requests.js';
export { assertWithinLimits, textOf };

/**
 * The bot a test file talks to: started before its first test, closed after its last. The returned object
 * is filled in by `beforeAll`, so tests use it as they would the harness itself.
 */
export function sharedBot(setup?: (h: Harness) => Promise<void> | void): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    Object.assign(h, await startHarness());
    await setup?.(h);
  });
  afterAll(async () => {
    await h.close?.();
  });
  return h;
}

export const HIVE = 'hive-prod';
export const HIVE_ID = 2000015;
export const BQ_ID = 2000016;
export const LEGACY_ID = 2000017;

/** Headlines of the error renderer (src/ui/errors.ts). */
/** Any of the bot's own headings for a problem with the request (each kind has its own). */
export const USAGE =
  /There is no such command|The command is missing something|Part of the command is not right|You cannot do that here|already waiting for confirmation|Not possible in its current state|Not ready for that yet|Cannot do that as asked/;
export const NOT_FOUND = /Not found\./;
export const ANY_ERROR =
  /There is no such command|The command is missing something|Part of the command is not right|You cannot do that here|already waiting for confirmation|Not possible in its current state|Not ready for that yet|Cannot do that as asked|Not found\.|Permission denied|rejected the bot|throttling requests|rejected the request|internal error|Could not reach MMS|went wrong inside/;

/** MMS calls that change something (any action but Get… and List…) and succeeded. */
export function mmsWrites(h: Harness): string[] {
  return h.sim.calls.filter((c) => !/^(Get|List)/.test(c.action) && c.status < 400).map((c) => c.action);
}

interface AskOpts {
  user?: string;
  channel?: string;
}

/** Runs `/mms <text>` and returns the answer the user sees in the ack (checked against Block Kit limits). */
export async function ask(h: Harness, text: string, o: AskOpts = {}): Promise<SlackMessage> {
  const r = await h.slack.command(text, { user: o.user ?? OPERATOR, channel: o.channel ?? CHANNEL });
  expect(r.status, `/mms ${text}: HTTP ${r.status}`).toBe(200);
  return answerOf(h, r, text);
}

/** The message of a reply: the ack body, else the last response_url post for it. */
export function answerOf(h: Harness, r: SlackReply, what: string): SlackMessage {
  let m: unknown = r.body;
  if (!isMessage(m) || /Working on it/.test(String((m as SlackMessage).text))) {
    const path = r.responseUrl ? new URL(r.responseUrl).pathname : '';
    m = h.api.responses.filter((x) => x.path === path).at(-1)?.body;
  }
  expect(isMessage(m), `${what}: no answer (ack ${JSON.stringify(r.body)})`).toBe(true);
  const msg = m as SlackMessage;
  assertWithinLimits(msg);
  return msg;
}

function isMessage(m: unknown): boolean {
  return typeof m === 'object' && m !== null && Array.isArray((m as SlackMessage).blocks);
}

export interface RunButton {
  actionId: string;
  text: string;
  value: string;
}

/** Every run button (`mms_run`, `mms_run:N`) of a message, in order. */
export function runButtons(msg: { blocks?: unknown }): RunButton[] {
  const out: RunButton[] = [];
  for (const raw of (msg.blocks as Array<Record<string, unknown>>) ?? []) {
    const els =
      raw.type === 'actions'
        ? (raw.elements as Array<Record<string, unknown>>)
        : raw.accessory
          ? [raw.accessory as Record<string, unknown>]
          : [];
    for (const e of els) {
      if (e.type === 'button' && typeof e.action_id === 'string' && /^mms_run(:\d+)?$/.test(e.action_id)) {
        out.push({
          actionId: e.action_id,
          text: String((e.text as { text?: string }).text),
          value: String(e.value),
        });
      }
    }
  }
  return out;
}

/** The command a button labelled like `label` carries. */
export function buttonValue(msg: SlackMessage, label: RegExp | string): string {
  const b = runButtons(msg).find((x) => (typeof label === 'string' ? x.text === label : label.test(x.text)));
  expect(b, `no button ${label} in ${runButtons(msg).map((x) => x.text)}`).toBeDefined();
  return b!.value;
}

/**
 * Presses a run button. Reads answer through the response_url; a write posts a card in the channel
 * instead. Returns what the clicker got, or the card.
 */
export async function press(
  h: Harness,
  value: string,
  o: { user?: string; channel?: string; actionId?: string } = {},
): Promise<{ reply?: SlackMessage; card?: StoredMessage }> {
  const channel = o.channel ?? CHANNEL;
  const posts = h.api.callsTo('chat.postMessage').length;
  const r = await h.slack.click(o.actionId ?? 'mms_run', value, { user: o.user ?? OPERATOR, channel });
  expect(r.status).toBe(200);
  const path = r.responseUrl ? new URL(r.responseUrl).pathname : '';
  const reply = h.api.responses.filter((x) => x.path === path).at(-1)?.body as SlackMessage | undefined;
  if (reply) {
    assertWithinLimits(reply);
    return { reply };
  }
  if (h.api.callsTo('chat.postMessage').length > posts) return { card: h.api.messages(channel).at(-1)! };
  return {};
}

/** Posts a write command; expects a card in the channel (and no MMS write); returns it and its id. */
export async function requestCard(h: Harness, text: string, o: AskOpts = {}) {
  const channel = o.channel ?? CHANNEL;
  const before = h.api.callsTo('chat.postMessage').length;
  const writes = mmsWrites(h).length;
  const r = await h.slack.command(text, { user: o.user ?? OPERATOR, channel });
  expect(r.status).toBe(200);
  expect(
    h.api.callsTo('chat.postMessage').length,
    `/mms ${text}: no card posted; ack was ${JSON.stringify(r.body)}`,
  ).toBe(before + 1);
  expect(mmsWrites(h).length, 'a write command changed MMS before confirmation').toBe(writes);
  const card = h.api.messages(channel).at(-1)!;
  const id = confirmId(card);
  return { card, id, text: textOf(card) };
}

export function confirmId(card: { blocks?: unknown }): string {
  const id = /"action_id":"mms_confirm","value":"([^"]+)"/.exec(JSON.stringify(card.blocks))?.[1];
  expect(id, 'card has a Confirm button').toBeTruthy();
  return id!;
}

/** Presses Confirm on a card and returns the card as it reads afterwards. */
export async function confirm(h: Harness, card: StoredMessage, id: string, user = OPERATOR) {
  await h.slack.click('mms_confirm', id, { user, message: card, channel: card.channel });
  return h.api.messages(card.channel).find((m) => m.ts === card.ts)!;
}

/** The card's fields as `label: value` lines, for transcripts. */
export function cardLines(card: { text?: string; blocks?: unknown }): string {
  const out: string[] = [];
  for (const b of (card.blocks as Array<Record<string, unknown>>) ?? []) {
    if (b.type === 'header' || b.type === 'section') {
      const t = b.text as { text?: string } | undefined;
      if (t?.text) out.push(t.text);
      for (const f of (b.fields as Array<{ text: string }>) ?? []) out.push(f.text);
    } else if (b.type === 'context') {
      out.push(...(b.elements as Array<{ text?: string }>).map((e) => e.text ?? ''));
    } else if (b.type === 'actions') {
      out.push(
        (b.elements as Array<{ text: { text: string }; value?: string }>)
          .map((e) => `[${e.text.text}]`)
          .join(' '),
      );
    }
  }
  return out.join('\n');
}

/**
 * Whether Slack would accept `msg` as a message: posts it to the stand-in's chat.postMessage, which checks
 * the Block Kit limits as Slack does (ack bodies and response_url posts are not checked on the way).
 */
export async function slackAccepts(h: Harness, msg: SlackMessage): Promise<{ ok: boolean; error?: string }> {
  const res = await fetch(`${h.api.url}chat.postMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer xoxb-test-token' },
    body: JSON.stringify({ channel: 'C0LIMITS01', text: msg.text, blocks: msg.blocks }),
  });
  const body = (await res.json()) as { ok: boolean; error?: string; errors?: string[] };
  return body.ok ? { ok: true } : { ok: false, error: `${body.error} ${JSON.stringify(body.errors ?? [])}` };
}
