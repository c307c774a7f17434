// The sandbox: the MMS simulator with demo data, the Slack Web API stand-in, the real bot (HTTP mode on
// loopback, watcher on), and a small web server with a Slack-like page to type `/mms …` and press buttons.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import { type Bot, buildBot } from '../bot.js';
import { parseConfig } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { staticCredentials } from '../mms/credentials.js';
import { type MmsSimulator, startSimulator } from '../sim/index.js';
import { ConfirmationStore } from '../store/confirmations.js';
import { pageHeaders, pageHtml } from './page.js';
import { BOT, OPERATORS, SANDBOX_CHANNEL, SANDBOX_TEAM, type SandboxUser, USERS } from './people.js';
import {
  ClickBody,
  CloseBody,
  CommandBody,
  DismissBody,
  SelectBody,
  StateQuery,
  SubmitBody,
  UserBody,
} from './requests.js';
import { SlackClient } from './slack-client.js';
import { type SlackApiStandIn, startSlackApi } from './slack-standin.js';
import { SandboxError, Workspace } from './workspace.js';

export interface SandboxOptions {
  /** Port of the page. Default 3100; 0 picks a free one. */
  port?: number;
  /** Interface of the page. Default 127.0.0.1 (the sandbox has no authentication: keep it local). */
  host?: string;
  /** SQLite file of the bot. Default ./data/sandbox.db. */
  dbPath?: string;
  /** The simulator steps jobs, scans and tasks on its own every this many ms (0: never). Default 1500. */
  autoStepMs?: number;
  /** WATCH_INTERVAL_SECONDS of the bot (≥ 5). Default 5. */
  watchIntervalSeconds?: number;
  /** Simulator seed (the demo world is the same for a seed). Default 7. */
  seed?: number;
  /** The simulator sends "null" for absent strings, as the official MMS sample does. Default false. */
  nullStrings?: boolean;
  /** Default: pino at `logLevel` on stderr. */
  logger?: Logger;
  /** Default `warn`. */
  logLevel?: string;
}

export interface Sandbox {
  /** `http://127.0.0.1:<port>/`: the page. */
  url: string;
  /** Where the bot listens (`POST /slack/events`). */
  botUrl: string;
  users: readonly SandboxUser[];
  bot: Bot;
  sim: MmsSimulator;
  api: SlackApiStandIn;
  workspace: Workspace;
  close(): Promise<void>;
}

const MAX_BODY = 256 * 1024;
const UI_TOKEN = 'xoxb-sandbox-ui';

export async function startSandbox(o: SandboxOptions = {}): Promise<Sandbox> {
  const logger = o.logger ?? createLogger(o.logLevel ?? 'warn', process.stderr);
  const cleanups: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        logger.warn({ err }, 'sandbox: error while shutting down');
      }
    }
  };
  try {
    const sim = await startSimulator({
      seed: o.seed ?? 7,
      autoStepMs: o.autoStepMs ?? 1500,
      nullStrings: o.nullStrings ?? false,
    });
    cleanups.push(() => sim.close());

    const workspace = new Workspace({ logger, token: UI_TOKEN });
    const api = await startSlackApi({
      botUserId: BOT.userId,
      botId: BOT.botId,
      teamId: SANDBOX_TEAM.id,
      onCall: (call, reply) => workspace.onCall(call, reply),
      onResponse: (r) => workspace.onResponse(r),
    });
    cleanups.push(() => api.close());
    for (const u of USERS) api.setUser(u.id, { name: u.name, real_name: u.name });
    api.setChannel(SANDBOX_CHANNEL.id, { name: SANDBOX_CHANNEL.name });

    const signingSecret = randomBytes(16).toString('hex');
    const config = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-sandbox-bot',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: api.url,
      PORT: '0',
      MMS_REGION: 'cn-hangzhou',
      MMS_ENDPOINT: sim.url,
      DATABASE_PATH: o.dbPath ?? './data/sandbox.db',
      MMS_OPERATORS: OPERATORS.join(','),
      MMS_NOTIFY_CHANNEL: SANDBOX_CHANNEL.id,
      WATCH_INTERVAL_SECONDS: String(o.watchIntervalSeconds ?? 5),
      LOG_LEVEL: o.logLevel ?? 'warn',
    });
    const bot = buildBot({
      config,
      logger,
      credentials: staticCredentials(sim.credentials, 'sandbox simulator'),
      slack: { retries: 0 },
      watcher: { enabled: true, fastIntervalSeconds: 3 },
      host: '127.0.0.1',
    });
    retireStaleState(bot);
    const botServer = await bot.start().catch(async (e: unknown) => {
      await bot.stop().catch(() => {});
      throw e;
    });
    cleanups.push(async () => {
      const stopping = bot.stop();
      botServer?.closeAllConnections();
      await stopping;
    });
    const botUrl = `http://127.0.0.1:${portOf(botServer)}`;
    workspace.connect(api, new SlackClient({ baseUrl: botUrl, signingSecret, api, botUserId: BOT.userId }));

    const server = createServer((req, res) => {
      route(req, res, workspace, logger).catch((err: unknown) => {
        logger.error({ err }, 'sandbox: request failed');
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'the sandbox failed; see its log' });
        else res.end();
      });
    });
    await listen(server, o.port ?? 3100, o.host ?? '127.0.0.1');
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const host = o.host ?? '127.0.0.1';
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${portOf(server)}/`;
    return { url, botUrl, users: USERS, bot, sim, api, workspace, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * The simulated world and the Slack stand-in start afresh each run, but the SQLite file stays: cards and
 * watches of an earlier run point at messages that no longer exist, so they end here.
 */
function retireStaleState(bot: Bot): void {
  new ConfirmationStore(bot.db, () => Number.MAX_SAFE_INTEGER).expireDue();
  for (const w of bot.services.watches.active()) bot.services.watches.deactivate(w.id);
}

function portOf(server: Server | undefined): number {
  const a = server?.address();
  return typeof a === 'object' && a ? (a as AddressInfo).port : 0;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: set PORT to another one`) : e);
    });
    server.listen(port, host, () => resolve());
  });
}

// ------------------------------------------------------------------ HTTP

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  ws: Workspace,
  logger: Logger,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  // DNS rebinding and cross-site requests: only this machine's own names, only same-origin writes.
  if (!isLocalHost(req.headers.host))
    return sendJson(res, 421, { ok: false, error: 'unexpected Host header' });
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`) {
    return sendJson(res, 403, { ok: false, error: 'cross-origin request refused' });
  }

  if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
    const nonce = randomBytes(16).toString('base64');
    const html = pageHtml(nonce);
    res.writeHead(200, { ...pageHeaders(nonce), 'content-length': Buffer.byteLength(html) });
    res.end(html);
    return;
  }
  if (req.method === 'GET' && url.pathname === '/favicon.ico') {
    res.writeHead(204, commonHeaders());
    res.end();
    return;
  }
  if (req.method === 'GET' && url.pathname === '/api/state') {
    const q = parse(StateQuery, Object.fromEntries(url.searchParams));
    if (!q.ok) return sendJson(res, 400, { ok: false, error: q.error });
    return sendJson(res, 200, { ok: true, ...ws.state(q.data.user) });
  }
  if (!url.pathname.startsWith('/api/')) return sendJson(res, 404, { ok: false, error: 'not found' });
  if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: 'use POST' });
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    return sendJson(res, 415, { ok: false, error: 'send application/json' });
  }
  const raw = await readBody(req, MAX_BODY);
  if (raw === null) return sendJson(res, 413, { ok: false, error: 'body too large' });
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return sendJson(res, 400, { ok: false, error: 'body is not JSON' });
  }

  const run = async <S extends z.ZodType>(schema: S, act: (b: z.infer<S>) => Promise<unknown> | unknown) => {
    const p = parse(schema, json);
    if (!p.ok) return sendJson(res, 400, { ok: false, error: p.error });
    try {
      const out = await act(p.data);
      return sendJson(res, 200, { ok: true, ...(typeof out === 'object' && out ? out : {}) });
    } catch (e) {
      if (e instanceof SandboxError) return sendJson(res, e.status, { ok: false, error: e.message });
      logger.warn({ err: e, path: url.pathname }, 'sandbox: cannot reach the bot');
      return sendJson(res, 502, { ok: false, error: `cannot reach the bot: ${(e as Error).message}` });
    }
  };

  switch (url.pathname) {
    case '/api/command':
      return run(CommandBody, (b) => ws.command(b.user, b.text));
    case '/api/click':
      return run(ClickBody, ({ user, ...a }) => ws.click(user, a));
    case '/api/select':
      return run(SelectBody, ({ user, ...a }) => ws.select(user, a));
    case '/api/submit':
      return run(SubmitBody, (b) => ws.submit(b.user, b.viewId, b.values));
    case '/api/close':
      return run(CloseBody, (b) => ws.closeModal(b.user, b.viewId));
    case '/api/home':
      return run(UserBody, (b) => ws.openHome(b.user));
    case '/api/dismiss':
      return run(DismissBody, (b) => ws.dismiss(b.user, b.id));
    default:
      return sendJson(res, 404, { ok: false, error: 'not found' });
  }
}

function parse<S extends z.ZodType>(
  schema: S,
  v: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; error: string } {
  const r = schema.safeParse(v);
  if (r.success) return { ok: true, data: r.data };
  return {
    ok: false,
    error: r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
  };
}

function isLocalHost(host: string | undefined): boolean {
  return /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i.test(host ?? '');
}

function commonHeaders(): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...commonHeaders(),
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
