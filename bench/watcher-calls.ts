// The watcher at the floor (`npx tsx bench/watcher-calls.ts`): MMS calls per cycle at 1000 and 10 000 watched
// running jobs × 20 tasks with 5 % of the jobs moving one task to DONE each cycle, next to the naive
// GetMmsJob + ListMmsTasks per job; the time from a task failure inside a running job to its Slack post; the
// time from a progress change to the card edit. The simulator answers over HTTP on loopback (its model is
// driven directly: no lifecycle steps, so only the churn below moves); Slack is a local endpoint that
// records when each post and edit arrives. The watcher's clock is injected: a change made `offset` ms into
// an interval waits (interval − offset) for the next tick, then the tick's wall time until Slack has it.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { Authz } from '../src/authz.js';
import { parseConfig } from '../src/config.js';
import { ConfirmFlow } from '../src/confirm/flow.js';
import { createLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { createMmsClients } from '../src/mms/clients.js';
import { staticCredentials } from '../src/mms/credentials.js';
import { startSimulator } from '../src/sim/index.js';
import { addTaskLog } from '../src/sim/logs.js';
import { createJob, planJob } from '../src/sim/planner.js';
import type { TaskRec } from '../src/sim/types.js';
import { AuditStore } from '../src/store/audit.js';
import { ConfirmationStore } from '../src/store/confirmations.js';
import { openDb } from '../src/store/db.js';
import { WatchStore } from '../src/store/watches.js';
import { Watcher } from '../src/watch/watcher.js';

const REGION = 'cn-hangzhou';
const INTERVAL_S = 5;
const TASKS_PER_JOB = 20;
const CHURN = 0.05;
const CYCLES = 10;

interface SlackArrival {
  method: string;
  channel: string;
  text: string;
  at: number;
}

/** Answers every Web API call with ok and a ts, and records when each arrived. */
async function recordingSlack() {
  let n = 0;
  const arrivals: SlackArrival[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = new URLSearchParams(Buffer.concat(chunks).toString());
      const method = (req.url ?? '').replace(/^\/api\//, '');
      const channel = body.get('channel') ?? '';
      arrivals.push({ method, channel, text: body.get('text') ?? '', at: performance.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, ts: `1700000000.${String(++n).padStart(6, '0')}`, channel }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    arrivals,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Figures {
  jobs: number;
  perCycle: number[];
  byAction: Record<string, number>;
  naive: number;
  failureMs: number[];
  progressMs: number[];
  tickMs: number[];
}

async function measure(jobs: number): Promise<Figures> {
  const sim = await startSimulator({ demo: false, seed: 3 });
  const slack = await recordingSlack();
  const dir = mkdtempSync(join(tmpdir(), 'mms-bench-'));
  const db = openDb(join(dir, 'bench.db'));
  let t = Date.UTC(2025, 5, 3);
  const now = () => t;
  const random = rng(jobs);
  try {
    const m = sim.model;
    const sourceId = sim.addBulkSource('bulk', TASKS_PER_JOB);
    const jobIds: number[] = [];
    for (let i = 1; i <= jobs; i++) {
      const job = createJob(m, planJob(m, m.source(sourceId), { name: `bulk_${i}`, srcDbName: 'bulk_db' }));
      jobIds.push(job.id);
    }
    // Every task running its data phase; nothing moves but the churn below.
    const tasksOf = new Map<number, TaskRec[]>();
    for (const task of m.tasks.values()) {
      task.status = 'DATA_DOING';
      tasksOf.set(task.jobId, [...(tasksOf.get(task.jobId) ?? []), task]);
    }
    const clients = createMmsClients({
      credentials: staticCredentials(sim.credentials),
      endpointOverride: sim.url,
      retry: { tries: 2, baseMs: 1, maxMs: 5 },
    });
    const config = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench',
      MMS_REGION: REGION,
      DATABASE_PATH: join(dir, 'bench.db'),
    });
    const audit = new AuditStore(db, now);
    const confirmations = new ConfirmationStore(db, now);
    const authz = new Authz(config, async () => [], now);
    const watches = new WatchStore(db, now);
    const watcher = new Watcher({
      db,
      services: {
        config,
        clients,
        credentials: staticCredentials(sim.credentials),
        authz,
        audit,
        watches,
        confirmations,
      },
      flow: new ConfirmFlow({ store: confirmations, audit, authz, ttlSeconds: 600, now }),
      web: new WebClient('xoxb-bench', { slackApiUrl: slack.url, retryConfig: { retries: 0 } }),
      logger: createLogger('silent'),
      metrics: createMetrics(),
      now,
      intervalSeconds: INTERVAL_S,
      fastIntervalSeconds: INTERVAL_S,
      render: (region) => ({ region, defaultRegion: REGION, now: new Date(t) }),
      // Counting calls, not pacing them: the production cap (10/s) would spread the first cycle out.
      mmsRatePerSecond: 1_000_000,
      concurrency: 8,
      // Slack's own pacing is not what is measured: every card edit of a cycle goes out in that cycle.
      maxUpdatesPerTick: 100_000,
    });
    // One channel per job: the card edit of a job is the chat.update in its channel.
    for (const [i, id] of jobIds.entries()) {
      watcher.register({
        kind: 'job',
        sourceId,
        sourceName: 'bulk',
        objectId: id,
        label: `bulk_${i + 1}`,
        channel: `C${String(id).padStart(8, '0')}`,
        user: 'U0BENCH001',
        region: REGION,
        cardTs: null,
      });
    }
    const tick = async () => {
      t += INTERVAL_S * 1000;
      sim.resetCalls();
      const started = performance.now();
      const r = await watcher.tick({ fast: false, jobs: true });
      return { calls: sim.calls.length, r, started };
    };
    // First look (every job's task list once) and the card posts, until the outbox is empty.
    await tick();
    for (let i = 0; i < 40 && watcher.outbox.pendingCount() > 0; i++) await tick();

    const running = () =>
      jobIds.filter((id) => (tasksOf.get(id) ?? []).some((x) => x.status === 'DATA_DOING'));
    const perCycle: number[] = [];
    const byAction: Record<string, number> = {};
    const failureMs: number[] = [];
    const progressMs: number[] = [];
    const tickMs: number[] = [];
    for (let c = 0; c < CYCLES; c++) {
      // 5 % of the jobs move one task to DONE.
      const live = running();
      const moved = new Set<number>();
      while (moved.size < Math.round(jobs * CHURN) && moved.size < live.length)
        moved.add(live[Math.floor(random() * live.length)]!);
      for (const id of moved) {
        const task = tasksOf.get(id)!.find((x) => x.status === 'DATA_DOING')!;
        task.status = 'DONE';
      }
      // One task fails inside another running job (its job stays DOING, taskDone does not move).
      const calm = live.filter((id) => !moved.has(id));
      const failing = calm[Math.floor(random() * calm.length)]!;
      const bad = tasksOf.get(failing)!.find((x) => x.status === 'DATA_DOING')!;
      bad.status = 'DATA_FAILED';
      addTaskLog(
        m,
        bad,
        'DATA_FAILED',
        'insert overwrite table t',
        'java.net.ConnectException: Connection refused',
      );
      // Both happened `offset` into the interval: the next tick is (interval − offset) away.
      const offset = random() * INTERVAL_S * 1000;
      const tracked = [...moved][0]!;
      const before = slack.arrivals.length;
      const { calls, r, started } = await tick();
      perCycle.push(calls);
      tickMs.push(performance.now() - started);
      for (const [k, v] of Object.entries(r.mmsCallsByAction)) byAction[k] = (byAction[k] ?? 0) + v;
      const since = slack.arrivals.slice(before);
      const channel = (id: number) => `C${String(id).padStart(8, '0')}`;
      const post = since.find(
        (a) => a.method === 'chat.postMessage' && a.channel === channel(failing) && /failed/i.test(a.text),
      );
      const edit = since.find((a) => a.method === 'chat.update' && a.channel === channel(tracked));
      const wait = INTERVAL_S * 1000 - offset;
      failureMs.push(post ? wait + (post.at - started) : Number.NaN);
      progressMs.push(edit ? wait + (edit.at - started) : Number.NaN);
    }
    await watcher.stop();
    for (const k of Object.keys(byAction)) byAction[k] = byAction[k]! / CYCLES;
    return { jobs, perCycle, byAction, naive: 2 * jobs, failureMs, progressMs, tickMs };
  } finally {
    db.close();
    await Promise.all([sim.close(), slack.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const stats = (xs: number[]) => {
  const ok = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const s = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
  return `median ${s(ok[Math.floor(ok.length / 2)])}, max ${s(ok.at(-1))}, missed ${xs.length - ok.length}/${xs.length}`;
};

console.log(
  `Watcher MMS calls per cycle: running jobs × ${TASKS_PER_JOB} tasks, ${CHURN * 100} % of the jobs moving one task ` +
    `per cycle, one task failing inside a running job per cycle; interval ${INTERVAL_S} s; ${CYCLES} cycles`,
);
const SIZES = (process.env['BENCH_JOBS'] ?? '1000,10000').split(',').map(Number);
for (const n of SIZES) {
  const f = await measure(n);
  const avg = f.perCycle.reduce((a, b) => a + b, 0) / f.perCycle.length;
  const actions = Object.entries(f.byAction)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
  console.log(
    `${String(n).padStart(6)} jobs: ${avg.toFixed(1)} MMS calls per cycle (min ${Math.min(...f.perCycle)}, max ${Math.max(...f.perCycle)}; ${actions}) ` +
      `vs naive ${f.naive} (${(f.naive / avg).toFixed(0)}× fewer)`,
  );
  console.log(`        tick wall time: ${stats(f.tickMs)}`);
  console.log(`        task failure → Slack post: ${stats(f.failureMs)} (goal ≤ ${INTERVAL_S + 2} s)`);
  console.log(`        progress change → card edit: ${stats(f.progressMs)} (goal ≤ ${INTERVAL_S + 2} s)`);
}
