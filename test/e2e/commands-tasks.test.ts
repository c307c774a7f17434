// `/mms tasks · task · logs · retry-task`, end to end. Demo: job 2 (finance_nightly) has 14 tasks, #7603
// (finance.gl_entries) SCHEMA_FAILED with Access Denied; job 3 runs orders (#7617) and order_items.
import { describe, expect, it } from 'vitest';
import {
  ask,
  buttonValue,
  confirm,
  HIVE,
  HIVE_ID,
  mmsWrites,
  NOT_FOUND,
  press,
  requestCard,
  runButtons,
  sharedBot,
  textOf,
  USAGE,
} from './support.js';

const h = sharedBot();

describe('/mms tasks', () => {
  it('--job by id: every task with table, target and status; the failed one first among buttons', async () => {
    const m = await ask(h, `tasks ${HIVE} --job 2`);
    const t = textOf(m);
    expect(t).toContain('Tasks of hive-prod: 14 shown of 14');
    expect(t).toContain('1 failed on this page');
    expect(t).toMatch(/`#7603` \*finance\.gl_entries\*.*→ `mc_finance\.gl_entries` · SCHEMA_FAILED/);
    expect(t).toMatch(/`#7615` \*finance\.expense_claims\* → `mc_finance\.expense_claims` · DONE/);
    expect(buttonValue(m, '❌ #7603 gl_entries')).toBe(`task ${HIVE_ID} 7603`);
  });

  it('--job by name, --status in any case, --table', async () => {
    expect(textOf(await ask(h, `tasks ${HIVE} --job finance_nightly`))).toContain('14 shown of 14');
    const failed = textOf(await ask(h, `tasks ${HIVE} --status schema_failed`));
    expect(failed).toContain('1 shown of 1');
    expect(failed).toContain('#7603');
    const orders = textOf(await ask(h, `tasks ${HIVE} --table orders`));
    expect(orders).toMatch(/`#7617` \*sales\.orders\*.*DATA_DOING/);
  });

  it('an ambiguous --job lists the jobs; the buttons replace just that value, in any flag form', async () => {
    for (const [cmd, want] of [
      [`tasks ${HIVE} --job i`, `tasks ${HIVE} --job 2`],
      [`tasks ${HIVE} --job=i`, `tasks ${HIVE} --job=2`],
      [`tasks --job i ${HIVE}`, `tasks --job 2 ${HIVE}`],
    ] as const) {
      const m = await ask(h, cmd);
      expect(textOf(m), cmd).toMatch(/2 jobs match `i`/);
      expect(runButtons(m)[0]!.value, cmd).toBe(want);
    }
    const { reply } = await press(h, `tasks ${HIVE} --job=2`);
    expect(textOf(reply!)).toContain('14 shown of 14');
  });

  it('the pager keeps every filter', async () => {
    const sid = h.sim.addBulkSource('bulk-tasks', 30);
    await h.bot.services.clients('cn-hangzhou').createJob(sid, { name: 'bulk_all', srcDbName: 'bulk_db' });
    h.sim.runUntilIdle();
    const m = await ask(h, 'tasks bulk-tasks --job bulk_all --status done');
    expect(textOf(m)).toContain('20 shown of 30');
    const next = buttonValue(m, /^Next/);
    expect(next).toMatch(new RegExp(`^tasks ${sid} --job \\d+ --status DONE --page 2$`));
    const { reply } = await press(h, next);
    expect(textOf(reply!)).toContain('10 shown of 30');
    expect(textOf(reply!)).toContain('bulk_db.t_30');
  });

  it('bad input: --status, unknown job, missing source, flag without value', async () => {
    const status = textOf(await ask(h, `tasks ${HIVE} --status NOPE`));
    expect(status).toMatch(USAGE);
    expect(status).toContain('--status takes one of INIT, SCHEMA_DOING');
    expect(textOf(await ask(h, `tasks ${HIVE} --job nosuchjob`))).toContain('No job matches "nosuchjob"');
    expect(textOf(await ask(h, 'tasks'))).toContain('missing &lt;source&gt;');
    expect(textOf(await ask(h, `tasks ${HIVE} --table`))).toContain('Option `--table` needs a value');
    expect(textOf(await ask(h, `tasks ${HIVE} --jbo 2`))).toMatch(
      /has no option `--jbo`\. Did you mean `--job`/,
    );
  });
});

describe('/mms task', () => {
  it('one task: status, job, tables, times, and the actions for a failed one', async () => {
    const m = await ask(h, `task ${HIVE} 7603`);
    const t = textOf(m);
    expect(t).toContain('Task 7603 · finance.gl_entries');
    expect(t).toContain('SCHEMA_FAILED');
    expect(t).toMatch(/finance_nightly `#2`/);
    expect(t).toContain('`mc_finance.gl_entries`');
    expect(runButtons(m).map((b) => b.value)).toEqual([
      `logs ${HIVE_ID} 7603`,
      `diagnose ${HIVE_ID} task:7603`,
      `retry-task ${HIVE_ID} 7603`,
      `job ${HIVE_ID} 2`,
    ]);
  });

  it('a done task offers no retry', async () => {
    const m = await ask(h, `task ${HIVE} 7615`);
    expect(textOf(m)).toContain('Task 7615 (finance.expense_claims): DONE');
    expect(runButtons(m).map((b) => b.value)).not.toContain(`retry-task ${HIVE_ID} 7615`);
  });

  it('bad id, unknown id, a task of another source', async () => {
    const bad = textOf(await ask(h, `task ${HIVE} abc`));
    expect(bad).toMatch(USAGE);
    expect(bad).toContain('&lt;task&gt; must be a numeric task id');
    expect(textOf(await ask(h, `task ${HIVE}`))).toContain('missing &lt;task&gt;: a numeric task id');
    const unknown = textOf(await ask(h, `task ${HIVE} 99999`));
    expect(unknown).toMatch(NOT_FOUND);
    expect(unknown).toContain('task 99999 not found');
    expect(textOf(await ask(h, 'task bq-analytics 7603'))).toMatch(NOT_FOUND);
  });
});

describe('/mms logs', () => {
  it('the log entries, the failing one shown', async () => {
    const m = await ask(h, `logs ${HIVE} 7603`);
    const t = textOf(m);
    expect(t).toContain('Logs of task 7603 (finance.gl_entries): 2 entries, 1 failing');
    expect(t).toContain('[SCHEMA_FAILED]');
    expect(t).toContain('ODPS-0420095: Access Denied');
    expect(buttonValue(m, 'Diagnose')).toBe(`diagnose ${HIVE_ID} task:7603`);
    const { reply } = await press(h, buttonValue(m, 'Diagnose'));
    expect(textOf(reply!)).toContain('Missing grants in the target project');
  });

  it('bad input', async () => {
    expect(textOf(await ask(h, `logs ${HIVE} 7603x`))).toContain('&lt;task&gt; must be a numeric task id');
    expect(textOf(await ask(h, `logs ${HIVE} 99999`))).toContain('task 99999 not found');
    expect(textOf(await ask(h, `logs ${HIVE} 7603 7604`))).toMatch(/Too many arguments for `logs`: `7604`/);
  });

  it('an MMS error reading the logs is specific', async () => {
    h.sim.injectErrors({ count: 1, status: 403, code: 'Forbidden.RAM', actions: ['ListMmsTaskLogs'] });
    const t = textOf(await ask(h, `logs ${HIVE} 7603`));
    expect(t).toMatch(/Permission denied/);
    expect(t).toContain('Forbidden.RAM');
  });
});

describe('/mms retry-task', () => {
  it('a card with the task, its table, job and status; RetryMmsTask on Confirm', async () => {
    const { card, id, text } = await requestCard(h, `retry-task ${HIVE} 7603`);
    expect(text).toContain('Retry failed task');
    expect(text).toContain('*Task:* `7603`');
    expect(text).toContain('finance.gl_entries');
    expect(text).toContain('*Job:* finance_nightly (#2)');
    expect(text).toContain('*Status:* `SCHEMA_FAILED`');
    expect(text).toContain('/mms diagnose');
    const after = await confirm(h, card, id);
    expect(mmsWrites(h).filter((a) => a === 'RetryMmsTask')).toHaveLength(1);
    expect(textOf(after)).toContain('Task 7603 (finance.gl_entries');
    expect(textOf(after)).toContain('is being retried');
  });

  it('refuses a task that has not failed', async () => {
    const t = textOf(await ask(h, `retry-task ${HIVE} 7615`));
    expect(t).toMatch(USAGE);
    expect(t).toContain('The task for finance.expense_claims is DONE; only a failed task can be retried');
  });

  it('bad input', async () => {
    expect(textOf(await ask(h, `retry-task ${HIVE} gl_entries`))).toContain(
      '&lt;task&gt; must be a numeric task id',
    );
    expect(textOf(await ask(h, `retry-task ${HIVE} 99999`))).toContain('task 99999 not found');
    expect(textOf(await ask(h, 'retry-task hive-prd 7603'))).toContain('Did you mean hive-prod?');
  });
});
