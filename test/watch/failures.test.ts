// Failures found at the floor: a task failing inside a running job is told on the next cycle from the
// source-wide failure query (no per-job task list); a failure retried while the bot was down is still told,
// with its diagnosis, before the retry's outcome; a finished job retried outside the bot is seen again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buttons,
  CHANNEL,
  cycle,
  cycleUntil,
  type Instance,
  keyOf,
  startWorld,
  textOf,
  type World,
} from './setup.js';

let w: World;
let inst: Instance;

beforeEach(async () => {
  w = await startWorld();
  inst = w.open();
});
afterEach(async () => {
  await w.close();
});

const ACCESS_DENIED = {
  phase: 'SCHEMA' as const,
  action: 'create table if not exists mc_sales.default.customers (id bigint);',
  msg:
    "ODPS-0420095: Access Denied - Authorization Failed [4019], You have NO privilege 'odps:CreateTable' on " +
    '{acs:odps:*:projects/mc_sales}. --->Tips: Pricipal:RAM$1688003712345678:role/aliyunserviceroleformaxcomputemms',
};

async function startJob(name: string, tables: string[]) {
  const cardTs = await w.postCard();
  const asyncId = await w.createJob(name, tables);
  inst.watcher.register(w.target('async', asyncId, name, cardTs));
  await cycleUntil(w, inst.watcher, () => inst.services.watches.active('job').length === 1);
  const job = inst.services.watches.active('job')[0]!;
  return { cardTs, jobId: job.objectId, watchId: job.id };
}

const taskOf = (jobId: number, table: string) =>
  [...w.sim.model.tasks.values()].find((t) => t.jobId === jobId && t.srcTableName === table)!;

describe('a task failing while its job runs', () => {
  it('is told on the next cycle, found by one query per failure status across the source', async () => {
    w.sim.failTask({ table: 'customers' }, ACCESS_DENIED);
    const tables = ['orders', 'customers', 'payments', 'shipments', 'returns', 'refunds'];
    const { cardTs, jobId } = await startJob('inside_mig', tables);
    // MMS moves on between two polls until the task has failed while the job still runs.
    for (let i = 0; i < 50 && taskOf(jobId, 'customers').status !== 'SCHEMA_FAILED'; i++) w.sim.step(1);
    expect(taskOf(jobId, 'customers').status).toBe('SCHEMA_FAILED');
    const job = await w.mms.getJob(w.sourceId, jobId);
    expect(job.status).toBe('DOING');
    expect(w.api.replies(CHANNEL, cardTs).some((m) => /Task failed/.test(m.text))).toBe(false);

    w.sim.resetCalls();
    await cycle(w, inst.watcher, 0);
    const failed = w.api.replies(CHANNEL, cardTs).filter((m) => /Task failed/.test(m.text));
    expect(failed).toHaveLength(1);
    expect(textOf(failed[0])).toContain('GRANT admin TO USER');
    // No task list of the job was read to find it: ListMmsTasks went out by status, without a jobId.
    const lists = w.sim.calls.filter((c) => c.action === 'ListMmsTasks');
    expect(lists.map((c) => c.query['status']).sort()).toEqual([
      'DATA_FAILED',
      'SCHEMA_FAILED',
      'VERIFICATION_FAILED',
    ]);
    expect(lists.every((c) => c.query['jobId'] === undefined)).toBe(true);
    // The card names the failed table with its phase, offers Retry, and the job still runs (Stop).
    const card = w.api.messages(CHANNEL).find((m) => m.ts === cardTs)!;
    expect(textOf(card)).toContain('Failed: *sales.customers* (schema)');
    expect(buttons(card)).toContain(`retry ${w.sourceId} ${jobId}`);
    expect(buttons(card)).toContain(`stop ${w.sourceId} ${jobId}`);
    // Told once.
    await cycle(w, inst.watcher, 0);
    expect(w.api.replies(CHANNEL, cardTs).filter((m) => /Task failed/.test(m.text))).toHaveLength(1);
    // Stored state is data: no message text (nor any mrkdwn) in it, so rewording a message changes no row.
    const stored = inst.services.watches.recent(10).map((x) => JSON.stringify(x.state));
    const said = [card, ...w.api.replies(CHANNEL, cardTs)].map((m) => m.text);
    for (const row of stored) {
      for (const text of said) expect(row).not.toContain(text);
      expect(row).not.toMatch(/Task failed|<!date|\*sales/);
    }
    expect(stored.join()).toContain('"kind":"task-failed"');
  });
});

describe('a failure retried while the bot was down', () => {
  it('is told with its diagnosis before the retry and the outcome, each once', async () => {
    w.sim.failTask({ table: 'customers' }, ACCESS_DENIED);
    const { cardTs, jobId, watchId } = await startJob('down_mig', ['orders', 'customers']);
    await cycle(w, inst.watcher, 0);
    inst.kill();
    // While the bot is down: the task fails, someone retries the job in the console, and it finishes.
    w.sim.runUntilIdle();
    expect((await w.mms.getJob(w.sourceId, jobId)).status).toBe('FAILED');
    await w.mms.retryJob(w.sourceId, jobId);
    w.sim.runUntilIdle();
    expect((await w.mms.getJob(w.sourceId, jobId)).status).toBe('DONE');

    inst = w.open();
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    await cycle(w, inst.watcher, 0);
    const thread = w.api.replies(CHANNEL, cardTs);
    const keys = thread.map(keyOf);
    const failed = keys.indexOf(`w${watchId}:task-failed:${taskOf(jobId, 'customers').id}:r0`);
    const retried = keys.indexOf(`w${watchId}:retried:1`);
    const done = keys.indexOf(`w${watchId}:r1:finished`);
    expect(failed).toBeGreaterThanOrEqual(0);
    expect(failed).toBeLessThan(retried);
    expect(retried).toBeLessThan(done);
    expect(textOf(thread[failed])).toContain('GRANT admin TO USER');
    // Posted and edited in the same flush (the edit waits for the post's ts): retried already, so no
    // Retry on it, and nobody to name (retried in the console).
    expect(buttons(thread[failed])).toEqual([]);
    expect(textOf(thread[failed])).toMatch(
      /🔁 Retried <!date\^\d+\^[^|]+\|[^>]+>; the job then finished ✅ \*DONE\* <!date\^[^>]+> — see <https:/,
    );
    expect(thread[done]!.text).toMatch(/finished: DONE/);
    expect(new Set(keys).size).toBe(keys.length);
    const card = w.api.messages(CHANNEL).find((m) => m.ts === cardTs)!;
    expect(card.text).toMatch(/finished: DONE/);
  });
});

describe('a finished job retried outside the bot', () => {
  it('is seen again and its outcome told on its card', async () => {
    w.sim.failTask({ table: 'customers' }, ACCESS_DENIED);
    const { cardTs, jobId } = await startJob('outside_mig', ['orders', 'customers']);
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    expect(w.api.messages(CHANNEL).find((m) => m.ts === cardTs)!.text).toMatch(/finished: FAILED/);

    await w.mms.retryJob(w.sourceId, jobId);
    await cycle(w, inst.watcher, 0);
    expect(inst.services.watches.active('job')).toHaveLength(1);
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    await cycle(w, inst.watcher, 0);

    const top = w.api.messages(CHANNEL).filter((m) => !m.thread_ts);
    expect(top).toHaveLength(1);
    expect(top[0]!.text).toMatch(/finished: DONE/);
    const texts = w.api.replies(CHANNEL, cardTs).map((m) => m.text);
    expect(texts.filter((t) => /retried/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /finished: DONE/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /finished: FAILED/.test(t))).toHaveLength(1);
  });
});
