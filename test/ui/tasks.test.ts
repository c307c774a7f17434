import { describe, expect, it } from 'vitest';
import { Job, Task } from '../../src/mms/schemas.js';
import { logsMessage, taskMessage, tasksMessage } from '../../src/ui/tasks.js';
import { ctx, job, makeLog, makeTask, offCtx, page, pager, source, task } from './fixtures.js';
import { expectNoInjection, INJECT } from './inject.js';
import { assertWithinLimits, runCommands, textOf } from './limits.js';

describe('tasksMessage', () => {
  it('lists tasks with buttons to each task; big pages fit', () => {
    const tasks = Array.from({ length: 3000 }, (_, i) =>
      makeTask(i + 1, { status: i % 2 ? 'DONE' : 'DATA_FAILED' }),
    );
    const m = tasksMessage(
      source,
      page(tasks, 1, 3000, 6000),
      pager('tasks 2000015 --job 10', 1, 3000, 6000),
      ctx,
    );
    assertWithinLimits(m);
    const cmds = runCommands(m);
    expect(cmds).toContain('task 2000015 1');
    expect(cmds).toContain('tasks 2000015 --job 10 --page 2');
  });
  it('escapes names and partition filters', () => {
    const withFilter = Job.parse({ ...job, config: { partitionFilters: { [INJECT]: INJECT } } });
    const m = tasksMessage(
      source,
      page([makeTask(1, { jobId: 10, srcTableName: INJECT })]),
      pager('tasks 2000015', 1, 20, 1),
      ctx,
      withFilter,
    );
    expect(textOf(m)).toContain('evil.example');
    expectNoInjection(m);
  });
  it("a task's partition scope comes from its job's config, never from an undeclared task field", () => {
    const listed = page([makeTask(1, { jobId: 10, srcTableName: 'orders', partition: 'ds=1' })]);
    const ofJob = textOf(tasksMessage(source, listed, pager('tasks 2000015 --job 10', 1, 20, 1), ctx, job));
    expect(ofJob).toContain("ds &gt;= '20250101'");
    expect(ofJob).not.toContain('ds=1');
    const unscoped = textOf(tasksMessage(source, listed, pager('tasks 2000015', 1, 20, 1), ctx));
    expect(unscoped).not.toContain('ds=1');
    expect(unscoped).not.toContain('20250101');
  });
});

describe('taskMessage', () => {
  it('a failed task: Logs, Diagnose, Retry task, Job', () => {
    const m = taskMessage(source, task, ctx);
    assertWithinLimits(m);
    expect(textOf(m)).toContain('VERIFICATION_FAILED');
    expect(textOf(m)).toContain('sales.orders');
    expect(textOf(m)).toContain('mc_sales.default.orders');
    expect(textOf(m)).toContain('26m 35s');
    expect(runCommands(m)).toEqual([
      'logs 2000015 7680',
      'diagnose 2000015 task:7680',
      'retry-task 2000015 7680',
      'job 2000015 10',
    ]);
  });
  it('shows the partition filter its job gives the table; without the job, the table alone', () => {
    expect(textOf(taskMessage(source, task, ctx, job))).toContain("partitions `ds &gt;= '20250101'`");
    const other = Task.parse({ ...task, srcTableName: 'order_items' });
    expect(textOf(taskMessage(source, other, ctx, job))).not.toContain('partitions');
    expect(textOf(taskMessage(source, task, ctx))).not.toContain('partitions');
  });
  it('a done task has no retry; off-region commands carry --region', () => {
    const cmds = runCommands(taskMessage(source, Task.parse({ ...task, status: 'DONE' }), offCtx));
    expect(cmds).toEqual(['logs 2000015 7680 --region cn-shanghai', 'job 2000015 10 --region cn-shanghai']);
  });
});

describe('logsMessage', () => {
  it('a 1 MB log of 20k entries with a failure in the middle keeps the failing entry and its lead-up', () => {
    const logs = Array.from({ length: 20_000 }, (_, i) =>
      makeLog(i, i === 10_000 ? 'DATA_FAILED' : 'DATA_DOING', {
        msg:
          i === 10_000
            ? 'ODPS-0130071: Semantic analysis exception - column ds cannot be resolved'
            : `ok ${i}`,
      }),
    );
    expect(JSON.stringify(logs).length).toBeGreaterThan(1_000_000);
    const m = logsMessage(source, task, logs, ctx);
    assertWithinLimits(m);
    const t = textOf(m);
    expect(t).toContain('ODPS-0130071');
    expect(t).toContain('[DATA_FAILED]');
    expect(t).toContain('where id = 9999'); // the entry before the failure
    expect(t).toContain('ok 19999'); // the newest
    expect(t).toMatch(/Showing \d+ of 20,000 entries \([\d,]+ left out\)/);
    expect(t).toMatch(/entries left out/);
  });
  it('failing entries first, then newest first; MMS’s naive times read in the region’s zone, shown in UTC', () => {
    const logs = Array.from({ length: 6 }, (_, i) =>
      makeLog(i, i === 2 ? 'DATA_FAILED' : 'DATA_DOING', {
        msg: `step ${i}`,
        createTime: `2025-06-03 10:15:0${i}`,
      }),
    );
    const t = textOf(logsMessage(source, task, logs, ctx));
    const at = (s: string) => t.indexOf(s);
    expect(at('Failing')).toBeGreaterThan(-1);
    expect(at('→ step 2')).toBeLessThan(at('All entries, newest first'));
    const all = t.slice(at('All entries, newest first'));
    expect(all.indexOf('→ step 5')).toBeLessThan(all.indexOf('→ step 4'));
    expect(all.indexOf('→ step 1')).toBeLessThan(all.indexOf('→ step 0'));
    // 10:15 in Hangzhou (UTC+8) is 02:15 UTC.
    expect(t).toContain('2025-06-03 02:15:05Z');
  });

  it('long actions and messages are trimmed; many failures still fit', () => {
    const logs = Array.from({ length: 2000 }, (_, i) =>
      makeLog(i, i % 10 === 0 ? 'SCHEMA_FAILED' : 'SCHEMA_DOING', {
        action: 'x'.repeat(5000),
        msg: 'y'.repeat(20_000),
      }),
    );
    const m = logsMessage(source, task, logs, ctx);
    assertWithinLimits(m);
    expect(textOf(m)).toContain('[SCHEMA_FAILED]');
    expect(textOf(m)).toMatch(/of 200 failing entries/);
  });
  it('escapes log text and never lets it close the code block', () => {
    const m = logsMessage(
      source,
      task,
      [makeLog(1, 'DATA_FAILED', { action: INJECT, msg: '```\n<!channel>' })],
      ctx,
    );
    assertWithinLimits(m);
    expectNoInjection(m);
    for (const s of textOf(m).split('\n```\n')) expect(s).not.toMatch(/```[^\n]/);
  });
  it('says when there are no logs; buttons to the task, retry and diagnose', () => {
    const m = logsMessage(source, task, [], ctx);
    assertWithinLimits(m);
    expect(textOf(m)).toContain('No log entries');
    expect(runCommands(m)).toEqual([
      'task 2000015 7680',
      'diagnose 2000015 task:7680',
      'retry-task 2000015 7680',
      'job 2000015 10',
    ]);
  });
});
