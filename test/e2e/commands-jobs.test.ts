// `/mms scan · migrate · jobs · job · stop · start · retry · delete · diagnose`, end to end. Writes answer
// with a card and change MMS only on Confirm; the demo jobs are 1 DONE, 2 FAILED (finance_nightly) and
// 3 DOING (sales_orders_2025).
import { describe, expect, it } from 'vitest';
import { startHarness } from '../helpers/bot.js';
import {
  ask,
  buttonValue,
  CHANNEL,
  cardLines,
  confirm,
  HIVE,
  HIVE_ID,
  mmsWrites,
  NOT_FOUND,
  OPERATOR,
  OPERATOR2,
  press,
  requestCard,
  runButtons,
  sharedBot,
  textOf,
  USAGE,
  VIEWER,
} from './support.js';

const h = sharedBot();

describe('/mms jobs', () => {
  it('lists the jobs with status, scope and progress, each a button', async () => {
    const m = await ask(h, `jobs ${HIVE}`);
    const t = textOf(m);
    expect(t).toContain('Jobs of hive-prod: 3 shown of 3');
    expect(t).toMatch(/\*sales_orders_2025\* `#3` · DOING · Tables/);
    expect(t).toMatch(
      /\*finance_nightly\* `#2` · FAILED · Database · \*finance\* → `mc_finance` · 13\/14 tasks/,
    );
    expect(t).toMatch(/`#1` · DONE/);
    expect(buttonValue(m, 'finance_nightly')).toBe(`job ${HIVE_ID} 2`);
  });

  it('--status filters (any case); a name filters', async () => {
    const failed = textOf(await ask(h, `jobs ${HIVE} --status failed`));
    expect(failed).toContain('1 shown of 1');
    expect(failed).toContain('finance_nightly');
    expect(failed).not.toContain('sales_orders_2025');
    const named = textOf(await ask(h, `jobs ${HIVE} sales`));
    expect(named).toContain('2 shown of 2');
    expect(named).not.toContain('finance_nightly');
  });

  it('bad input: --status, unknown flag, missing source, unknown source, region', async () => {
    const status = textOf(await ask(h, `jobs ${HIVE} --status BROKEN`));
    expect(status).toMatch(USAGE);
    expect(status).toContain('--status takes one of INIT, DOING, DONE, FAILED');
    expect(textOf(await ask(h, `jobs ${HIVE} --stauts FAILED`))).toMatch(
      /`jobs` has no option `--stauts`\. Did you mean `--status`/,
    );
    expect(textOf(await ask(h, 'jobs'))).toContain('missing &lt;source&gt;');
    const unknown = textOf(await ask(h, 'jobs hive-prd'));
    expect(unknown).toMatch(NOT_FOUND);
    expect(unknown).toContain('Did you mean hive-prod?');
    expect(textOf(await ask(h, `jobs ${HIVE} --region mars-1`))).toContain('Unknown region `mars-1`');
  });

  it('an MMS permission error names the layer to fix', async () => {
    h.sim.injectErrors({ count: 1, status: 403, code: 'Forbidden.RAM', actions: ['ListMmsJobs'] });
    const m = await ask(h, `jobs ${HIVE}`);
    const t = textOf(m);
    expect(t).toMatch(/Permission denied/);
    expect(t).toContain('Forbidden.RAM');
    expect(t).toContain('AliyunMaxComputeFullAccess');
    expect(buttonValue(m, 'Setup checklist')).toBe('setup');
  });
});

describe('/mms job', () => {
  it('by name: status, progress per task status, options, actions that fit the state', async () => {
    const m = await ask(h, `job ${HIVE} finance_nightly`);
    const t = textOf(m);
    expect(t).toContain('Job finance_nightly (#2)');
    expect(t).toContain('13 of 14 tasks done');
    expect(t).toMatch(/SCHEMA_FAILED 1 · ✅ DONE 13/);
    expect(t).toContain('All tables except:* audit_trail');
    const values = runButtons(m).map((b) => b.value);
    expect(values).toContain(`retry ${HIVE_ID} 2`);
    expect(values).toContain(`diagnose ${HIVE_ID} job:2`);
    expect(values).toContain(`tasks ${HIVE_ID} --job 2 --status SCHEMA_FAILED`);
    expect(values).not.toContain(`stop ${HIVE_ID} 2`);
  });

  it('by id, a running job offers Stop', async () => {
    const m = await ask(h, `job ${HIVE} 3`);
    expect(textOf(m)).toContain('Job sales_orders_2025 (#3): DOING');
    expect(buttonValue(m, 'Stop')).toBe(`stop ${HIVE_ID} 3`);
  });

  it('missing <job>, unknown id, unknown name', async () => {
    expect(textOf(await ask(h, `job ${HIVE}`))).toContain('missing &lt;job&gt;: a job name or id');
    expect(textOf(await ask(h, `job ${HIVE} 999`))).toContain('No job matches "999"');
    const near = textOf(await ask(h, `job ${HIVE} finance_nightlyy`));
    expect(near).toContain('No job matches "finance_nightlyy"');
    expect(near).toContain('Did you mean finance_nightly?');
  });

  it('an ambiguous name lists the jobs as buttons that keep the source', async () => {
    // "i" matches finance_nightly and sales_daily_incr_…, and also occurs in the source name.
    const m = await ask(h, `job ${HIVE} i`);
    expect(textOf(m)).toMatch(/2 jobs match `i`/);
    const values = runButtons(m).map((b) => b.value);
    expect(values).toEqual([`job ${HIVE} 2`, `job ${HIVE} 1`]);
    const { reply } = await press(h, values[0]!);
    expect(textOf(reply!)).toContain('Job finance_nightly (#2)');
  });
});

describe('/mms migrate (typed)', () => {
  it('a card with every parameter; CreateMmsJob only on Confirm', async () => {
    const { card, id, text } = await requestCard(
      h,
      `migrate ${HIVE} sales --tables orders,order_items --partitions "ds >= '20250101'" --name sales_q1 --no-verify`,
    );
    for (const s of [
      'Create migration job',
      '*Job name:* `sales_q1`',
      '*Region:* `cn-hangzhou`',
      'hive-prod (#2000015) · HIVE',
      '*Database:* `sales`',
      '*Target project:* `mc_sales`',
      'Partitions: 2 tables',
      '`orders`, `order_items`',
      "ds &gt;= '20250101'",
      '*Verification (row counts):* `off`',
      'starts as soon as it is created',
      'Stop writes to the source tables',
    ]) {
      expect(text).toContain(s);
    }
    const after = await confirm(h, card, id, OPERATOR2);
    const create = h.sim.calls.filter((c) => c.action === 'CreateMmsJob' && c.status < 400);
    expect(create).toHaveLength(1);
    expect(JSON.stringify(create[0]!.body)).toContain('sales_q1');
    expect(textOf(after)).toMatch(/Done/);
    expect(textOf(after)).toContain('Job sales_q1 is being created');
  });

  it('transcript: command → card → Confirm → final card (printed with MMS_TRANSCRIPT=1)', async () => {
    const command = `migrate ${HIVE} marketing --tables ad_clicks,ad_impressions --partitions "ds &gt;= '20250101'" --name mkt_q1`;
    const { card, id } = await requestCard(h, command);
    const after = await confirm(h, card, id, OPERATOR2);
    expect(cardLines(after)).toContain(`✅ *Done* — confirmed by <@${OPERATOR2}>.`);
    if (process.env['MMS_TRANSCRIPT']) {
      console.log(
        [
          `> /mms ${command}   (user ${OPERATOR}, channel ${CHANNEL})`,
          '--- card posted (chat.postMessage) ---',
          cardLines(card),
          `--- ${OPERATOR2} presses Confirm (${id}) ---`,
          '--- card after (chat.update) ---',
          cardLines(after),
        ].join('\n'),
      );
    }
  });

  it('the card shows what decides the click, checked at plan time', async () => {
    const { card, id, text } = await requestCard(h, `migrate ${HIVE} sales --exclude orders`);
    expect(text).toContain('*Source agent:* `online`');
    expect(text).toMatch(/\*Quota for the target:\* could not check/);
    expect(text).toMatch(/\*Size in scope:\* [\d.]+ [KMGT]?B, [\d,]+ rows/);
    expect(text).toMatch(/\*Already migrated:\* /);
    expect(text).toContain('has a bound quota');
    await h.slack.click('mms_cancel', id, { user: OPERATOR, message: card });

    // An offline agent is said before the click, with MMS's own words.
    const source = h.sim.model.sources.get(HIVE_ID)!;
    source.agentIsOnline = false;
    source.errMsg = 'agent heartbeat lost';
    try {
      const offline = await requestCard(h, `migrate ${HIVE} sales --tables orders --name offline_agent`);
      expect(offline.text).toContain('*Source agent:* `OFFLINE`');
      expect(offline.text).toContain('agent is offline (agent heartbeat lost)');
      await h.slack.click('mms_cancel', offline.id, { user: OPERATOR, message: offline.card });
    } finally {
      source.agentIsOnline = true;
      source.errMsg = '';
    }
  });

  it('the generated job name is <db>_<date>_<time>', async () => {
    const { text, card, id } = await requestCard(h, `migrate ${HIVE} hr --exclude payroll_runs`);
    expect(text).toMatch(/\*Job name:\* `hr_\d{8}_\d{4}`/);
    expect(text).toContain('*Blacklist (--exclude):* `payroll_runs`');
    expect(text).toContain('Database: 7 tables');
    await h.slack.click('mms_cancel', id, { user: OPERATOR, message: card });
  });

  it('conflicting or bad options are refused before any card', async () => {
    const posts = h.api.callsTo('chat.postMessage').length;
    const cases: Array<[string, string]> = [
      [`migrate ${HIVE} sales --schema-only --data-only`, '--schema-only and --data-only exclude each other'],
      [`migrate ${HIVE} sales --tables orders --include customers`, 'use --tables, or --include/--exclude'],
      [`migrate ${HIVE} sales --partitions "ds > 1"`, '--partitions needs --tables'],
      [`migrate ${HIVE} sales --name 1st`, '--name must start with a letter'],
      [`migrate ${HIVE} sales --tables "a b"`, '--tables: names may hold letters, digits'],
      [
        `migrate ${HIVE} sales --tabels orders`,
        '`migrate` has no option `--tabels`. Did you mean `--tables`?',
      ],
      [`migrate ${HIVE} sales --no-verify=yes`, 'Option `--no-verify` takes no value.'],
      [
        `migrate ${HIVE} sales --tables orders,regions --partitions "ds > 1"`,
        'and regions has no partitions',
      ],
    ];
    for (const [cmd, msg] of cases) {
      const t = textOf(await ask(h, cmd));
      expect(t, cmd).toMatch(USAGE);
      expect(t, cmd).toContain(msg);
    }
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(posts);
  });

  it('unknown tables and databases are named, with near names', async () => {
    const t = textOf(await ask(h, `migrate ${HIVE} sales --tables orders,ordres`));
    expect(t).toContain('Not in sales: ordres');
    expect(t).toContain('ordres → orders?');
    const db = textOf(await ask(h, `migrate ${HIVE} sale`));
    expect(db).toContain('No database named "sale"');
    expect(db).toContain('`sales`');
  });

  it('an ambiguous database offers buttons that name the database', async () => {
    const m = await ask(h, `migrate ${HIVE} a --tables x`);
    expect(textOf(m)).toMatch(/3 databases match `a`/);
    const values = runButtons(m).map((b) => b.value);
    expect(values).toEqual([
      `migrate ${HIVE} sales --tables x`,
      `migrate ${HIVE} marketing --tables x`,
      `migrate ${HIVE} finance --tables x`,
    ]);
    const { reply } = await press(h, values[0]!);
    // The button runs the command with the database now known; `x` is then the problem.
    expect(textOf(reply!)).toContain('Not in sales: x');
  });

  it('an ambiguous database in a command too long for a button: no cut-off command on a button', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `table_${i}`).join(',');
    const m = await ask(h, `migrate ${HIVE} a --tables ${names}`);
    expect(textOf(m)).toMatch(/3 databases match `a`/);
    expect(textOf(m)).toContain('too long to rerun from a button');
    expect(runButtons(m)).toEqual([]);
  });

  it('Slack-escaped partition filters reach MMS as typed', async () => {
    // Slack sends `>` as `&gt;` in command text.
    const { card, id, text } = await requestCard(
      h,
      `migrate ${HIVE} sales --tables orders --partitions "ds &gt;= '20250105'" --name esc_filter`,
    );
    expect(text).toContain("ds &gt;= '20250105'");
    await confirm(h, card, id);
    const body = JSON.stringify(h.sim.calls.filter((c) => c.action === 'CreateMmsJob').at(-1)!.body);
    expect(body).toContain("ds >= '20250105'");
    expect(body).not.toContain('&gt;');
  });

  it('a source whose only scan failed cannot be migrated yet', async () => {
    const t = textOf(await ask(h, `migrate mc-legacy legacy_dw`));
    expect(t).toMatch(USAGE);
    expect(t).toMatch(/scan/i);
    expect(t).toContain('/mms scan mc-legacy');
  });

  it('the card counts the partitions the filter matches, as the inventory holds them', async () => {
    // Worked out from the simulator's inventory by plain string comparison, not with the filter grammar.
    const sales = h.sim.model.dbByName(HIVE_ID, 'sales')!;
    const per = ['orders', 'order_items'].map((name) => {
      const t = h.sim.model.tablesOf(sales.id).find((x) => x.name === name)!;
      const all = h.sim.model.partitionsOf(t.id);
      return { name, hit: all.filter((p) => p.value >= 'ds=20250103').length, total: all.length };
    });
    const hit = per[0]!.hit + per[1]!.hit;
    expect(hit).toBeGreaterThan(0);
    const { text } = await requestCard(
      h,
      `migrate ${HIVE} sales --tables orders,order_items --partitions "ds &gt;= '20250103'" --name count_q1`,
    );
    expect(text).toContain(
      `*Partitions matching the filter:* ${hit} of ${per[0]!.total + per[1]!.total} (${per.map((p) => `${p.name} ${p.hit} of ${p.total}`).join(', ')}); `,
    );
    expect(text).not.toContain('matches no partition');
  });

  it('a filter that matches nothing, one we cannot read, and MMS failing: the card says so and is posted', async () => {
    const none = await requestCard(
      h,
      `migrate ${HIVE} sales --tables orders,order_items --partitions "ds &gt; '20990101'" --name count_none`,
    );
    expect(none.text).toContain(
      '*Partitions matching the filter:* 0 of 24 (orders 0 of 12, order_items 0 of 12)',
    );
    expect(none.text).toContain(
      '⚠️ The filter matches no partition of orders, order_items: the job would copy nothing.',
    );

    const unread = await requestCard(
      h,
      `migrate ${HIVE} sales --tables orders --partitions "ds LIKE '2025%'" --name count_like`,
    );
    expect(unread.text).toContain(
      "*Partitions matching the filter:* could not check: the filter does not read as MMS's syntax here (expected a comparison after ds); MMS judges it when the job is created",
    );

    h.sim.injectErrors({ count: 1, status: 403, code: 'Forbidden.RAM', actions: ['ListMmsPartitions'] });
    const denied = await requestCard(
      h,
      `migrate ${HIVE} sales --tables orders --partitions "ds &gt;= '20250101'" --name count_denied`,
    );
    expect(denied.text).toMatch(
      /\*Partitions matching the filter:\* could not check \(MMS: Forbidden\.RAM, [^)]*\)/,
    );
  });

  it('an MMS error while planning is shown, and no card is posted', async () => {
    const posts = h.api.callsTo('chat.postMessage').length;
    h.sim.injectErrors({ count: 1, status: 403, code: 'Forbidden.RAM', actions: ['ListMmsTables'] });
    const t = textOf(await ask(h, `migrate ${HIVE} sales --tables orders`));
    expect(t).toMatch(/Permission denied/);
    expect(t).toContain('Forbidden.RAM');
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(posts);
  });
});

describe('/mms scan', () => {
  it('a card, then CreateMmsFetchMetadataJob on Confirm', async () => {
    const { card, id, text } = await requestCard(h, `scan ${HIVE} --db sales`);
    expect(text).toContain('Start metadata scan');
    expect(text).toContain('hive-prod (#2000015) · HIVE');
    expect(text).toContain('*Scope:* database sales');
    expect(text).toContain('SCAN_DONE (scan #301)');
    expect(text).toContain('*Source agent:* `online`');
    const after = await confirm(h, card, id);
    expect(mmsWrites(h)).toContain('CreateMmsFetchMetadataJob');
    expect(textOf(after)).toMatch(/The scan of hive-prod started \(scan #\d+\)/);
  });

  it('the card for a source whose agent is offline says so before the click', async () => {
    const { card, id, text } = await requestCard(h, 'scan hive-staging');
    expect(text).toContain('*Source agent:* `OFFLINE`');
    expect(text).toContain("The source's agent is offline (MMS agent offline since the last heartbeat");
    await h.slack.click('mms_cancel', id, { user: OPERATOR, message: card });
  });

  it('a scan already running is refused', async () => {
    const t = textOf(await ask(h, `scan ${HIVE}`));
    expect(t).toMatch(/A scan of hive-prod \(#2000015\) is already running/);
    // By id the source comes from GetMmsDataSource, which has no scan state: the scan itself says so.
    expect(textOf(await ask(h, `scan ${HIVE_ID}`))).toMatch(
      /A scan of hive-prod \(#2000015\) is already running/,
    );
  });

  it('missing and unknown source', async () => {
    expect(textOf(await ask(h, 'scan'))).toContain('missing &lt;source&gt;');
    expect(textOf(await ask(h, 'scan mc-legacyy'))).toContain('Did you mean mc-legacy?');
    expect(textOf(await ask(h, 'scan mc-legacy --db'))).toContain('Option `--db` needs a value');
  });
});

describe('/mms stop · start · retry · delete', () => {
  it('stop a running job, then start it again', async () => {
    const stop = await requestCard(h, `stop ${HIVE} sales_orders_2025`);
    expect(stop.text).toContain('*Job:* sales_orders_2025 (#3)');
    expect(stop.text).toContain('*Current status:* `DOING`');
    const stopped = await confirm(h, stop.card, stop.id);
    expect(mmsWrites(h).filter((a) => a === 'StopMmsJob')).toHaveLength(1);
    expect(textOf(stopped)).toContain('Stop requested for job sales_orders_2025 (#3)');
    h.sim.runUntilIdle();

    const again = textOf(await ask(h, `stop ${HIVE} 3`));
    expect(again).toContain('Cannot stop job sales_orders_2025 (#3): it is already stopped');

    const start = await requestCard(h, `start ${HIVE} 3`);
    expect(start.text).toContain('Resume stopped migration job');
    expect(start.text).toMatch(/stopped/);
    const started = await confirm(h, start.card, start.id);
    expect(mmsWrites(h).filter((a) => a === 'StartMmsJob')).toHaveLength(1);
    expect(textOf(started)).toContain('Job sales_orders_2025 (#3) resumed');
  });

  it('an MMS error at confirm time fails the card clearly', async () => {
    const { card, id } = await requestCard(h, `stop ${HIVE} 3`);
    h.sim.injectErrors({ count: 1, status: 500, code: 'InternalError', actions: ['StopMmsJob'] });
    const after = await confirm(h, card, id);
    const t = textOf(after);
    expect(t).toMatch(/Failed/);
    expect(t).toContain('MMS error (server, InternalError)');
    expect(t).toMatch(/request [0-9A-F-]{36}/);
    expect(mmsWrites(h).filter((a) => a === 'StopMmsJob')).toHaveLength(1);
  });

  it('a second request for a job with a pending card links to that card', async () => {
    const first = await requestCard(h, `retry ${HIVE} 2`, { user: OPERATOR2 });
    const posts = h.api.callsTo('chat.postMessage').length;
    const m = await ask(h, `delete ${HIVE} finance_nightly`);
    const t = textOf(m);
    expect(t).toMatch(USAGE);
    expect(t).toContain('A retry request for the same target is already waiting for confirmation.');
    // A real link and a real mention, not escaped text.
    const ts = first.card.ts.replace('.', '');
    expect(t).toContain(
      `See <https://example.slack.com/archives/${CHANNEL}/p${ts}|the card>, requested by <@${OPERATOR2}>.`,
    );
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(posts);
    await h.slack.click('mms_cancel', first.id, { user: OPERATOR2, message: first.card });
  });

  it('start refuses a job that stop did not stop, and says what to do', async () => {
    const t = textOf(await ask(h, `start ${HIVE} finance_nightly`));
    expect(t).toMatch(USAGE);
    expect(t).toContain('use `retry` to rerun failed tasks');
  });

  it('retry a failed job', async () => {
    const { card, id, text } = await requestCard(h, `retry ${HIVE} finance_nightly`);
    expect(text).toContain('Retry failed migration job');
    expect(text).toContain('*Current status:* `FAILED`');
    // The card lists what it reruns: the job's failed tasks, by table and phase.
    expect(text).toMatch(
      /\*Tasks it reruns:\* \d+ failed: finance\.\w+ (\[24 partitions\] )?\((SCHEMA|DATA|VERIFICATION)_FAILED\)/,
    );
    expect(text).toContain('/mms diagnose');
    const done = await confirm(h, card, id);
    expect(mmsWrites(h).filter((a) => a === 'RetryMmsJob')).toHaveLength(1);
    expect(textOf(done)).toContain('Retry started for job finance_nightly (#2)');
    expect(textOf(await ask(h, `retry ${HIVE} 1`))).toContain('only a FAILED job can be retried');
    // A Retry pressed again on an older message (the job runs now): told why, with a link to the job's
    // card (the confirmation card became it), which shows what happened.
    const { reply } = await press(h, `retry ${HIVE_ID} 2`);
    const t = textOf(reply!);
    expect(t).toContain('Not possible in its current state');
    expect(t).toMatch(
      /Cannot retry job finance_nightly \(#2\): it is DOING; only a FAILED job can be retried/,
    );
    expect(t).toContain(
      `The job has moved on. See <https://slack.com/archives/${CHANNEL}/p${card.ts.replace('.', '')}|its card> for what happened`,
    );
  });

  it('delete needs a second operator; a viewer may ask but not confirm', async () => {
    const { card, id, text } = await requestCard(h, `delete ${HIVE} 1`, { user: VIEWER });
    expect(text).toContain('Delete migration job');
    expect(text).toContain('This cannot be undone');
    expect(text).toContain('Needs a second operator');
    await h.slack.click('mms_confirm', id, { user: VIEWER, message: card });
    expect(String(h.api.callsTo('chat.postEphemeral').at(-1)!.args['text'])).toMatch(/Only operators/);
    expect(mmsWrites(h)).not.toContain('DeleteMmsJob');
    const done = await confirm(h, card, id, OPERATOR);
    expect(mmsWrites(h).filter((a) => a === 'DeleteMmsJob')).toHaveLength(1);
    expect(textOf(done)).toContain('Job sales_daily_incr_');
    expect(textOf(done)).toContain('deleted');
    expect(textOf(await ask(h, `job ${HIVE} 1`))).toContain('No job matches "1"');
  });

  it('bad input for job writes', async () => {
    expect(textOf(await ask(h, `stop ${HIVE}`))).toContain('missing &lt;job&gt;');
    expect(textOf(await ask(h, `stop ${HIVE} 999`))).toContain('No job matches "999"');
    expect(textOf(await ask(h, 'stop hive-prd 3'))).toContain('Did you mean hive-prod?');
    expect(textOf(await ask(h, `delete ${HIVE} 3 --force`))).toMatch(/`delete` has no option `--force`/);
    expect(textOf(await ask(h, `delete ${HIVE} 3`))).toContain(
      'Cannot delete job sales_orders_2025 (#3): it is running; stop it first',
    );
  });
});

describe('/mms diagnose', () => {
  it('a failed job: cause, fix, the command to retry', async () => {
    const fresh = await startHarness();
    try {
      const m = await ask(fresh, `diagnose ${HIVE} finance_nightly`);
      const t = textOf(m);
      expect(t).toContain('Diagnosis · job finance_nightly (#2)');
      expect(t).toContain('Missing grants in the target project');
      expect(t).toContain('finance.gl_entries');
      expect(t).toContain('task #7603');
      expect(t).toContain('GRANT admin TO USER RAM$1688003712345678');
      expect(buttonValue(m, 'Retry task 7603')).toBe(`retry-task ${HIVE_ID} 7603`);
      const byTask = textOf(await ask(fresh, `diagnose ${HIVE} task:7603`));
      expect(byTask).toContain('Diagnosis · task 7603');
      expect(byTask).toContain('odps:CreateTable');
    } finally {
      await fresh.close();
    }
  });

  it('bad input: missing, unknown job, unknown task', async () => {
    expect(textOf(await ask(h, `diagnose ${HIVE}`))).toContain('missing &lt;job or task&gt;');
    expect(textOf(await ask(h, `diagnose ${HIVE} nosuchjob`))).toContain('No job matches "nosuchjob"');
    const task = textOf(await ask(h, `diagnose ${HIVE} task:99999`));
    expect(task).toMatch(NOT_FOUND);
    expect(task).toContain('task 99999 not found');
  });
});

it('read commands never wrote to MMS in this file', () => {
  const allowed = new Set([
    'CreateMmsJob',
    'CreateMmsFetchMetadataJob',
    'StopMmsJob',
    'StartMmsJob',
    'RetryMmsJob',
    'DeleteMmsJob',
  ]);
  expect(mmsWrites(h).filter((a) => !allowed.has(a))).toEqual([]);
  expect(h.api.messages(CHANNEL).length).toBeGreaterThan(0);
});
