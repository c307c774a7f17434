import { describe, expect, it } from 'vitest';
import { Job } from '../../src/mms/schemas.js';
import { jobCard, jobMessage, jobsMessage } from '../../src/ui/jobs.js';
import { ctx, job, makeJob, offCtx, page, pager, source } from './fixtures.js';
import { expectNoInjection, INJECT } from './inject.js';
import { assertWithinLimits, buttons, runCommands, textOf } from './limits.js';

describe('jobsMessage', () => {
  it('1000 jobs stay within limits; drill buttons open jobs by id', () => {
    const jobs = Array.from({ length: 1000 }, (_, i) =>
      makeJob(i + 1, { status: i % 3 ? 'DONE' : 'FAILED' }),
    );
    const m = jobsMessage(source, page(jobs, 1, 1000, 1000), pager('jobs 2000015', 1, 1000, 1000), ctx);
    assertWithinLimits(m);
    const cmds = runCommands(m);
    expect(cmds).toContain('job 2000015 1');
    expect(cmds.filter((c) => c.startsWith('job ')).length).toBeLessThanOrEqual(20);
    expect(textOf(m)).toMatch(/Showing [\d,]+ of the 1,000 on this page/);
  });
  it('escapes job names', () => {
    const m = jobsMessage(
      source,
      page([makeJob(1, { name: INJECT, srcDbName: INJECT })]),
      pager('jobs 2000015', 1, 20, 1),
      ctx,
    );
    expectNoInjection(m);
  });
});

describe('jobMessage', () => {
  it('shows the options in the words of the form, never as raw keys', () => {
    const withConfig = Job.parse({
      ...job,
      config: {
        enableSchemaMigration: true,
        enableDataMigration: false,
        tableWhiteList: ['orders', 'customers'],
        partitionFilters: { orders: "ds >= '20250101'", customers: "ds >= '20250101'" },
      },
    });
    const t = textOf(jobMessage(source, withConfig, null, ctx));
    expect(t).toContain('Schema migration:* on');
    expect(t).toContain('Data migration:* off');
    expect(t).toContain('Only these tables:* orders, customers');
    expect(t).toContain("Partition filter:* ds &gt;= '20250101' (on orders, customers)");
    expect(t).not.toContain('enableSchemaMigration');
  });

  it('status, type, route, progress, counts, times and options', () => {
    const m = jobMessage(source, job, { DONE: 1, DATA_DOING: 1 }, ctx);
    assertWithinLimits(m);
    const t = textOf(m);
    expect(t).toContain('DOING');
    expect(t).toContain('Partitions');
    expect(t).toContain('*sales* → `mc_sales.default`');
    expect(t).toContain('50%');
    expect(t).toContain('1 of 2 tasks done');
    expect(t).toContain('✅ DONE 1');
    expect(t).toContain('<!date^');
    expect(t).toContain('*Tables:* orders, order_items');
    expect(t).toContain('*Verification (row counts):* on');
    expect(t).toContain('ds &gt;= ');
  });
  it('a running job: Tasks, Diagnose, Stop, Watch — no Start, Retry or Delete', () => {
    const cmds = runCommands(jobMessage(source, job, null, ctx));
    expect(cmds).toContain('tasks 2000015 --job 10');
    expect(cmds).toContain('diagnose 2000015 job:10');
    expect(cmds).toContain('stop 2000015 10');
    expect(cmds).toContain('watch 2000015 10');
    expect(cmds).not.toContain('start 2000015 10');
    expect(cmds).not.toContain('retry 2000015 10');
    expect(cmds).not.toContain('delete 2000015 10');
  });
  it('a stopped job: Start and Delete (with a confirm speed bump)', () => {
    const m = jobMessage(source, Job.parse({ ...job, stopped: true }), null, ctx);
    const cmds = runCommands(m);
    expect(cmds).toContain('start 2000015 10');
    expect(cmds).not.toContain('stop 2000015 10');
    const del = buttons(m).find((b) => b.value === 'delete 2000015 10');
    expect(del?.style).toBe('danger');
    expect(del?.confirm).toBeDefined();
  });
  it('a failed job: Retry, Delete and failed-task buttons per failing status', () => {
    const m = jobMessage(
      source,
      Job.parse({ ...job, status: 'FAILED' }),
      { DONE: 5, DATA_FAILED: 3, VERIFICATION_FAILED: 1 },
      ctx,
    );
    assertWithinLimits(m);
    const cmds = runCommands(m);
    expect(cmds).toContain('retry 2000015 10');
    expect(cmds).toContain('delete 2000015 10');
    expect(cmds).toContain('tasks 2000015 --job 10 --status DATA_FAILED');
    expect(cmds).toContain('tasks 2000015 --job 10 --status VERIFICATION_FAILED');
    expect(cmds).not.toContain('tasks 2000015 --job 10 --status SCHEMA_FAILED');
    expect(cmds).not.toContain('watch 2000015 10');
    const ids = buttons(m).map((b) => b.actionId);
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('region suffix only off the default region', () => {
    for (const c of runCommands(jobMessage(source, job, null, ctx))) expect(c).not.toContain('--region');
    for (const c of runCommands(jobMessage(source, job, null, offCtx)))
      expect(c).toMatch(/ --region cn-shanghai$/);
  });
  it('huge configs are summarised', () => {
    const big = Job.parse({
      ...job,
      name: INJECT,
      config: {
        tables: Array.from({ length: 5000 }, (_, i) => `table_${i}`),
        others: INJECT,
        tableMapping: { a: 'b' },
      },
    });
    const m = jobMessage(source, big, null, ctx);
    assertWithinLimits(m);
    expectNoInjection(m);
    expect(textOf(m)).toContain('5,000 in total');
  });
});

describe('jobCard', () => {
  const base = {
    source: { id: 2000015, name: 'hive-prod' },
    job,
    counts: { DONE: 1, DATA_DOING: 1 },
    region: 'cn-hangzhou',
    elapsedMs: 600_000,
    etaMs: 600_000,
    last: { kind: 'resumed', at: Date.UTC(2025, 5, 3, 10, 42) },
    unreachable: null,
    finished: false,
  };
  it('running card: progress, elapsed, ETA, Details/Tasks/Stop/Unwatch', () => {
    const m = jobCard(base);
    assertWithinLimits(m);
    const t = textOf(m);
    expect(t).toContain('1 of 2 tables done');
    expect(t).toContain('Elapsed 10m 00s');
    expect(t).toContain('ETA ≈ 10m 00s');
    // The time of the last event as a Slack date (each reader's own zone), with a UTC fallback.
    expect(t).toContain('Last: resumed · <!date^1748947320^{time}|2025-06-03 10:42 UTC>');
    const cmds = runCommands(m);
    // No default region in the view: commands carry the region explicitly.
    expect(cmds).toContain('job 2000015 10 --region cn-hangzhou');
    expect(cmds).toContain('stop 2000015 10 --region cn-hangzhou');
    expect(cmds).toContain('unwatch 2000015 10 --region cn-hangzhou');
    expect(cmds.some((c) => /^(start|retry) /.test(c))).toBe(false);
  });
  it('stopped card: stopped, no ETA, Resume and no Stop', () => {
    const m = jobCard({ ...base, job: Job.parse({ ...job, stopped: true }), defaultRegion: 'cn-hangzhou' });
    const t = textOf(m);
    expect(m.text).toMatch(/stopped/);
    expect(m.text).not.toMatch(/DOING/);
    expect(t).not.toContain('ETA');
    const cmds = runCommands(m);
    expect(cmds).toContain('start 2000015 10');
    expect(cmds).not.toContain('stop 2000015 10');
  });
  it('starting card until MMS lists the job: never "unknown"', () => {
    const m = jobCard({
      ...base,
      job: { id: 10, name: 'sales_orders_2025', status: null, stopped: false },
      starting: true,
      elapsedMs: null,
      etaMs: null,
      last: null,
    });
    expect(textOf(m)).toContain('starting');
    expect(textOf(m)).not.toMatch(/unknown|\?/);
  });
  it('names failed tables with their phase, and offers Retry while the job runs', () => {
    const m = jobCard({
      ...base,
      failing: [
        { id: 7, table: 'sales.orders', status: 'DATA_FAILED' },
        { id: 8, table: 'sales.items', status: 'VERIFICATION_FAILED' },
      ],
      defaultRegion: 'cn-hangzhou',
    });
    expect(textOf(m)).toContain('Failed: *sales.orders* (data) · *sales.items* (verification)');
    expect(m.text).toContain('2 failed');
    expect(runCommands(m)).toContain('retry 2000015 10');
  });
  it('with defaultRegion, --region only off the default', () => {
    const m = jobCard({ ...base, defaultRegion: 'cn-hangzhou' });
    expect(runCommands(m)).toContain('job 2000015 10');
  });
  it('unreachable note; finished failed card offers Diagnose and Retry, not Unwatch', () => {
    const since = Date.UTC(2025, 5, 3, 10, 42);
    // A Slack date (each reader's zone), with the UTC time as its fallback.
    expect(textOf(jobCard({ ...base, unreachable: { since, kind: 'throttled' } }))).toContain(
      `MMS unreachable since <!date^${since / 1000}^{date_short_pretty} {time}|2025-06-03 10:42 UTC> (throttled); retrying`,
    );
    const m = jobCard({
      ...base,
      job: Job.parse({ ...job, status: 'FAILED', taskDone: 2 }),
      counts: { DONE: 1, DATA_FAILED: 1 },
      finished: true,
      etaMs: null,
      defaultRegion: 'cn-hangzhou',
    });
    const cmds = runCommands(m);
    expect(cmds).toContain('diagnose 2000015 job:10');
    expect(cmds).toContain('retry 2000015 10');
    expect(cmds).toContain('tasks 2000015 --job 10 --status DATA_FAILED');
    expect(cmds).not.toContain('unwatch 2000015 10');
    expect(m.text).toContain('finished');
    expect(textOf(m)).toContain('Took 10m 00s');
    // The title says how it ended; the last line says only when, not "finished" again.
    const ended = jobCard({
      ...base,
      job: Job.parse({ ...job, status: 'DONE', taskDone: 2 }),
      finished: true,
      etaMs: null,
      last: { kind: 'finished', at: Date.UTC(2025, 5, 3, 10, 42), status: 'DONE' },
    });
    expect(textOf(ended)).toContain('Finished <!date^');
    expect(textOf(ended)).not.toContain('Last:');
  });
  it('deleted card: says so, keeps what it last showed, offers no button', () => {
    const m = jobCard({
      ...base,
      job: Job.parse({ ...job, status: 'FAILED', taskDone: 1 }),
      counts: { DONE: 1, DATA_FAILED: 1 },
      finished: true,
      deleted: true,
      last: { kind: 'deleted', at: Date.UTC(2025, 5, 3, 10, 42) },
    });
    assertWithinLimits(m);
    expect(m.text).toMatch(/\(#10\) deleted, 1\/2 tasks/);
    expect(textOf(m)).toContain('🗑️ Job');
    expect(textOf(m)).toContain('*deleted*');
    expect(textOf(m)).toContain('1 of 2 tables done');
    expect(runCommands(m)).toEqual([]);
  });
  it('escapes names and events', () => {
    const m = jobCard({
      ...base,
      job: Job.parse({ ...job, name: INJECT }),
      last: { kind: 'task-failed', at: 0, table: INJECT, status: 'DATA_FAILED' },
      failing: [{ id: 1, table: INJECT, status: INJECT }],
      unreachable: { since: 0, kind: INJECT },
    });
    assertWithinLimits(m);
    expectNoInjection(m);
  });
});
