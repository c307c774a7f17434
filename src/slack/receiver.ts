// What reaches Bolt's HTTP receiver: only requests signed with the signing secret and dated within five
// minutes either way (Bolt's own check is off: this is the one). A signed body that is not the shape of
// anything Slack sends (`null`, `payload=null`, a number, an array, a block_actions without actions or user,
// a view without a view) is answered 400 before Bolt reads it: Bolt would otherwise throw on it outside any
// handler (a JSON `null` ends the process) or answer 500. Anything this wrapper itself throws is answered
// 500, never left to the process. In Socket Mode the same shape check stands before Bolt (there is nothing
// to sign: Slack's payloads come over the connection the bot opened).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type App,
  HTTPModuleFunctions,
  HTTPReceiver,
  type HTTPReceiverOptions,
  SocketModeReceiver,
  type SocketModeReceiverOptions,
} from '@slack/bolt';
import { z } from 'zod';
import { isUserId } from '../authz.js';
import type { Logger } from '../log.js';
import type { AckGauge } from './work-queue.js';

/** Slack's replay window is five minutes either way (SLACK.md §1). */
const MAX_SKEW_SECONDS = 300;
const FORM = 'application/x-www-form-urlencoded';
/** Slack's SSL check in a form body: the field `ssl_check=1`, first or after another field. */
const SSL_CHECK = /(?:^|&)ssl_check=1(?:&|$)/;

/** A user id: `U…`, or `W…` on Enterprise Grid. Never a user group (`S…`), a bot (`B…`) or a channel. */
const SlackUserId = z.string().refine(isUserId, 'not a user id');

const User = z.object({ id: SlackUserId });
const Id = z.string().min(1).max(255);
/** An absolute URL (the WHATWG parser's own check: zod's `.url()` costs more than the rest of the envelope). */
const Url = z.string().refine((s) => URL.canParse(s), 'not a URL');

/** The least each kind of request must carry for the bot's listeners to act on it (SLACK.md §2). */
const Interactive = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('block_actions'),
    user: User,
    actions: z.array(z.object({ action_id: Id })).min(1),
    channel: z.object({ id: Id }).optional(),
    response_url: Url.optional(),
  }),
  z.object({
    type: z.literal('view_submission'),
    user: User,
    view: z.object({ id: Id, callback_id: z.string() }),
  }),
  z.object({
    type: z.literal('view_closed'),
    user: User,
    view: z.object({ id: Id, callback_id: z.string() }),
  }),
  z.object({ type: z.literal('event_callback'), event: z.object({ type: Id }) }),
  z.object({ type: z.literal('url_verification'), challenge: z.string() }),
]);

const SlashCommand = z.object({
  command: z.string().startsWith('/'),
  text: z.string(),
  user_id: SlackUserId,
  channel_id: Id,
  response_url: Url.optional(),
});

/** Why a signed body is not a request the bot can act on, or null when it is. */
export function envelopeProblem(body: unknown, contentType: string | undefined): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return `the body is ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}, not an object`;
  }
  const isCommand = contentType === FORM && 'command' in body && !('payload' in body);
  const r = isCommand ? SlashCommand.safeParse(body) : Interactive.safeParse(body);
  if (r.success) return null;
  // Paths and messages only: the values are the sender's, and may be anything.
  return r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
    .join('; ');
}

/**
 * Bolt's HTTP receiver behind the guard. Bolt's own signature check is off: the guard checks every POST
 * before Bolt sees it, so the two can never disagree and a request is verified once.
 */
export function guardedReceiver(
  options: Omit<HTTPReceiverOptions, 'signatureVerification' | 'bodyLimit'>,
  o: { log: Logger; now?: () => number; bodyLimit?: number; acks?: AckGauge },
): HTTPReceiver {
  const receiver = new HTTPReceiver({ ...options, signatureVerification: false, bodyLimit: o.bodyLimit });
  return guard(receiver, { ...o, signingSecret: options.signingSecret });
}

/**
 * Bolt's Socket Mode receiver behind the same shape check. Payloads come over the connection the bot opened
 * with its app token, so there is no signature to check; one that is not the shape of anything Slack sends
 * is logged and acked (unacked, Slack sends it again) instead of reaching Bolt, which throws on it.
 */
export function screenedSocketModeReceiver(
  options: SocketModeReceiverOptions,
  o: { log: Logger },
): SocketModeReceiver {
  const receiver = new SocketModeReceiver(options);
  const init = receiver.init.bind(receiver);
  receiver.init = (app: App) => {
    // The receiver calls only processEvent; everything else is the app's own.
    const screened = Object.create(app) as App;
    screened.processEvent = async (event) => {
      // A command arrives as its form's fields, already parsed: read as the form it was (envelopeProblem
      // tells a command from an interactive payload by its fields).
      const problem = envelopeProblem(event.body, FORM);
      if (!problem) return app.processEvent(event);
      o.log.warn(
        { problem },
        'refused a Socket Mode payload that is not a valid payload (acked, nothing ran)',
      );
      await event.ack();
    };
    init(screened);
  };
  return receiver;
}

function guard(
  receiver: HTTPReceiver,
  o: { signingSecret: string; log: Logger; now?: () => number; bodyLimit?: number; acks?: AckGauge },
): HTTPReceiver {
  const inner = receiver.requestListener;
  const now = o.now ?? Date.now;
  const log = o.log;
  receiver.requestListener = (req, res) => {
    if (req.method !== 'POST') return inner(req, res);
    if (o.acks) res.once('close', o.acks.enter());
    screen(req, res)
      .then((pass) => {
        if (pass) inner(pass, res);
      })
      .catch((err: unknown) => {
        log.error({ err, path: req.url }, 'the Slack request guard failed; answered 500');
        if (!res.headersSent) {
          res.writeHead(500);
          res.end();
        }
      });
  };
  return receiver;

  /** The request for Bolt (its body already read), or null when it has been answered here. */
  async function screen(req: IncomingMessage, res: ServerResponse): Promise<IncomingMessage | null> {
    let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.bufferIncomingMessage>>;
    try {
      buffered = await HTTPModuleFunctions.bufferIncomingMessage(
        req,
        o.bodyLimit ?? HTTPModuleFunctions.defaultBodyLimit,
      );
    } catch (err) {
      const tooLarge =
        HTTPModuleFunctions.isRawBodyError(err) && (err as { statusCode: number }).statusCode === 413;
      log.warn({ status: tooLarge ? 413 : 400 }, 'refused a Slack request whose body could not be read');
      return answer(res, tooLarge ? 413 : 400);
    }
    const contentType = header(req, 'content-type');
    const raw = buffered.rawBody.toString();
    // Slack's SSL check is unsigned and carries nothing to act on: answered here, whatever else it holds.
    // Found without parsing the form (it is parsed once, below, when signed): `ssl_check=1` as a whole field.
    if (contentType === FORM && SSL_CHECK.test(raw)) return answer(res, 200);
    const problem = signatureProblem(req, raw);
    if (problem) {
      log.warn({ problem }, 'refused a Slack request that is not signed with the signing secret');
      return answer(res, 401);
    }
    o.acks?.arrived();
    let body: unknown;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
    } catch {
      log.warn({ contentType }, 'refused a signed Slack request whose body is not JSON');
      return answer(res, 400);
    }
    const shape = envelopeProblem(body, contentType);
    if (shape) {
      log.warn({ problem: shape, contentType }, 'refused a signed Slack request that is not a valid payload');
      return answer(res, 400);
    }
    return buffered;
  }

  /**
   * Why the request is not Slack's (SLACK.md §1), or null: `v0=` + hex HMAC-SHA256 of `v0:<ts>:<body>`
   * under the signing secret, compared in constant time, dated within five minutes. The one check of a
   * request: Bolt's own is off (`signatureVerification: false`), so a request costs one HMAC, not three.
   */
  function signatureProblem(req: IncomingMessage, raw: string): string | null {
    const signature = header(req, 'x-slack-signature');
    const ts = Number(header(req, 'x-slack-request-timestamp'));
    if (!signature || !Number.isFinite(ts)) return 'no signature or timestamp';
    if (Math.abs(now() / 1000 - ts) > MAX_SKEW_SECONDS) return 'dated more than five minutes from now';
    const expected = Buffer.from(
      `v0=${createHmac('sha256', o.signingSecret).update(`v0:${ts}:${raw}`).digest('hex')}`,
    );
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'wrong signature';
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function answer(res: ServerResponse, status: number): null {
  res.writeHead(status);
  res.end();
  return null;
}
