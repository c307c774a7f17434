// A world for watcher tests: the MMS simulator over HTTP, the Slack stand-in over HTTP, a SQLite file in a
// temp dir, and an injected clock. `open()` builds a Watcher on that file (again after a "crash").
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { Authz } from '../../src/authz.js';
import { parseConfig } from '../../src/config.js';
import { ConfirmFlow } from '../../src/confirm/flow.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import type { MmsClient } from '../../src/mms/client.js';
import { createMmsClients, type MmsClients } from '../../src/mms/clients.js';
import { staticCredentials } from '../../src/mms/credentials.js';
import type { WatchTarget } from '../../src/operations/types.js';
import type { Services } from '../../src/services.js';
import { type MmsSimulator, type SimOptions, startSimulator } from '../../src/sim/index.js';
import { AuditStore } from '../../src/store/audit.js';
import { ConfirmationStore } from '../../src/store/confirmations.js';
import { type Db, openDb } from '../../src/store/db.js';
import { WatchStore } from '../../src/store/watches.js';
import type { RenderCtx } from '../../src/ui/types.js';
import { Watcher, type WatcherOptions } from '../../src/watch/watcher.js';
import { type SlackApiStandIn, type StoredMessage, startSlackApi } from '../helpers/slack-api.js';
import { tempDir } from '../helpers/tmp.js';

export const REGION = 'cn-hangzhou';
export const CHANNEL = 'C0WATCH001';
export const NOTIFY = 'C0NOTIFY01';
export const START = Date.UTC(2025, 5, 3, 2, 0, 0);

export interface Clock {
  now: () => number;
  advance(ms: number): void;
}

export interface Instance {
  db: Db;
  watcher: Watcher;
  services: Services;
  flow: ConfirmFlow;
  confirmations: ConfirmationStore;
  /** Stops the watcher and closes its database connection. */
  close(): Promise<void>;
  /** Drops the instance as a SIGKILL would: nothing more runs, the connection just goes. */
  kill(): void;
}

export interface World {
  sim: MmsSimulator;
  api: SlackApiStandIn;
  clock: Clock;
  dbPath: string;
  clients: MmsClients;
  mms: MmsClient;
  sourceId: number;
  web: WebClient;
  open(o?: Partial<WatcherOptions>): Instance;
  /** Posts a message standing in for a confirmation card; returns its ts. */
  postCard(channel?: string): Promise<string>;
  target(
    kind: WatchTarget['kind'],
    objectId: number,
    label: string,
    cardTs: string | null,
    channel?: string,
  ): WatchTarget;
  /** Creates a job in MMS (as a confirmed migrate would); returns the async task id. */
  createJob(name: string, tables: string[], extra?: Record<string, unknown>): Promise<number>;
  close(): Promise<void>;
}

const TABLES = ['orders', 'customers', 'payments', 'shipments', 'returns', 'refunds'];

/** `sim`: simulator options, e.g. `{ nullStrings: true }` for MMS answering as the official sample does. */
export async function startWorld(o: { bulkTables?: number; sim?: SimOptions } = {}): Promise<World> {
  const sim = await startSimulator({ demo: false, seed: 11, ...o.sim });
  const api = await startSlackApi();
  const tmp = tempDir('mms-watch-');
  const dbPath = join(tmp.dir, 'watch.db');
  let t = START;
  const clock: Clock = {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
  const sourceId = o.bulkTables
    ? sim.addBulkSource('bulk-src', o.bulkTables)
    : sim.addSource({
        name: 'hive-test',
        dbs: [
          {
            name: 'sales',
            dstProjectName: 'mc_sales',
            dstSchemaName: 'default',
            tables: TABLES.map((name, i) => ({ name, numRows: 1000 + i * 100 })),
          },
        ],
      });
  const clients = createMmsClients({
    credentials: staticCredentials(sim.credentials),
    endpointOverride: sim.url,
    retry: { tries: 2, baseMs: 1, maxMs: 5 },
  });
  const mms = clients(REGION);
  // 429s come back as errors at once (the outbox waits them out on the injected clock).
  const web = new WebClient('xoxb-test', {
    slackApiUrl: api.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'secret',
    SLACK_API_URL: api.url,
    MMS_REGION: REGION,
    MMS_ENDPOINT: sim.url,
    DATABASE_PATH: dbPath,
  });
  const instances: Instance[] = [];

  const open = (wo: Partial<WatcherOptions> = {}): Instance => {
    const db = openDb(dbPath);
    const now = clock.now;
    const audit = new AuditStore(db, now);
    const confirmations = new ConfirmationStore(db, now);
    const authz = new Authz(config, async () => [], now);
    const services: Services = {
      config,
      clients,
      credentials: staticCredentials(sim.credentials),
      authz,
      audit,
      watches: new WatchStore(db, now),
      confirmations,
    };
    const flow = new ConfirmFlow({ store: confirmations, audit, authz, ttlSeconds: 600, now });
    const render = (region: string): RenderCtx => ({ region, defaultRegion: REGION, now: new Date(now()) });
    const watcher = new Watcher({
      db,
      services,
      flow,
      web,
      logger: createLogger('silent'),
      metrics: createMetrics(),
      now,
      intervalSeconds: 30,
      render,
      random: () => 0.5,
      mmsRatePerSecond: 10_000,
      ...wo,
    });
    let closed = false;
    const inst: Instance = {
      db,
      watcher,
      services,
      flow,
      confirmations,
      async close() {
        if (closed) return;
        closed = true;
        await watcher.stop();
        db.close();
      },
      kill() {
        if (closed) return;
        closed = true;
        db.close();
      },
    };
    instances.push(inst);
    return inst;
  };

  return {
    sim,
    api,
    clock,
    dbPath,
    clients,
    mms,
    sourceId,
    web,
    open,
    async postCard(channel = CHANNEL) {
      const res = await web.chat.postMessage({ channel, text: 'Confirm: create migration job' });
      return String(res.ts);
    },
    target(kind, objectId, label, cardTs, channel = CHANNEL) {
      return {
        kind,
        sourceId,
        sourceName: o.bulkTables ? 'bulk-src' : 'hive-test',
        objectId,
        label,
        channel,
        user: 'U0OPS00001',
        region: REGION,
        cardTs,
      };
    },
    async createJob(name, tables, extra = {}) {
      const db = o.bulkTables ? 'bulk_db' : 'sales';
      const res = await mms.createJob(sourceId, {
        name,
        srcDbName: db,
        tables,
        enableVerification: true,
        ...extra,
      });
      return res.asyncTaskId;
    },
    async close() {
      for (const i of instances) await i.close();
      await Promise.all([sim.close(), api.close()]);
      tmp.cleanup();
    },
  };
}

/** One watcher cycle: the world moves `steps`, the clock 30 s, then a tick. */
export async function cycle(w: World, watcher: Watcher, steps = 1) {
  if (steps > 0) w.sim.step(steps);
  w.clock.advance(30_000);
  return watcher.tick();
}

/** Ticks (30 s apart, stepping the world) until `done` or `max` cycles. */
export async function cycleUntil(w: World, watcher: Watcher, done: () => boolean, max = 40): Promise<number> {
  for (let i = 0; i < max; i++) {
    if (done()) return i;
    await cycle(w, watcher);
  }
  if (!done()) throw new Error(`condition not reached after ${max} cycles`);
  return max;
}

/** The outbox key a message carries in its metadata. */
export function keyOf(m: StoredMessage): string | undefined {
  const md = m.metadata as { event_payload?: { key?: unknown } } | undefined;
  return typeof md?.event_payload?.key === 'string' ? md.event_payload.key : undefined;
}

/** Every text of a message (fallback and blocks), flattened. */
export function textOf(m: StoredMessage | undefined): string {
  if (!m) return '';
  const parts: string[] = [m.text];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(m.blocks);
  return parts.join('\n');
}

/** Values of the run buttons in a message. */
export function buttons(m: StoredMessage | undefined): string[] {
  const out: string[] = [];
  for (const b of (m?.blocks ?? []) as Array<{
    type?: string;
    elements?: Array<{ type?: string; value?: string }>;
  }>) {
    if (b.type !== 'actions') continue;
    for (const e of b.elements ?? []) if (e.type === 'button' && e.value) out.push(e.value);
  }
  return out;
}
