// The Bolt app: HTTP mode (signed requests at POST /slack/events, plus /healthz) or Socket Mode when an
// app token is set. Listeners are registered by kind from their own modules. Prometheus metrics are served
// on their own port (metrics.ts), never on the one Slack calls.
import type { Server } from 'node:http';
import { App, type CustomRoute } from '@slack/bolt';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { boltLogger } from './bolt-logger.js';
import { type ActionDeps, registerActions } from './listeners/actions.js';
import { registerCommand } from './listeners/command.js';
import { type FormDeps, registerMigrateForm } from './listeners/form.js';
import { type HomeDeps, registerHome } from './listeners/home.js';
import { Listeners } from './listeners/listeners.js';
import { guardedReceiver, screenedSocketModeReceiver } from './receiver.js';
import { AckGauge, WorkQueue } from './work-queue.js';

export interface SlackAppDeps extends ActionDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  ready: () => boolean;
  form: FormDeps;
  home?: HomeDeps;
  /** Tests: answer only after listeners finish, so effects are visible when the HTTP reply arrives. */
  processBeforeResponse?: boolean;
  /** How long a slash command may work before its ack (default 0: only answers that need no I/O). */
  ackBudgetMs?: number;
  /** Tests: no retries against a failing stand-in. */
  retries?: number;
  /** Tests: the bounds of the work after acks (default WORK_CONCURRENCY running, WORK_MAX_WAITING waiting). */
  workLimits?: { concurrency: number; maxWaiting: number };
}

export interface SlackApp {
  app: App;
  /** Starts listening; in HTTP mode returns the server (port 0 picks a free one). */
  start(port?: number, host?: string): Promise<Server | undefined>;
  stop(): Promise<void>;
}

export function createSlackApp(d: SlackAppDeps): SlackApp {
  const { config } = d;
  const routes: CustomRoute[] = [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        const ok = d.ready();
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok, status: ok ? 'ready' : 'starting' }));
      },
    },
  ];
  const socketMode = Boolean(config.slack.appToken);
  // With processBeforeResponse (tests) a request is answered only after its work: nothing for work to yield to.
  const acks = d.processBeforeResponse ? undefined : new AckGauge();
  const logger = boltLogger(d.logger);
  const apiUrl = config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {};
  const receiver = socketMode
    ? screenedSocketModeReceiver(
        {
          appToken: config.slack.appToken!,
          logger,
          customRoutes: routes,
          // apps.connections.open goes to SLACK_API_URL too, with the Socket Mode client's own retries
          // (it reconnects through them after an outage).
          installerOptions: { port: config.slack.port, clientOptions: apiUrl },
        },
        { log: d.logger },
      )
    : guardedReceiver(
        {
          signingSecret: config.slack.signingSecret!,
          processBeforeResponse: d.processBeforeResponse ?? false,
          customRoutes: routes,
          logger,
        },
        { log: d.logger, acks },
      );
  const app = new App({
    token: config.slack.botToken,
    // Initialised in start(): one auth.test there (after the bot's own token check, which gives the clear
    // message), its ids cached for every request. With `tokenVerificationEnabled: false` Bolt 5 would call
    // auth.test again on every single request (its per-request "cache" is reassigned each time).
    deferInitialization: true,
    // The error handler gets the request's body, to log where the error happened and answer the user.
    extendedErrorHandler: true,
    // No conversation store: the bot keeps its state in SQLite, and Bolt's default store builds (and
    // throws away) an Error for every request from a conversation it has never stored anything for.
    convoStore: false,
    logger,
    clientOptions: {
      ...apiUrl,
      retryConfig: { retries: d.retries ?? 3, factor: 2, minTimeout: 1000 },
    },
    receiver,
  });

  const work = new WorkQueue(
    d.workLimits?.concurrency ?? WORK_CONCURRENCY,
    d.workLimits?.maxWaiting ?? WORK_MAX_WAITING,
    {
      acks,
      maxDeferMs: WORK_MAX_DEFER_MS,
      ...(acks ? { perSecond: WORK_PER_SECOND, burst: WORK_BURST, flood: WORK_UNDER_FLOOD } : {}),
    },
  );
  // Listeners keep the work that goes on after an ack (MMS calls, respond, card updates): stop() lets it finish.
  const on = new Listeners(app);
  registerCommand(on, { ...d, ackBudgetMs: d.ackBudgetMs ?? 0, work });
  registerActions(on, { ...d, work });
  registerMigrateForm(on, d.form);
  if (d.home) registerHome(on, d.home);
  app.error(async ({ error, body }: { error: Error; body: unknown }) => {
    await answerListenerError(d.logger, error, body);
  });

  return {
    app,
    async start(port = config.slack.port, host?: string) {
      // Bolt's one auth.test: a rejected token fails start-up with a clear message.
      await app.init().catch((e: unknown) => {
        const err = e as { code?: string; data?: { error?: string }; original?: Error; message?: string };
        // Only an answer from Slack says anything about the token; no answer is a network problem.
        if (err.code === 'slack_webapi_request_error' || (!err.data?.error && err.original)) {
          const why = err.original?.message ?? err.message ?? String(e);
          throw new Error(
            `Could not reach Slack at start (auth.test: ${why}); check the network, any proxy, and SLACK_API_URL`,
          );
        }
        const code = err.data?.error ?? err.message ?? String(e);
        throw new Error(`Slack did not accept SLACK_BOT_TOKEN (auth.test: ${code})`);
      });
      if (socketMode) {
        await app.start();
        return undefined;
      }
      const server = (await app.start(host ? { port, host } : port)) as Server;
      return server;
    },
    async stop() {
      await app.stop();
      await Promise.race([on.settled(), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
    },
  };
}

/**
 * Commands and run buttons worked on at once after their acks, and how many may wait for a turn. Eight
 * running with MMS reads of a few hundred ms each means the last of 64 waiting is answered within seconds;
 * past that an immediate "busy" answers better than a late one, and each waiting request holds its whole
 * payload and Bolt context: the bot's memory high-water mark under a burst follows this bound.
 */
const WORK_CONCURRENCY = 8;
const WORK_MAX_WAITING = 64;
/** Under a flood, the longest a command's work waits for the acks to clear (response_url lasts 30 min). */
const WORK_MAX_DEFER_MS = 2000;
/**
 * Commands started per second after their acks. Far above what a team types or clicks; under a flood it
 * bounds the MMS calls and response posts the acks compete with, and the rest is refused at once.
 */
const WORK_PER_SECOND = 25;
/**
 * Signed Slack requests arriving 50 times a second or more is a flood (a script, a stuck client): then commands
 * start 4 times a second, so their work (about 5 ms of CPU each) leaves the CPU to the flood's acks. The
 * queue's 64 then wait up to 16 s; past them the answer is "busy" at once.
 */
const WORK_UNDER_FLOOD = { arrivals: 50, perSecond: 4 };
/** Started at once within that rate: a few clicks together run together; a flood's work is spread out. */
const WORK_BURST = 3;

/** How long stop() waits for listeners still working after their ack. */
const STOP_WAIT_MS = 8000;

/**
 * A listener threw: log it with where it came from (never the whole payload), and tell the user through the
 * request's response URL, if it has one. Never throws: the process keeps serving.
 */
async function answerListenerError(log: Logger, error: unknown, body: unknown): Promise<void> {
  const where = requestContext(body);
  log.error({ err: error, ...where }, 'a Slack listener failed');
  if (!where.responseUrl) return;
  try {
    await fetch(where.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        replace_original: false,
        text: ':x: Something went wrong inside mms-chatops while handling that; it has been logged. Check the job or card before trying again.',
      }),
      signal: AbortSignal.timeout(5000),
    });
  } catch (err) {
    log.warn({ err }, 'cannot tell the user about a listener error');
  }
}

/** What identifies a request in a log line: its kind, action or command, user, channel, team. */
function requestContext(body: unknown) {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const obj = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const action = Array.isArray(b['actions']) ? str(obj(b['actions'][0])['action_id']) : undefined;
  const urls = Array.isArray(b['response_urls']) ? b['response_urls'] : [];
  const responseUrl = str(b['response_url']) ?? str(obj(urls[0])['response_url']);
  return {
    kind: str(b['type']) ?? (str(b['command']) ? 'command' : undefined),
    action: action ?? str(b['command']) ?? str(obj(b['view'])['callback_id']) ?? str(obj(b['event'])['type']),
    user: str(obj(b['user'])['id']) ?? str(b['user_id']),
    channel: str(obj(b['channel'])['id']) ?? str(b['channel_id']),
    team: str(obj(b['team'])['id']) ?? str(b['team_id']),
    responseUrl: responseUrl && /^https?:\/\//.test(responseUrl) ? responseUrl : undefined,
  };
}
