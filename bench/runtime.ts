// The bot as it runs in production (`node dist/main.js`, a process of its own) against a bare Bolt app with
// the same receiver settings (bench/bare-bolt.mjs), in the same run: ack latency at 5000 signed requests,
// concurrency 50, for `/mms help`, a read command and a button click; RSS after that load; RSS while
// watching 1000 jobs; cold start to /healthz 200. Needs `npm run build` first (`npm run bench` does it).
//
// `BENCH_BOT_DIR=<dir>` measures another checkout's bot (dist/main.js there, else src/main.ts under tsx).
//
// The app under test runs alone on the last CPU; this process (the load), the MMS simulator and the Slack
// stand-in share the others. Sharing every CPU with the load would time the load generator's wait for a CPU
// as much as the app's ack: the more CPU the app takes, the slower the client that measures it.
// `BENCH_PIN=0` shares them all anyway. bench/ack-clock.mjs, preloaded into both, times each request inside
// the app, apart from the load generator's own wait.
import { type ChildProcess, type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createMmsClients } from '../src/mms/clients.js';
import { staticCredentials } from '../src/mms/credentials.js';
import { SlackClient } from '../src/sandbox/slack-client.js';
import { openDb } from '../src/store/db.js';
import { WatchStore } from '../src/store/watches.js';

const SECRET = 'bench-signing-secret';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5000);
const CONCURRENCY = 50;
/**
 * Requests sent before each measured 5000. With 300, both apps' first 2–3 s ran at half their later rate (the
 * load generator and the stand-ins still warming up), and that start set both p99s: the figures are for a
 * steady flood.
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2000);
const WATCHED = 1000;
const REGION = 'cn-hangzhou';
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
/** Closed-loop rounds per scenario and app (see measureClosed). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

/** Where the app under test and everything else run, or null when they share every CPU. */
let PIN: { app: string; rest: string } | null = null;

/** Keeps this process (and what it spawns from now on: the servers) off the last CPU, kept for the app. */
function pin(): void {
  const n = availableParallelism();
  if (process.env.BENCH_PIN === '0' || n < 2) return;
  const rest = n === 2 ? '0' : `0-${n - 2}`;
  if (setAffinity(rest)) PIN = { app: String(n - 1), rest };
}

function unpin(): void {
  if (PIN) setAffinity(`0-${availableParallelism() - 1}`);
  PIN = null;
}

/** Every thread of this process onto `cpus`; false when taskset is missing or refused. */
function setAffinity(cpus: string): boolean {
  return (
    spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' }).status === 0
  );
}

/** `node <args>`, on the app's own CPU when pinned. */
function spawnApp(args: string[], o: SpawnOptions): ChildProcess {
  return PIN
    ? spawn('taskset', ['-c', PIN.app, process.execPath, ...args], o)
    : spawn(process.execPath, args, o);
}

interface Server {
  name: string;
  child: ChildProcess;
  base: string;
  coldStartMs: number;
  /** RSS half a second after the first /healthz 200. */
  idleMb: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** The MMS simulator and the Slack stand-in, in their own process (bench/servers.ts). */
interface Servers {
  sim: string;
  api: string;
  credentials: { accessKeyId: string; accessKeySecret: string };
  bulkSourceId: number | null;
  responseUrl(): string;
  stop(): Promise<void>;
}

async function startServers(bulkTables = 0): Promise<Servers> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('bench/servers.ts')], {
    env: { ...process.env, BENCH_BULK_TABLES: String(bulkTables) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const line = await new Promise<string>((ok, fail) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += String(d);
      if (buf.includes('\n')) ok(buf.split('\n')[0]!);
    });
    child.once('exit', () => fail(new Error('bench/servers.ts exited before it was ready')));
  });
  const info = JSON.parse(line) as Omit<Servers, 'stop' | 'responseUrl'>;
  let n = 0;
  return {
    ...info,
    responseUrl: () => `${info.api}/hooks/bench-${++n}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Spawns `node <args>` and times it from spawn to the first 200 from /healthz. */
async function launch(
  name: string,
  args: string[],
  env: Record<string, string>,
  cwd = process.cwd(),
  settleMs = 500,
): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let err = '';
  const t0 = performance.now();
  const nodeArgs = name === 'bare Bolt' ? [] : (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawnApp([...nodeArgs, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start:\n${err}`);
    const ok = await fetch(`${base}/healthz`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) break;
    if (performance.now() - t0 > 60_000) throw new Error(`${name}: no /healthz 200 within 60 s\n${err}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const coldStartMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, settleMs));
  const idleMb = rssMb(child);
  return {
    idleMb,
    name,
    child,
    base,
    coldStartMs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU time (user + system) the process has used so far, in ms. */
function cpuMs(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** `n` calls of `send` from `c` concurrent loops; the latency of each, in ms. */
async function load(send: () => Promise<number>, n: number, c: number): Promise<number[]> {
  const out: number[] = [];
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const t = performance.now();
      const status = await send();
      out.push(performance.now() - t);
      if (status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: c }, worker));
  if (failures) throw new Error(`${failures} of ${n} requests did not answer 200`);
  return out;
}

/** `send` started `rate` times a second for `seconds`, whatever the answers; the latency of each, in ms. */
async function openLoad(send: () => Promise<number>, rate: number, seconds: number): Promise<number[]> {
  const out: number[] = [];
  const pending: Array<Promise<void>> = [];
  let failures = 0;
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t = performance.now();
    pending.push(
      send().then((status) => {
        out.push(performance.now() - t);
        if (status !== 200) failures++;
      }),
    );
  }
  await Promise.all(pending);
  if (failures) throw new Error(`${failures} of ${total} requests did not answer 200`);
  return out;
}

function median(xs: number[]): number {
  return pct(xs, 50);
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** Commands the bot refused in their ack because its work queue was full (load shed, nothing ran). */
let shed = 0;
async function command(s: SlackClient, text: string): Promise<number> {
  const r = await s.command(text);
  if (JSON.stringify(r.body).includes('too many requests in hand')) shed++;
  return r.status;
}

const SCENARIOS: Array<{ name: string; send: (s: SlackClient) => Promise<number> }> = [
  { name: '/mms help', send: (s) => command(s, 'help') },
  { name: '/mms jobs hive-prod (reads MMS)', send: (s) => command(s, 'jobs hive-prod') },
  {
    name: 'button: run `jobs hive-prod`',
    send: async (s) => (await s.click('mms_run', 'jobs hive-prod')).status,
  },
];

/** One app's figures for one scenario, over every round. */
interface Closed {
  /** Every measured request's latency, all rounds pooled. */
  xs: number[];
  /** Each round's p99. */
  roundP99: number[];
  cpuMs: number;
  /** When each round's measured requests were sent (ms since the epoch): to pick its times in the app. */
  windows: Array<[number, number]>;
}

interface Figures {
  closed: Closed[];
  /** The same scenarios sent open-loop at RATE a second. */
  open: Array<{ p50: number; p99: number; shed: number }>;
  rssMb: number;
}

/**
 * Waits until `server`'s main thread has run under 2 ms in each of two quarter-seconds in a row: the work
 * that follows its acks has drained (schedstat counts nanoseconds; stat's 10 ms ticks miss slow work).
 */
async function quiet(server: Server): Promise<void> {
  const ran = () => Number(readFileSync(`/proc/${server.child.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  let last = ran();
  const giveUp = performance.now() + 60_000;
  for (let still = 0; still < 2; ) {
    if (performance.now() > giveUp) {
      console.error(`  (${server.name} never went quiet within 60 s; measuring on)`);
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
    const now = ran();
    still = now - last < 2 ? still + 1 : 0;
    last = now;
  }
}

/**
 * The closed loop: each scenario in ROUNDS rounds of REQUESTS, bare and bot in turns (who goes first
 * alternates), each round started only when both apps are quiet. At concurrency 50 one stall delays 50
 * requests at once, so a single round's p99 is its worst stall; pooled rounds, taken in turns, give a p99
 * that a slow minute on the machine moves for both apps alike.
 */
async function measureClosed(apps: [Server, Server], servers: Servers): Promise<[Closed[], Closed[]]> {
  const clients = apps.map((a) => new SlackClient({ baseUrl: a.base, signingSecret: SECRET, api: servers }));
  const out: [Closed[], Closed[]] = [[], []];
  for (const sc of SCENARIOS) {
    const per: [Closed, Closed] = [
      { xs: [], roundP99: [], cpuMs: 0, windows: [] },
      { xs: [], roundP99: [], cpuMs: 0, windows: [] },
    ];
    for (const c of clients) await load(() => sc.send(c), WARMUP, CONCURRENCY);
    for (let r = 0; r < ROUNDS; r++) {
      for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
        await Promise.all(apps.map(quiet));
        const cpu0 = cpuMs(apps[i]!.child);
        const from = epochMs();
        const xs = await load(() => sc.send(clients[i]!), REQUESTS, CONCURRENCY);
        per[i]!.windows.push([from, epochMs()]);
        // The work that follows the acks (MMS calls, response_url posts) counts too.
        await quiet(apps[i]!);
        per[i]!.cpuMs += cpuMs(apps[i]!.child) - cpu0;
        per[i]!.xs.push(...xs);
        per[i]!.roundP99.push(pct(xs, 99));
      }
    }
    out[0].push(per[0]);
    out[1].push(per[1]);
  }
  return out;
}

/**
 * The open loop: each scenario in two halves per app, in the order bare, bot, bot, bare, each half started
 * once both apps are quiet. Run one app after the other, the second measured what the first left behind on
 * the CPU they share (its garbage collection after the load, for one): its p99 came out twice the first's
 * whichever app it was. The halves cancel that, and any drift over the minute, for both alike.
 */
async function measureOpen(
  apps: [Server, Server],
  servers: Servers,
): Promise<[Figures['open'], Figures['open']]> {
  const clients = apps.map((a) => new SlackClient({ baseUrl: a.base, signingSecret: SECRET, api: servers }));
  const out: [Figures['open'], Figures['open']] = [[], []];
  for (const sc of SCENARIOS) {
    const xs: [number[], number[]] = [[], []];
    const shedBy = [0, 0];
    for (const i of [0, 1, 1, 0]) {
      await Promise.all(apps.map(quiet));
      const before = shed;
      xs[i]!.push(...(await openLoad(() => sc.send(clients[i]!), RATE, SECONDS / 2)));
      shedBy[i]! += shed - before;
    }
    for (const i of [0, 1]) out[i]!.push({ p50: pct(xs[i]!, 50), p99: pct(xs[i]!, 99), shed: shedBy[i]! });
  }
  await Promise.all(apps.map(quiet));
  return out;
}

const epochMs = () => performance.timeOrigin + performance.now();

/** bench/ack-clock.mjs, preloaded into both apps under load, and where each writes its times. */
const ACK_CLOCK = resolve('bench/ack-clock.mjs');

/** p50 and p99 of the time each scenario's requests spent inside the app (from ack-clock's file). */
function inApp(file: string, closed: Closed[]): Array<{ p50: number; p99: number }> {
  const times = JSON.parse(readFileSync(file, 'utf8')) as Array<[number, number]>;
  return closed.map(({ windows }) => {
    const xs = times.filter(([t]) => windows.some(([from, to]) => t >= from && t <= to)).map(([, ms]) => ms);
    return { p50: pct(xs, 50), p99: pct(xs, 99) };
  });
}

function botCommand(): { args: string[]; cwd: string; label: string } {
  const dir = resolve(process.env.BENCH_BOT_DIR ?? '.');
  if (existsSync(join(dir, 'dist', 'main.js')) && !process.env.BENCH_BOT_TSX)
    return { args: ['dist/main.js'], cwd: dir, label: 'node dist/main.js' };
  return { args: ['--import', 'tsx', 'src/main.ts'], cwd: dir, label: 'src/main.ts under tsx' };
}

function botEnv(s: Servers, dbPath: string): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: s.api,
    MMS_REGION: REGION,
    MMS_ENDPOINT: s.sim,
    ALIBABA_CLOUD_ACCESS_KEY_ID: s.credentials.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: s.credentials.accessKeySecret,
    DATABASE_PATH: dbPath,
    MMS_OPERATORS: 'U0OPS00001',
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
  };
}

/** A bulk source with `n` jobs, each watched in one channel: rows written through the store. */
async function watchMany(s: Servers, dbPath: string, n: number): Promise<void> {
  const sourceId = s.bulkSourceId!;
  const mms = createMmsClients({
    credentials: staticCredentials(s.credentials),
    endpointOverride: s.sim,
  })(REGION);
  const width = String(n).length;
  for (let i = 1; i <= n; i++) {
    await mms.createJob(sourceId, {
      name: `bulk_${i}`,
      srcDbName: 'bulk_db',
      tables: [`t_${String(i).padStart(width, '0')}`],
    });
  }
  await fetch(`${s.sim}/__sim/step?n=2`, { method: 'POST' });
  const db = openDb(dbPath);
  const watches = new WatchStore(db);
  let added = 0;
  for (let page = 1; added < n; page++) {
    const jobs = await mms.listJobs(sourceId, { pageNum: page, pageSize: 100 });
    if (jobs.items.length === 0) break;
    for (const j of jobs.items) {
      watches.add({
        kind: 'job',
        region: REGION,
        sourceId,
        sourceName: 'bulk-src',
        objectId: j.id,
        channel: 'C0BENCH001',
        label: j.name,
        createdBy: 'U0OPS00001',
      });
      added++;
    }
  }
  db.close();
  if (added !== n) throw new Error(`watched ${added} jobs, wanted ${n}`);
}

/** The bot's own heap figures from its /metrics (absent from an older build that serves none there). */
async function heapOf(port: number): Promise<string | null> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`)
    .then((r) => (r.ok ? r.text() : ''))
    .catch(() => '');
  const get = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN) / 2 ** 20;
  const used = get('nodejs_heap_size_used_bytes');
  const total = get('nodejs_heap_size_total_bytes');
  return Number.isNaN(used) ? null : `${f1(used)} MB used of ${f1(total)} MB`;
}

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

type Pcts = { p50: number; p99: number };

/** One line of a p50/p99 table: the bare app's, the bot's, their ratios, then `tail`. */
function row(name: string, b: Pcts, m: Pcts, tail = ''): string {
  const cols = [b.p50, b.p99, m.p50, m.p99].map((x) => f2(x).padStart(9)).join(' ');
  return `  ${name.padEnd(36)} ${cols}   ${f2(m.p50 / b.p50).padStart(8)}×  ${f2(m.p99 / b.p99).padStart(8)}×  ${tail}`.trimEnd();
}

export async function benchRuntime(): Promise<void> {
  pin();
  const servers = await startServers();
  const dir = mkdtempSync(join(tmpdir(), 'mms-bench-runtime-'));
  const bot = botCommand();
  try {
    // A configuration error: how long until the operator reads it.
    const t0 = performance.now();
    await new Promise<void>((ok) =>
      spawn(process.execPath, bot.args, {
        cwd: bot.cwd,
        env: { PATH: process.env.PATH ?? '' },
        stdio: 'ignore',
      }).once('exit', () => ok()),
    );
    const configErrorMs = performance.now() - t0;

    const bareEnv = {
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: servers.api,
    };
    const bareAcks = join(dir, 'bare-acks.json');
    const bareServer = await launch('bare Bolt', ['--import', ACK_CLOCK, resolve('bench/bare-bolt.mjs')], {
      ...bareEnv,
      BENCH_ACK_FILE: bareAcks,
    });
    const metricsPort = await freePort();
    const botAcks = join(dir, 'bot-acks.json');
    const botServer = await launch(
      'bot',
      ['--import', ACK_CLOCK, ...bot.args],
      {
        ...botEnv(servers, join(dir, 'load.db')),
        METRICS_PORT: String(metricsPort),
        BENCH_ACK_FILE: botAcks,
      },
      bot.cwd,
    ).catch(async (e) => {
      await bareServer.stop();
      throw e;
    });
    let bare: Figures;
    let mine: Figures;
    /** Commands the bot shed under the closed loop. */
    let closedShed: number;
    let heap: string | null;
    try {
      shed = 0;
      const [bareClosed, botClosed] = await measureClosed([bareServer, botServer], servers);
      closedShed = shed;
      const rss = [rssMb(bareServer.child), rssMb(botServer.child)] as const;
      const [bareOpen, botOpen] = await measureOpen([bareServer, botServer], servers);
      bare = { closed: bareClosed, rssMb: rss[0], open: bareOpen };
      mine = { closed: botClosed, rssMb: rss[1], open: botOpen };
      heap = await heapOf(metricsPort);
    } finally {
      await Promise.all([bareServer.stop(), botServer.stop()]);
    }
    const inside = { bare: inApp(bareAcks, bare.closed), bot: inApp(botAcks, mine.closed) };

    console.log(`\nruntime: ${bot.label} against a bare Bolt app, both under node ${process.version}`);
    console.log(
      PIN
        ? `  each app alone on CPU ${PIN.app}; the load, MMS simulator and Slack stand-in on CPU ${PIN.rest}`
        : '  every process shares every CPU (BENCH_PIN=0, one CPU, or no taskset)',
    );
    console.log(
      `  ack latency, ${ROUNDS} rounds of ${REQUESTS} signed requests at concurrency ${CONCURRENCY} per app, bare and bot in turns (ms, rounds pooled):`,
    );
    console.log(
      `  ${'request'.padEnd(36)} ${'bare p50'.padStart(9)} ${'bare p99'.padStart(9)} ${'bot p50'.padStart(9)} ${'bot p99'.padStart(9)}   p50 ratio  p99 ratio   p99 ratio in each round`,
    );
    SCENARIOS.forEach((sc, i) => {
      const b = bare.closed[i]!;
      const m = mine.closed[i]!;
      const [b50, b99, m50, m99] = [pct(b.xs, 50), pct(b.xs, 99), pct(m.xs, 50), pct(m.xs, 99)];
      const rounds = m.roundP99.map((p, r) => f2(p / b.roundP99[r]!)).join(' ');
      console.log(row(sc.name, { p50: b50, p99: b99 }, { p50: m50, p99: m99 }, ` ${rounds}`));
    });
    // The same app from one round to the next: how far apart two p99s of identical work fall here.
    const spread = SCENARIOS.map((_, i) => {
      const ps = bare.closed[i]!.roundP99;
      return `${f2(Math.max(...ps) / Math.min(...ps))}×`;
    });
    console.log(
      `  the bare app against itself, its highest round p99 over its lowest: ${spread.join(' / ')} (the noise in a round's ratio)`,
    );
    console.log(`  commands the bot shed (busy, nothing ran): ${closedShed}`);
    console.log(
      '  the same requests inside each app, request parsed to response finished (ms; the rest above is outside it):',
    );
    SCENARIOS.forEach((sc, i) => {
      const b = inside.bare[i]!;
      const m = inside.bot[i]!;
      console.log(row(sc.name, b, m));
    });
    console.log('  CPU per request, the work after the ack included (ms; robust to a busy machine):');
    SCENARIOS.forEach((sc, i) => {
      const b = bare.closed[i]!.cpuMs / bare.closed[i]!.xs.length;
      const m = mine.closed[i]!.cpuMs / mine.closed[i]!.xs.length;
      console.log(
        `  ${sc.name.padEnd(36)} ${f2(b).padStart(9)} ${f2(m).padStart(9)}   ${f2(m / b).padStart(8)}×`,
      );
    });
    console.log(
      `  open loop, ${RATE} requests a second for ${SECONDS} s per app, in halves: bare, bot, bot, bare (ms):`,
    );
    SCENARIOS.forEach((sc, i) => {
      const b = bare.open[i]!;
      const m = mine.open[i]!;
      console.log(row(sc.name, b, m, m.shed ? `${m.shed} shed` : ''));
    });
    console.log(
      `  RSS at rest after start: bare ${f1(bareServer.idleMb)} MB, bot ${f1(botServer.idleMb)} MB`,
    );
    console.log(
      `  RSS after the load: bare ${f1(bare.rssMb)} MB, bot ${f1(mine.rssMb)} MB: ${f2(mine.rssMb / bare.rssMb)}× (goal ≤ 1.3×)`,
    );
    console.log(
      `  cold start to /healthz 200, first launch: bare ${bareServer.coldStartMs.toFixed(0)} ms, bot ${botServer.coldStartMs.toFixed(0)} ms; configuration error shown after ${configErrorMs.toFixed(0)} ms`,
    );
    const starts = { bare: [] as number[], bot: [] as number[] };
    for (let i = 0; i < STARTS; i++) {
      const b = await launch('bare Bolt', [resolve('bench/bare-bolt.mjs')], bareEnv, process.cwd(), 0);
      await b.stop();
      starts.bare.push(b.coldStartMs);
      const m = await launch('bot', bot.args, botEnv(servers, join(dir, `start-${i}.db`)), bot.cwd, 0);
      await m.stop();
      starts.bot.push(m.coldStartMs);
    }
    if (STARTS > 0)
      console.log(
        `  cold start to /healthz 200, median of ${STARTS} launches in turns: bare ${median(starts.bare).toFixed(0)} ms, bot ${median(starts.bot).toFixed(0)} ms: ${f2(median(starts.bot) / median(starts.bare))}× (goal ≤ 1500 ms)`,
      );

    if (heap) console.log(`  bot's V8 heap after the load: ${heap}`);

    // 1000 watched jobs: RSS sampled every second over the first 20 s of watching them.
    const dbPath = join(dir, 'watch.db');
    const bulk = await startServers(WATCHED);
    await watchMany(bulk, dbPath, WATCHED).catch(async (e) => {
      await bulk.stop();
      throw e;
    });
    await fetch(`${bulk.sim}/__sim/calls`, { method: 'DELETE' });
    const watcher = await launch(
      'bot watching',
      bot.args,
      { ...botEnv(bulk, dbPath), WATCH_INTERVAL_SECONDS: '5' },
      bot.cwd,
    );
    let peak = 0;
    try {
      for (let s = 0; s < 20; s++) {
        await new Promise((r) => setTimeout(r, 1000));
        peak = Math.max(peak, rssMb(watcher.child));
      }
      const last = rssMb(watcher.child);
      console.log(
        `  RSS watching ${WATCHED} jobs: peak ${f1(peak)} MB, ${f1(last)} MB after 20 s (goal ≤ 150 MB); ${((await (await fetch(`${bulk.sim}/__sim/calls`)).json()) as unknown[]).length} MMS calls meanwhile`,
      );
    } finally {
      await watcher.stop();
      await bulk.stop();
    }
  } finally {
    await servers.stop();
    rmSync(dir, { recursive: true, force: true });
    unpin();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRuntime();
