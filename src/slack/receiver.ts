// What reaches Bolt's HTTP receiver: a request dated more than five minutes ahead is refused (Bolt refuses
// only stale ones), and a correctly signed body that is not the shape of anything Slack sends (`null`,
// `payload=null`, a number, an array, a block_actions without actions or user, a view without a view) is
// answered 400 before Bolt reads it. Bolt would otherwise throw on it outside any handler (a JSON `null`
// ends the process) or answer 500. Anything this wrapper itself throws is answered 500, never left to the
// process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, type HTTPReceiver, isValidSlackRequest } from '@slack/bolt';
import { z } from 'zod';
import { isUserId } from '../authz.js';
import type { Logger } from '../log.js';

/** Slack's replay window is five minutes either way (SLACK.md §1). */
const MAX_SKEW_SECONDS = 300;
const FORM = 'application/x-www-form-urlencoded';

/** A user id: `U…`, or `W…` on Enterprise Grid. Never a user group (`S…`), a bot (`B…`) or a channel. */
const SlackUserId = z.string().refine(isUserId, 'not a user id');

const User = z.object({ id: SlackUserId });
const Id = z.string().min(1).max(255);

/** The least each kind of request must carry for the bot's listeners to act on it (SLACK.md §2). */
const Interactive = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('block_actions'),
    user: User,
    actions: z.array(z.object({ action_id: Id })).min(1),
    channel: z.object({ id: Id }).optional(),
    response_url: z.string().url().optional(),
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
  response_url: z.string().url().optional(),
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

export function guardReceiver(
  receiver: HTTPReceiver,
  o: { signingSecret: string; log: Logger; now?: () => number; bodyLimit?: number },
): HTTPReceiver {
  const inner = receiver.requestListener;
  const now = o.now ?? Date.now;
  const log = o.log;
  receiver.requestListener = (req, res) => {
    if (req.method !== 'POST') return inner(req, res);
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
    const ts = Number(header(req, 'x-slack-request-timestamp'));
    if (Number.isFinite(ts) && ts - now() / 1000 > MAX_SKEW_SECONDS) {
      log.warn({ skewSeconds: Math.round(ts - now() / 1000) }, 'refused a Slack request dated in the future');
      return answer(res, 401);
    }
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
    // Unsigned or forged requests go on to Bolt, which refuses them (401) as it always has.
    if (!signed(buffered)) return buffered;
    let body: unknown;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
    } catch {
      return buffered; // not JSON: Bolt answers 400
    }
    const contentType = header(req, 'content-type');
    if (contentType === FORM && (body as { ssl_check?: unknown } | null)?.ssl_check === '1') return buffered;
    const problem = envelopeProblem(body, contentType);
    if (problem) {
      log.warn({ problem, contentType }, 'refused a signed Slack request that is not a valid payload');
      return answer(res, 400);
    }
    return buffered;
  }

  function signed(req: IncomingMessage & { rawBody: Buffer }): boolean {
    const signature = header(req, 'x-slack-signature');
    const ts = Number(header(req, 'x-slack-request-timestamp'));
    if (!signature || !Number.isFinite(ts)) return false;
    try {
      return isValidSlackRequest({
        signingSecret: o.signingSecret,
        body: req.rawBody.toString(),
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
        nowMilliseconds: now(),
      });
    } catch {
      return false;
    }
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
