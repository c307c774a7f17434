// Builds the whole bot from a config: stores, MMS clients, authorization, confirmation, the Slack app
// and the watcher. `main.ts`, the sandbox and the end-to-end tests all start it through here.
import type { Server } from 'node:http';
import { WebClient } from '@slack/web-api';
import type { Config } from './config.js';
import type { ConfirmFlow } from './confirm/flow.js';
import { buildCore } from './core.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createMmsClients, type MmsClientsOptions } from './mms/clients.js';
import { type CredentialSource, chainCredentials } from './mms/credentials.js';
import type { Services } from './services.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { Dispatcher, type FormOpener } from './slack/dispatch.js';
import { migrateFormOpener } from './slack/listeners/form.js';
import { type Db, openDb } from './store/db.js';
import { FormStore } from './store/forms.js';
import { renderContext } from './ui/types.js';
import { Watcher, type WatcherOptions } from './watch/watcher.js';

export interface BotOptions {
  config: Config;
  logger?: Logger;
  credentials?: CredentialSource;
  /** The clock for expiry, polling and rendering; tests pin it. */
  now?: () => number;
  mms?: Partial<MmsClientsOptions>;
  slack?: {
    processBeforeResponse?: boolean;
    ackBudgetMs?: number;
    retries?: number;
    workLimits?: { concurrency: number; maxWaiting: number };
  };
  watcher?: Partial<WatcherOptions> & { enabled?: boolean };
  /** Interface to listen on in HTTP mode (tests: 127.0.0.1). */
  host?: string;
}

export interface Bot {
  config: Config;
  db: Db;
  services: Services;
  flow: ConfirmFlow;
  dispatcher: Dispatcher;
  slack: SlackApp;
  watcher: Watcher;
  logger: Logger;
  /** Prometheus registry and instruments; main.ts serves them on their own port (METRICS_PORT). */
  metrics: Metrics;
  start(): Promise<Server | undefined>;
  stop(): Promise<void>;
}

export function buildBot(o: BotOptions): Bot {
  const { config } = o;
  const logger = o.logger ?? createLogger(config.logLevel);
  const now = o.now ?? Date.now;
  const metrics = createMetrics();
  const db = openDb(config.databasePath);
  const credentials = o.credentials ?? chainCredentials();
  const clients = createMmsClients({
    credentials,
    endpointOverride: config.mms.endpoint,
    network: config.mms.network,
    onCall: (c) => {
      metrics.mmsCalls.inc({ action: c.action, outcome: c.ok ? 'ok' : (c.kind ?? 'error') });
      metrics.mmsLatency.observe({ action: c.action }, c.ms / 1000);
    },
    ...o.mms,
  });
  // The bot's own Web API client, for work outside a listener (group lookups, the watcher).
  const web = new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { retries: o.slack?.retries ?? 3, factor: 2, minTimeout: 1000 },
  });
  const { services, flow } = buildCore({
    config,
    db,
    clients,
    credentials,
    groupMembers: async (group) => (await web.usergroups.users.list({ usergroup: group })).users ?? [],
    now,
  });
  const forms: Partial<Record<string, FormOpener>> = {};
  const dispatcher = new Dispatcher({ services, flow, logger, now: () => new Date(now()), forms });
  const form = { dispatcher, logger, forms: new FormStore(db, now) };
  forms['migrate'] = migrateFormOpener(form);
  const watcher = new Watcher({
    db,
    services,
    flow,
    web,
    logger: logger.child({ component: 'watcher' }),
    metrics,
    now,
    intervalSeconds: config.watchIntervalSeconds,
    notifyChannel: config.notifyChannel,
    render: (region) => renderContext(region, config.mms.region, new Date(now())),
    ...o.watcher,
  });
  let ready = false;
  const slack = createSlackApp({
    config,
    logger,
    metrics,
    dispatcher,
    flow,
    ready: () => ready,
    form,
    home: { logger, view: (user) => watcher.homeView(user) },
    onWatch: (w) => watcher.register(w),
    ...o.slack,
  });
  return {
    config,
    db,
    services,
    flow,
    dispatcher,
    slack,
    watcher,
    logger,
    metrics,
    async start() {
      const server = await slack.start(config.slack.port, o.host);
      if (o.watcher?.enabled !== false) watcher.start();
      ready = true;
      return server;
    },
    async stop() {
      ready = false;
      await slack.stop().catch((err: unknown) => logger.warn({ err }, 'stopping the Slack app'));
      logger.info('Slack requests stopped');
      await watcher.stop();
      logger.info('watcher stopped: no cycle running, any cycle in progress finished');
      db.close();
      logger.info({ path: config.databasePath }, 'database closed');
    },
  };
}
