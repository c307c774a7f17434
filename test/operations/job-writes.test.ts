// Job writes as data: plan (what the card will show and what is stored), re-check at confirm time, and
// execute against the simulator. Demo jobs of hive-prod: 1 DONE, 2 FAILED (finance_nightly), 3 DOING.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MmsError } from '../../src/mms/errors.js';
import { deleteJob, retryJob, startJob, stopJob } from '../../src/operations/job-writes.js';
import { UsageError } from '../../src/operations/types.js';
import { type Core, startCore } from '../core/world.js';

const HIVE = 'hive-prod';
const HIVE_ID = 2000015;

let core: Core;
beforeEach(async () => {
  core = await startCore();
});
afterEach(async () => {
  await core.close();
});

describe('stop', () => {
  it('plans with names, ids, the current status and one lock per job', async () => {
    const plan = await stopJob.plan(core.ctx(), { source: HIVE, job: 'sales_orders_2025' });
    expect(plan.payload).toEqual({
      sourceId: HIVE_ID,
      sourceName: HIVE,
      jobId: 3,
      jobName: 'sales_orders_2025',
      status: 'DOING',
      stopped: false,
    });
    expect(plan.lockKey).toBe(`job:cn-hangzhou:${HIVE_ID}:3`);
    expect(plan.params.map((p) => p.label)).toEqual([
      'Region',
      'Source',
      'Job',
      'Database',
      'Current status',
    ]);
  });

  it('refuses a job that is not running, before any card exists', async () => {
    await expect(stopJob.plan(core.ctx(), { source: HIVE, job: '1' })).rejects.toThrow(UsageError);
    await expect(stopJob.plan(core.ctx(), { source: HIVE, job: '1' })).rejects.toThrow(/not running/);
  });

  it('re-check is empty while nothing changed, and names the change when the job moved', async () => {
    const ctx = core.ctx();
    const plan = await stopJob.plan(ctx, { source: HIVE, job: '3' });
    expect(await stopJob.recheck(ctx, plan.payload)).toEqual([]);
    await ctx.mms.stopJob(HIVE_ID, 3);
    const changes = await stopJob.recheck(ctx, plan.payload);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatch(/now .*stopped.*was DOING/);
  });

  it('execute stops the job in MMS and asks for it to be watched', async () => {
    const ctx = core.ctx();
    const plan = await stopJob.plan(ctx, { source: HIVE, job: '3' });
    const out = await stopJob.execute(ctx, plan.payload);
    expect(out.ok).toBe(true);
    expect(out.watch).toMatchObject({
      kind: 'job',
      sourceId: HIVE_ID,
      sourceName: HIVE,
      objectId: 3,
      label: 'sales_orders_2025',
    });
    expect((await ctx.mms.getJob(HIVE_ID, 3)).stopped).toBe(true);
  });
});

describe('start', () => {
  it('resumes only a stopped job and points a failed one at retry', async () => {
    const ctx = core.ctx();
    await expect(startJob.plan(ctx, { source: HIVE, job: '2' })).rejects.toThrow(/use `retry`/);
    await ctx.mms.stopJob(HIVE_ID, 3);
    const plan = await startJob.plan(ctx, { source: HIVE, job: '3' });
    await startJob.execute(ctx, plan.payload);
    expect((await ctx.mms.getJob(HIVE_ID, 3)).stopped).toBe(false);
  });
});

describe('retry', () => {
  it('runs a FAILED job again; a DONE one is refused', async () => {
    const ctx = core.ctx();
    await expect(retryJob.plan(ctx, { source: HIVE, job: '1' })).rejects.toThrow(/only a FAILED job/);
    const plan = await retryJob.plan(ctx, { source: HIVE, job: 'finance_nightly' });
    expect(plan.payload.status).toBe('FAILED');
    const out = await retryJob.execute(ctx, plan.payload);
    expect(out.watch?.objectId).toBe(2);
    expect(core.sim.calls.filter((c) => c.action === 'RetryMmsJob')).toHaveLength(1);
    expect((await ctx.mms.getJob(HIVE_ID, 2)).status).not.toBe('FAILED');
  });
});

describe('delete', () => {
  it('refuses a running job; deletes a finished one and watches nothing', async () => {
    const ctx = core.ctx();
    await expect(deleteJob.plan(ctx, { source: HIVE, job: '3' })).rejects.toThrow(/stop it first/);
    const plan = await deleteJob.plan(ctx, { source: HIVE, job: '1' });
    const out = await deleteJob.execute(ctx, plan.payload);
    expect(out.watch).toBeUndefined();
    const gone = await ctx.mms.getJob(HIVE_ID, 1).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(MmsError);
    expect((gone as MmsError).kind).toBe('not-found');
  });

  it('a job with a card somewhere: its cards are told who deleted it', async () => {
    const ctx = core.ctx();
    // Watched in another channel only.
    core.services.watches.add({
      kind: 'job',
      region: ctx.region,
      sourceId: HIVE_ID,
      sourceName: HIVE,
      objectId: 2,
      channel: 'C0ELSEWHERE',
      label: 'finance_nightly',
      cardTs: '1749000000.000100',
    });
    const plan = await deleteJob.plan(ctx, { source: HIVE, job: '2' });
    const out = await deleteJob.execute(ctx, plan.payload);
    expect(out.watch).toMatchObject({ kind: 'job', objectId: 2, write: 'delete' });
    expect(out.watch?.done).toBe('Job finance_nightly (#2) deleted.');
  });
});

describe('a write the job no longer fits', () => {
  it('links to the job card (this channel first) when the job has one', async () => {
    const ctx = core.ctx();
    const add = (channel: string, cardTs: string, state?: unknown) =>
      core.services.watches.add({
        state,
        kind: 'job',
        region: ctx.region,
        sourceId: HIVE_ID,
        sourceName: HIVE,
        objectId: 1,
        channel,
        label: 'done_job',
        cardTs,
      });
    const err = async (): Promise<UsageError> => {
      const e = await retryJob.plan(ctx, { source: HIVE, job: '1' }).then(
        () => null,
        (x: unknown) => x,
      );
      if (!(e instanceof UsageError)) throw new Error(`expected a UsageError, got ${String(e)}`);
      return e;
    };
    expect((await err()).mrkdwn).toBeUndefined();
    add('C0ELSEWHERE', '1749000000.000100');
    expect((await err()).mrkdwn).toContain('/archives/C0ELSEWHERE/p1749000000000100|its card>');
    // What the watcher last told on the card (its glance) says what happened.
    const at = Date.UTC(2025, 5, 3, 2, 30);
    add(ctx.channel, '1749000000.000200', {
      glance: { status: 'DONE', ended: 'finished', last: { kind: 'finished', at, status: 'DONE' } },
    });
    const e = await err();
    expect(e.kind).toBe('wrong-state');
    expect(e.mrkdwn).toBe(
      `The job has moved on. Last on its card: finished: DONE · <!date^${at / 1000}^{date_short_pretty} {time}|2025-06-03 02:30 UTC>. ` +
        `See <https://slack.com/archives/${ctx.channel}/p1749000000000200|its card> for what happened and the buttons that fit it now.`,
    );
  });
});
