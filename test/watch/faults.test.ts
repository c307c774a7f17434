// The watcher's notifications under faults, with the bot as a real child process: SIGKILLed at random
// moments 20 times while jobs run failure → retry → completion (0 lost, 0 posted twice; a failure retried
// while the bot was down is still told, with its diagnosis, before the retry's outcome), and two processes
// on one database file (exactly one watcher posts).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMmsClients } from '../../src/mms/clients.js';
import { staticCredentials } from '../../src/mms/credentials.js';
import { type MmsSimulator, startSimulator } from '../../src/sim/index.js';
import { openDb } from '../../src/store/db.js';
import { WatchStore } from '../../src/store/watches.js';
import { freePort, startProcess } from '../helpers/process.js';
import { type SlackApiStandIn, type StoredMessage, startSlackApi } from '../helpers/slack-api.js';
import { tempDir } from '../helpers/tmp.js';
import { keyOf, textOf } from './setup.js';

// The bot script, bundled once (its packages stay external): a restart then costs a node start, not a
// TypeScript compile, so twenty kills fit in the suite.
let bundle = '';
let bundleDir = '';
beforeAll(async () => {
  bundleDir = mkdtempSync(join(process.cwd(), '.fault-bot-'));
  bundle = join(bundleDir, 'bot.mjs');
  await build({
    entryPoints: ['test/watch/fault-bot.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: bundle,
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));
const REGION = 'cn-hangzhou';
const CHANNEL = 'C0FAULTS01';
const JOBS = 5;
const KILLS = Number(process.env['FAULT_KILLS'] ?? 20);

interface Proc {
  child: ChildProcess;
  exited: Promise<number | null>;
  ready: Promise<void>;
  output: () => string;
}

const procs: Proc[] = [];
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const p of procs.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function bot(env: Record<string, string>): Promise<Proc> {
  const started = startProcess(process.execPath, [bundle], { ...env, PORT: String(await freePort()) });
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => {
    onReady = r;
  });
  started.child.stdout!.on('data', () => {
    if (started.output().includes('ready')) onReady();
  });
  const p = { ...started, ready };
  procs.push(p);
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ACCESS_DENIED = {
  phase: 'SCHEMA' as const,
  msg:
    "ODPS-0420095: Access Denied - Authorization Failed [4019], You have NO privilege 'odps:CreateTable' on " +
    '{acs:odps:*:projects/mc_sales}. --->Tips: Pricipal:RAM$1688003712345678:role/aliyunserviceroleformaxcomputemms',
};

/** Five jobs of two tables each, one table of each failing its schema phase once; watched in CHANNEL. */
async function world(seed: number) {
  const sim: MmsSimulator = await startSimulator({ demo: false, seed });
  const api: SlackApiStandIn = await startSlackApi();
  const tmp = tempDir('mms-faults-');
  cleanups.push(
    () => tmp.cleanup(),
    () => Promise.all([sim.close(), api.close()]),
  );
  const dbPath = join(tmp.dir, 'bot.db');
  const tables = Array.from({ length: JOBS }, (_, i) => [`a_${i}`, `b_${i}`]).flat();
  const sourceId = sim.addSource({
    name: 'hive-faults',
    dbs: [
      {
        name: 'sales',
        dstProjectName: 'mc_sales',
        dstSchemaName: 'default',
        tables: tables.map((name) => ({ name, numRows: 1000 })),
      },
    ],
  });
  const mms = createMmsClients({
    credentials: staticCredentials(sim.credentials),
    endpointOverride: sim.url,
    retry: { tries: 2, baseMs: 1, maxMs: 5 },
  })(REGION);
  const asyncIds: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    sim.failTask({ table: `b_${i}` }, { ...ACCESS_DENIED, action: `create table mc_sales.default.b_${i};` });
    const r = await mms.createJob(sourceId, {
      name: `fault_${i}`,
      srcDbName: 'sales',
      tables: [`a_${i}`, `b_${i}`],
    });
    asyncIds.push(r.asyncTaskId);
  }
  sim.step(2);
  const jobIds: number[] = [];
  for (const id of asyncIds) jobIds.push(Number((await mms.getAsyncTask(sourceId, id)).objectId));
  // Watched from the start, as `/mms watch` would.
  const db = openDb(dbPath);
  const watches = new WatchStore(db);
  for (const [i, id] of jobIds.entries())
    watches.add({
      kind: 'job',
      region: REGION,
      sourceId,
      sourceName: 'hive-faults',
      objectId: id,
      channel: CHANNEL,
      label: `fault_${i}`,
    });
  db.close();
  const env = {
    SLACK_BOT_TOKEN: 'xoxb-faults',
    SLACK_SIGNING_SECRET: 'faults-signing-secret',
    SLACK_API_URL: api.url,
    MMS_REGION: REGION,
    MMS_ENDPOINT: sim.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: sim.credentials.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sim.credentials.accessKeySecret,
    DATABASE_PATH: dbPath,
    LOG_LEVEL: 'warn',
  };
  /** MMS moves on by itself; an operator retries each job once in the console when it has FAILED. */
  const retried = new Set<number>();
  let failures = 0;
  const drive = async (steps = 1) => {
    sim.step(steps);
    for (const id of jobIds) {
      if (retried.has(id)) continue;
      if ((await mms.getJob(sourceId, id)).status !== 'FAILED') continue;
      retried.add(id);
      await mms.retryJob(sourceId, id);
    }
    failures = [...sim.model.tasks.values()].filter((t) => t.retriedTimes > 0).length;
  };
  const allDone = async () => {
    for (const id of jobIds) if ((await mms.getJob(sourceId, id)).status !== 'DONE') return false;
    return true;
  };
  return { sim, api, env, jobIds, drive, allDone, retried: () => retried.size, failures: () => failures };
}

/** Every message the bot posted in the channel, threads included. */
function posted(api: SlackApiStandIn): StoredMessage[] {
  const top = api.messages(CHANNEL).filter((m) => !m.thread_ts);
  return [...top, ...top.flatMap((m) => api.replies(CHANNEL, m.ts))];
}

/** The figures: per job, the failure and DONE messages; keys posted more than once. */
function tally(api: SlackApiStandIn) {
  const all = posted(api);
  const byKey = new Map<string, number>();
  for (const m of all) {
    const k = keyOf(m);
    if (k) byKey.set(k, (byKey.get(k) ?? 0) + 1);
  }
  const cards = api.messages(CHANNEL).filter((m) => !m.thread_ts);
  const perJob = cards.map((card) => {
    const thread = api.replies(CHANNEL, card.ts);
    const failed = thread.findIndex((m) => /Task failed/.test(m.text) && /:r0$/.test(keyOf(m) ?? ''));
    const done = thread.findIndex((m) => /finished: DONE/.test(m.text));
    return {
      card,
      failures: thread.filter((m) => /Task failed/.test(m.text)).length,
      dones: thread.filter((m) => /finished: DONE/.test(m.text)).length,
      diagnosed: failed >= 0 && textOf(thread[failed]).includes('GRANT admin TO USER'),
      inOrder: failed >= 0 && done > failed,
    };
  });
  return { all, doubled: [...byKey].filter(([, n]) => n > 1).map(([k]) => k), cards, perJob };
}

describe('the bot SIGKILLed at random moments', () => {
  it(`${KILLS} times while ${JOBS} jobs run failure → retry → completion: nothing lost, nothing twice`, async () => {
    const w = await world(7);
    let random = 12345;
    const rand = () => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random / 2 ** 31;
    };
    // MMS moves one step every other kill while the kills go on (each lands while the jobs run), then on its own.
    let driving = true;
    let free = false;
    const driver = (async () => {
      while (driving) {
        await w.drive(free ? 1 : 0);
        await sleep(300);
      }
    })();
    let kills = 0;
    let whileRunning = 0;
    let p = await bot(w.env);
    await p.ready;
    while (kills < KILLS) {
      if (kills % 2 === 0) w.sim.step(1);
      await sleep(200 + rand() * 900);
      p.child.kill('SIGKILL');
      await p.exited;
      kills++;
      if (!(await w.allDone())) whileRunning++;
      p = await bot(w.env);
      await p.ready;
    }
    free = true;
    // The last process runs on until every job is DONE and told.
    const end = Date.now() + 60_000;
    while (
      Date.now() < end &&
      !((await w.allDone()) && tally(w.api).perJob.filter((j) => j.dones === 1).length === JOBS)
    )
      await sleep(250);
    driving = false;
    await driver;
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);

    const t = tally(w.api);
    if (process.env['FAULT_DEBUG'])
      console.log(
        t.all.map((m) => `${m.thread_ts ? '  ' : ''}${keyOf(m)} ${m.text.slice(0, 100)}`).join('\n'),
        p.output(),
      );
    const lost = JOBS * 2 - t.perJob.reduce((n, j) => n + Math.min(1, j.failures) + Math.min(1, j.dones), 0);
    console.log(
      `SIGKILL ×${kills} (${whileRunning} while jobs ran): ${JOBS} jobs, ${w.failures()} task failures, ${w.retried()} retries; ` +
        `${t.all.length} messages, ${lost} of ${JOBS * 2} notifications lost, ${t.doubled.length} posted twice`,
    );
    expect(w.retried()).toBe(JOBS);
    expect(whileRunning).toBe(KILLS);
    expect(t.cards).toHaveLength(JOBS);
    expect(t.doubled).toEqual([]);
    for (const j of t.perJob) {
      expect(j.failures).toBe(1);
      expect(j.dones).toBe(1);
      expect(j.diagnosed).toBe(true);
      expect(j.inOrder).toBe(true);
      expect(j.card.text).toMatch(/finished: DONE/);
    }
    expect(lost).toBe(0);
  }, 240_000);
});

describe('two processes on one database file', () => {
  it('exactly one watcher posts', async () => {
    const w = await world(9);
    const [a, b] = [await bot(w.env), await bot(w.env)];
    await Promise.all([a.ready, b.ready]);
    const end = Date.now() + 60_000;
    while (
      Date.now() < end &&
      !((await w.allDone()) && tally(w.api).perJob.filter((j) => j.dones === 1).length === JOBS)
    ) {
      await w.drive();
      await sleep(300);
    }
    // A few more ticks of both: nothing more, nothing twice.
    await sleep(2500);
    for (const p of [a, b]) p.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const t = tally(w.api);
    console.log(`two processes: ${t.all.length} messages, ${t.doubled.length} posted twice`);
    expect(t.cards).toHaveLength(JOBS);
    expect(t.doubled).toEqual([]);
    for (const j of t.perJob) {
      expect(j.failures).toBe(1);
      expect(j.dones).toBe(1);
    }
  }, 120_000);
});
