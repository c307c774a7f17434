// The whole bot against an MMS that answers the way the official models' sample does: only the declared
// fields, and the string "null" for every absent string (`"errorMsg":"null","result":"null"` on a job
// creation that went well). From `/mms migrate` through confirmation, the watch, a task failure posted
// with its diagnosis, the retry and the completion; no message may show a "null".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/bot.js';
import type { StoredMessage } from '../helpers/slack-api.js';
import { CHANNEL } from '../helpers/slack-requests.js';
import { ask, confirm, confirmId, requestCard, textOf } from './support.js';

let h: Harness;
let t = Date.UTC(2025, 5, 3, 2, 0, 0);
let sid: number;

beforeAll(async () => {
  t = Date.now();
  h = await startHarness({ sim: { demo: false, nullStrings: true, seed: 9 }, now: () => t });
  sid = h.sim.addSource({
    name: 'hive-test',
    dbs: [
      {
        name: 'sales',
        dstProjectName: 'mc_sales',
        dstSchemaName: 'default',
        tables: [
          { name: 'orders', numRows: 5000, partitions: ['ds=20250101', 'ds=20250102'] },
          { name: 'customers', numRows: 800 },
        ],
      },
    ],
  });
});
afterAll(async () => {
  await h?.close();
});

/** One watcher cycle: MMS moves a step, the clock 30 s, then both polls run. */
async function cycle(): Promise<void> {
  h.sim.step();
  t += 30_000;
  await h.bot.watcher.tick({ fast: true, jobs: true });
}

async function cycleUntil(done: () => boolean, max = 60): Promise<void> {
  for (let i = 0; i < max && !done(); i++) await cycle();
  expect(done(), `not reached after ${max} cycles`).toBe(true);
}

const thread = (ts: string): StoredMessage[] => h.api.replies(CHANNEL, ts);
const everything = (): string =>
  h.api
    .messages(CHANNEL)
    .map((m) => textOf(m))
    .join('\n');

/** Values of the run buttons of a stored message. */
function buttonValues(m: StoredMessage | undefined): string[] {
  return [
    ...JSON.stringify(m?.blocks ?? []).matchAll(/"action_id":"mms_run(?::\d+)?","value":"([^"]+)"/g),
  ].map((x) => x[1]!);
}

describe('migrate → confirm → watch → failure with diagnosis → retry → done, with "null" strings', () => {
  let cardTs = '';

  it('a scan that answers errorMsg "null" finishes; the source card reads it from the scan', async () => {
    const { card, id } = await requestCard(h, `scan ${sid}`);
    await confirm(h, card, id);
    await cycleUntil(() => h.bot.services.watches.active().length === 0);
    const scanCard = h.api.messages(CHANNEL).find((x) => x.ts === card.ts)!;
    const posted = [scanCard, ...thread(card.ts)].map(textOf).join('\n');
    expect(posted).toMatch(/finished/i);
    expect(posted).not.toMatch(/failed/i);
    const m = textOf(await ask(h, `source ${sid}`));
    expect(m).toContain('SCAN_DONE');
    expect(m).not.toMatch(/\bnull\b/);
  });

  it('confirming the migrate card creates the job and watches it: no "failed: null"', async () => {
    h.sim.failTask(
      { table: 'customers' },
      {
        phase: 'SCHEMA',
        action: 'create table if not exists mc_sales.default.customers (id bigint);',
        msg:
          "ODPS-0420095: Access Denied - Authorization Failed [4019], You have NO privilege 'odps:CreateTable' on " +
          '{acs:odps:*:projects/mc_sales}. --->Tips: Pricipal:RAM$1688003712345678:role/aliyunserviceroleformaxcomputemms',
      },
    );
    const { card, id } = await requestCard(
      h,
      'migrate hive-test sales --tables orders,customers --name official_mig',
    );
    cardTs = card.ts;
    const after = await confirm(h, card, id);
    expect(textOf(after)).toContain('official_mig');
    expect(textOf(after)).not.toMatch(/failed/i);
    expect(h.bot.services.watches.active().map((w) => w.kind)).toEqual(['async']);

    // The async task answers DONE with errorMsg "null": the job is created and watched, not failed.
    await cycleUntil(() => h.bot.services.watches.active().some((w) => w.kind === 'job'));
    expect(thread(cardTs).some((m) => /created and started/.test(m.text))).toBe(true);
  });

  it('the failed task is posted in the thread with its diagnosis and a Retry button', async () => {
    await cycleUntil(() => thread(cardTs).some((m) => /Task failed/.test(m.text)));
    const failed = thread(cardTs).find((m) => /Task failed/.test(m.text))!;
    expect(textOf(failed)).toContain('has no grants on the target project mc_sales');
    expect(textOf(failed)).toContain('GRANT admin TO USER');
    expect(buttonValues(failed).some((b) => /^retry-task \d+ \d+$/.test(b))).toBe(true);
    await cycleUntil(() => h.bot.services.watches.active().length === 0);
    const card = h.api.messages(CHANNEL).find((m) => m.ts === cardTs)!;
    expect(card.text).toMatch(/Job official_mig \(#\d+\) finished: FAILED, 1\/2 tasks, 1 failed/);
  });

  it('retrying the task from its button is confirmed, watched again, and the job finishes DONE', async () => {
    const failed = thread(cardTs).find((m) => /Task failed/.test(m.text))!;
    const retry = buttonValues(failed).find((b) => /^retry-task /.test(b))!;
    const posts = h.api.callsTo('chat.postMessage').length;
    const r = await h.slack.click('mms_run', retry, { channel: CHANNEL });
    expect(r.status).toBe(200);
    expect(h.api.callsTo('chat.postMessage').length).toBe(posts + 1);
    const retryCard = h.api.messages(CHANNEL).at(-1)!;
    expect(textOf(retryCard)).toContain('Retry failed task');
    expect(textOf(retryCard)).toContain('sales.customers');
    const after = await confirm(h, retryCard, confirmId(retryCard));
    expect(textOf(after)).toMatch(/is being retried/);
    expect(h.bot.services.watches.active().map((w) => w.kind)).toEqual(['job']);

    await cycleUntil(() => h.bot.services.watches.active().length === 0);
    const done = h.api
      .messages(CHANNEL)
      .flatMap((m) => [m, ...thread(m.ts)])
      .filter((m) => /finished: DONE/.test(m.text));
    expect(done.length).toBeGreaterThan(0);
    expect(done.some((m) => /2\/2 tasks|2 of 2 tasks/.test(textOf(m)))).toBe(true);
  });

  it('no message anywhere shows a "null" from MMS', () => {
    expect(everything()).not.toMatch(/\bnull\b/);
  });
});

describe('every read command against the demo world answering with "null" strings', () => {
  let d: Harness;
  beforeAll(async () => {
    d = await startHarness({ sim: { nullStrings: true, seed: 7 } });
    d.sim.runUntilIdle();
  });
  afterAll(async () => {
    await d?.close();
  });

  it('shows no "null" anywhere, and still shows what MMS did send', async () => {
    const hive = 2000015;
    const failedTask = d.sim.model
      .tasksOf(d.sim.model.jobs.get(3)!)
      .find((t) => t.status.endsWith('_FAILED'))!;
    const answers: Array<[string, string]> = [];
    for (const command of [
      'sources',
      `source ${hive}`,
      'source 2000017',
      'source hive-staging',
      `dbs ${hive}`,
      `tables ${hive} sales`,
      `partitions ${hive} sales orders`,
      `jobs ${hive}`,
      `job ${hive} 3`,
      `job ${hive} 1`,
      `tasks ${hive} --job 3`,
      `task ${hive} ${failedTask.id}`,
      `logs ${hive} ${failedTask.id}`,
      `diagnose ${hive} 3`,
      `timers ${hive}`,
      `timer ${hive} 1`,
      `timer-logs ${hive} 1`,
    ]) {
      answers.push([command, textOf(await ask(d, command))]);
    }
    for (const [command, text] of answers) expect(text, command).not.toMatch(/\bnull\b/);
    const said = Object.fromEntries(answers);
    expect(said['source 2000017']).toContain('SCAN_FAILED');
    expect(said['source hive-staging']).toContain('agent offline');
    expect(said[`task ${hive} ${failedTask.id}`]).toContain('VERIFICATION_FAILED');
    expect(said[`diagnose ${hive} 3`]).toMatch(/1,203,331/);
    expect(said[`timer ${hive} 1`]).toContain('02:30');
  });
});

describe('a job creation that answers DONE without objectId, as the official sample does', () => {
  let n: Harness;
  let now = 0;
  beforeAll(async () => {
    now = Date.now();
    n = await startHarness({ sim: { demo: false, nullStrings: true, seed: 9 }, now: () => now });
    n.sim.addSource({ name: 'hive-test', dbs: [{ name: 'sales', tables: [{ name: 'orders' }] }] });
  });
  afterAll(async () => {
    await n?.close();
  });

  it('finds the job by its exact name and watches it', async () => {
    const { card, id } = await requestCard(n, 'migrate hive-test sales --tables orders --name no_id_mig');
    await confirm(n, card, id);
    const [asyncWatch] = n.bot.services.watches.active();
    expect(asyncWatch?.kind).toBe('async');
    n.sim.step(2);
    n.sim.model.asyncTasks.get(asyncWatch!.objectId)!.objectId = null;
    now += 30_000;
    await n.bot.watcher.tick({ fast: true, jobs: true });
    const job = [...n.sim.model.jobs.values()].find((j) => j.name === 'no_id_mig')!;
    expect(n.bot.services.watches.active().map((w) => [w.kind, w.objectId])).toEqual([['job', job.id]]);
    expect(n.api.replies(CHANNEL, card.ts).some((m) => /created and started/.test(m.text))).toBe(true);
  });
});
