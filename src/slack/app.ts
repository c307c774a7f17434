// The Bolt app: HTTP mode (signed requests at POST /slack/events, plus /healthz) or Socket Mode when an
// app token is set. Listeners are registered by kind from their own modules. Prometheus metrics are served
// on their own port (metrics.ts), never on the one Slack calls.
import type { Server } from 'node:http';
import { App, type CustomRoute, HTTPReceiver } from '@slack/bolt';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { boltLogger } from './bolt-logger.js';
import { type ActionDeps, registerActions } from './listeners/actions.js';
import { registerCommand } from './listeners/command.js';
import { type HomeDeps, registerHome } from './listeners/home.js';
import { type MigrateFormDeps, registerMigrateForm } from './views.js';
import { WorkQueue } from './work-queue.js';

export interface SlackAppDeps extends ActionDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  ready: () => boolean;
  form: MigrateFormDeps;
  home?: HomeDeps;
  /** Tests: answer only after listeners finish, so effects are visible when the HTTP reply arrives. */
  processBeforeResponse?: boolean;
  /** How long a slash command may work before its ack (default 0: only answers that need no I/O). */
  ackBudgetMs?: number;
  /** Tests: no retries against a failing stand-in. */
  retries?: number;
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
  const logger = boltLogger(d.logger);
  const receiver = socketMode
    ? undefined
    : guardClockSkew(
        new HTTPReceiver({
          signingSecret: config.slack.signingSecret!,
          processBeforeResponse: d.processBeforeResponse ?? false,
          customRoutes: routes,
          logger,
        }),
        d.logger,
      );
  const app = new App({
    token: config.slack.botToken,
    // Initialised in start(): one auth.test there (after the bot's own token check, which gives the clear
    // message), its ids cached for every request. With `tokenVerificationEnabled: false` Bolt 5 would call
    // auth.test again on every single request (its per-request "cache" is reassigned each time).
    deferInitialization: true,
    logger,
    clientOptions: {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      retryConfig: { retries: d.retries ?? 3, factor: 2, minTimeout: 1000 },
    },
    ...(receiver
      ? { receiver }
      : {
          socketMode: true,
          appToken: config.slack.appToken,
          customRoutes: routes,
          installerOptions: { port: config.slack.port },
        }),
  });

  // Work that goes on after the ack (MMS calls, respond, card updates): stop() lets it finish.
  const inFlight = new Set<Promise<void>>();
  app.use(async ({ next }) => {
    const work = next();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });

  const work = new WorkQueue(WORK_CONCURRENCY, WORK_MAX_WAITING);
  registerCommand(app, { ...d, ackBudgetMs: d.ackBudgetMs ?? 0, work });
  registerActions(app, { ...d, work });
  registerMigrateForm(app, d.form);
  if (d.home) registerHome(app, d.home);
  app.error(async (err) => {
    d.logger.error({ err }, 'unhandled Slack listener error');
  });

  return {
    app,
    async start(port = config.slack.port, host?: string) {
      // Bolt's one auth.test: a rejected token fails start-up with a clear message.
      await app.init().catch((e: unknown) => {
        const code = (e as { data?: { error?: string } }).data?.error ?? (e as Error).message;
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
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref()),
      ]);
    },
  };
}

/** Commands and run buttons worked on at once after their acks, and how many may wait for a turn. */
const WORK_CONCURRENCY = 8;
const WORK_MAX_WAITING = 500;

/** How long stop() waits for listeners still working after their ack. */
const STOP_WAIT_MS = 8000;

/** Slack's replay window is five minutes either way (SLACK.md §1). */
const MAX_SKEW_SECONDS = 300;

/**
 * Bolt verifies the signature and refuses stale requests, but accepts timestamps from the future; a
 * request dated more than five minutes ahead is refused here, before Bolt reads it.
 */
function guardClockSkew(receiver: HTTPReceiver, log: Logger, now: () => number = Date.now): HTTPReceiver {
  const inner = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    const header = req.headers['x-slack-request-timestamp'];
    const ts = Number(Array.isArray(header) ? header[0] : header);
    if (req.method === 'POST' && Number.isFinite(ts) && ts - now() / 1000 > MAX_SKEW_SECONDS) {
      log.warn({ skewSeconds: Math.round(ts - now() / 1000) }, 'refused a Slack request dated in the future');
      res.writeHead(401);
      res.end();
      return;
    }
    inner(req, res);
  };
  return receiver;
}
