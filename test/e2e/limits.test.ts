// Big inputs stay within Slack's limits (SLACK.md §3): a source with 5000 tables, a task with 1 MB of logs,
// a job with hundreds of failed tasks. Every answer is also posted to the stand-in's chat.postMessage, which
// rejects what Slack would reject.
import { describe, expect, it } from 'vitest';
import { addTaskLog } from '../../src/sim/logs.js';
import { stateValue } from '../helpers/slack-requests.js';
import { assertWithinLimits } from '../ui/limits.js';
import {
  ask,
  buttonValue,
  HIVE,
  OPERATOR,
  press,
  requestCard,
  runButtons,
  sharedBot,
  slackAccepts,
  textOf,
} from './support.js';

const BULK = 'bulk-5000';

let bulkId: number;
const h = sharedBot((bot) => {
  bulkId = bot.sim.addBulkSource(BULK, 5000);
});

async function fits(text: string) {
  const m = await ask(h, text);
  expect(m.blocks.length, text).toBeLessThanOrEqual(50);
  const accepted = await slackAccepts(h, m);
  expect(accepted, `${text}: ${accepted.error}`).toEqual({ ok: true });
  return m;
}

describe('a source with 5000 tables', () => {
  it('tables: one page, within the limits, with paging to the last page', async () => {
    const m = await fits(`tables ${BULK} bulk_db`);
    const t = textOf(m);
    expect(t).toContain('20 shown of 5000');
    expect(t).toContain('Page 1 of 250');
    expect(t).toContain('*t_0001*');
    const last = await fits(`tables ${BULK} bulk_db --page 250`);
    expect(textOf(last)).toContain('*t_5000*');
    expect(runButtons(last).some((b) => /Next/.test(b.text))).toBe(false);
    const { reply } = await press(h, buttonValue(m, /^Next/));
    expect(textOf(reply!)).toContain('*t_0021*');
    expect((await slackAccepts(h, reply!)).ok).toBe(true);
  });

  it('sources, source, dbs and a name filter that matches thousands', async () => {
    expect(textOf(await fits('sources'))).toContain(BULK);
    expect(textOf(await fits(`source ${bulkId}`))).toMatch(/5,?000 tables/);
    expect(textOf(await fits(`dbs ${BULK}`))).toMatch(/\*bulk_db\* .*5,?000 tables/);
    expect(textOf(await fits(`tables ${BULK} bulk_db t_`))).toContain('20 shown of 5000');
  });

  it('migrate the whole database, or 400 named tables: the card fits', async () => {
    const whole = await requestCard(h, `migrate ${BULK} bulk_db --exclude t_0001,t_0002 --name bulk_all`);
    expect(whole.text).toContain('Database: 4998 tables');
    expect(whole.card.blocks!.length).toBeLessThanOrEqual(50);
    const names = Array.from({ length: 400 }, (_, i) => `t_${String(i + 1).padStart(4, '0')}`).join(',');
    const many = await requestCard(h, `migrate ${BULK} bulk_db --tables ${names} --name bulk_400`);
    expect(many.text).toContain('Tables: 400 tables');
    expect(many.text).toMatch(/400 in total: `t_0001`, .* and \d+ more/);
    assertWithinLimits(many.card);
  });

  it('the migrate form falls back to a text field for the tables, within the modal limits', async () => {
    await h.slack.command(`migrate ${BULK}`, { user: OPERATOR });
    const update = h.api.callsTo('views.update').at(-1)!;
    expect(update.ok, JSON.stringify(update.args)).toBe(true);
    const view = h.api.view(String(update.args['view_id'])) as Record<string, unknown>;
    await h.slack.select('mms_migrate_db', 'bulk_db', { view, blockId: 'db', user: OPERATOR });
    const filled = h.api.callsTo('views.update').at(-1)!;
    expect(filled.ok, JSON.stringify(filled)).toBe(true);
    const blocks = (
      filled.args['view'] as { blocks: Array<{ block_id?: string; element?: { type: string } }> }
    ).blocks;
    expect(blocks.find((b) => b.block_id === 'tables')!.element!.type).toBe('plain_text_input');
    assertWithinLimits({ blocks }, { maxBlocks: 100 });
    const r = await h.slack.submitView(
      'mms_migrate',
      {
        db: { mms_migrate_db: stateValue.select('bulk_db') },
        scope: { scope: stateValue.radio('only') },
        tables: { tables: stateValue.text('t_0042, t_4242') },
        options: { options: stateValue.checkboxes(['schema', 'data']) },
        name: { name: stateValue.text('bulk_two') },
      },
      { user: OPERATOR, privateMetadata: String(view.private_metadata), viewId: String(view.id) },
    );
    expect(r.body).toBe('');
  });

  it('a job over hundreds of tables that all fail: job, tasks and diagnose fit', async () => {
    const sid = h.sim.addBulkSource('bulk-fail', 300);
    h.sim.model.failureRules.push({ sourceId: sid, db: 'bulk_db', kind: 'accessDenied' });
    await h.bot.services.clients('cn-hangzhou').createJob(sid, { name: 'doomed', srcDbName: 'bulk_db' });
    h.sim.runUntilIdle();
    expect(textOf(await fits('job bulk-fail doomed'))).toMatch(/SCHEMA_FAILED 300/);
    expect(textOf(await fits('tasks bulk-fail --job doomed --status SCHEMA_FAILED'))).toContain(
      '20 shown of 300',
    );
    const d = await fits('diagnose bulk-fail doomed');
    expect(textOf(d)).toContain('300 failed tasks, first 20 read');
    expect(textOf(d)).toContain('Missing grants in the target project');
  });
});

describe('a task with 1 MB of logs', () => {
  it('logs fits and still shows the failing entry among 1 MB of chatter', async () => {
    const task = h.sim.model.tasks.get(7603)!;
    const list = h.sim.model.taskLogs.get(7603)!;
    const failing = list.at(-1)!;
    list.length = 0;
    const chatter = (i: number) =>
      `heartbeat ${i}: copied block ${i} of gl_entries, ${'x'.repeat(480)} progress ${(i / 10).toFixed(1)}%`;
    for (let i = 0; i < 1000; i++)
      addTaskLog(h.sim.model, task, 'SCHEMA_DOING', 'create table …', chatter(i));
    list.push({ ...failing, id: failing.id + 100_000 });
    for (let i = 1000; i < 2000; i++) addTaskLog(h.sim.model, task, 'SCHEMA_DOING', 'waiting', chatter(i));
    expect(JSON.stringify(list).length).toBeGreaterThan(1_000_000);

    const m = await fits(`logs ${HIVE} 7603`);
    const t = textOf(m);
    expect(t).toContain('2,001 log entries');
    expect(t).toContain('[SCHEMA_FAILED]');
    expect(t).toContain('ODPS-0420095: Access Denied');
    expect(t).toMatch(/every failing entry/);
    expect(t).toContain('heartbeat 1999');
    expect(t).toMatch(/entries left out/);

    const d = await fits(`diagnose ${HIVE} task:7603`);
    expect(textOf(d)).toContain('Missing grants in the target project');
  });

  it('one failing entry of 1 MB is cut, keeping its head and tail', async () => {
    const task = h.sim.model.tasks.get(7603)!;
    const list = h.sim.model.taskLogs.get(7603)!;
    list.length = 0;
    const huge = `FATAL: ODPS-0130071 semantic error at the start ${'y'.repeat(1_000_000)} … the end of the trace`;
    addTaskLog(h.sim.model, task, 'SCHEMA_FAILED', 'create table mc_finance.gl_entries', huge);
    const m = await fits(`logs ${HIVE} 7603`);
    const t = textOf(m);
    expect(t).toContain('FATAL: ODPS-0130071 semantic error at the start');
    expect(t).toContain('the end of the trace');
    expect(t.length).toBeLessThan(20_000);
    await fits(`diagnose ${HIVE} task:7603`);
    await fits(`task ${HIVE} 7603`);
  });
});
