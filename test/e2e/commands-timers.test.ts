// `/mms timers · timer · timer-logs · schedule · timer-pause · timer-resume · timer-run · timer-delete`, end
// to end. Demo: hive-prod has the daily timer sales_daily_incr (#1, 02:30); its last run created job 1.
import { describe, expect, it } from 'vitest';
import {
  ask,
  buttonValue,
  CHANNEL,
  confirm,
  HIVE,
  HIVE_ID,
  mmsWrites,
  NOT_FOUND,
  OPERATOR,
  OPERATOR2,
  requestCard,
  runButtons,
  sharedBot,
  textOf,
  USAGE,
} from './support.js';

const h = sharedBot();

describe('/mms timers · timer · timer-logs', () => {
  it('timers: schedule, database, state', async () => {
    const m = await ask(h, `timers ${HIVE}`);
    expect(textOf(m)).toMatch(/\*sales_daily_incr\* `#1` · Daily at 02:30 · db \*sales\* · ▶️ active/);
    expect(buttonValue(m, 'sales_daily_incr')).toBe(`timer ${HIVE_ID} 1`);
    expect(textOf(await ask(h, 'timers bq-analytics'))).toContain('0 shown of 0');
  });

  it('timer: by name and by id, its options and actions', async () => {
    const m = await ask(h, `timer ${HIVE} sales_daily_incr`);
    const t = textOf(m);
    expect(t).toContain('Timer sales_daily_incr: Daily at 02:30 (Asia/Shanghai), active');
    // Options in the words of the form, not MMS's field names or JSON.
    expect(t).toContain('*Tables:* order_items, customers');
    expect(t).not.toMatch(/srcDbName|enableVerification|\["/);
    expect(runButtons(m).map((b) => b.value)).toEqual([
      `timer-logs ${HIVE_ID} 1`,
      `timer-pause ${HIVE_ID} 1`,
      `timer-run ${HIVE_ID} 1`,
      `timer-delete ${HIVE_ID} 1`,
    ]);
    expect(textOf(await ask(h, `timer ${HIVE} 1`))).toContain('Timer sales_daily_incr:');
  });

  it('timer-logs: the runs, the job each created, why one was skipped', async () => {
    const t = textOf(await ask(h, `timer-logs ${HIVE} sales_daily_incr`));
    expect(t).toContain('Runs of timer sales_daily_incr (#1): 2 shown of 2');
    expect(t).toMatch(/DONE\*.*→ job 1 \(sales_daily_incr_\d+\) created/);
    expect(t).toContain('skipped: scheduled metadata refresh of hive-prod had not finished');
  });

  it('bad input: missing timer, unknown name with near names, unknown id', async () => {
    expect(textOf(await ask(h, `timer ${HIVE}`))).toContain('missing &lt;timer&gt;: a timer name or id');
    const near = textOf(await ask(h, `timer ${HIVE} sales_daily_inc`));
    // One fuzzy hit is used (MMS.md §6.2).
    expect(near).toContain('Timer sales_daily_incr:');
    const unknown = textOf(await ask(h, `timer-logs ${HIVE} weekly_x`));
    expect(unknown).toMatch(NOT_FOUND);
    expect(unknown).toContain('No timer matches "weekly_x"');
    expect(textOf(await ask(h, `timer ${HIVE} 42`))).toContain('No timer matches "42"');
    expect(textOf(await ask(h, `timers ${HIVE} --status DONE`))).toMatch(/`timers` has no option `--status`/);
  });
});

describe('/mms schedule', () => {
  it('daily: a card with the schedule and scope; CreateMmsTimer on Confirm', async () => {
    const { card, id, text } = await requestCard(h, `schedule ${HIVE} sales --daily 03:15 --tables orders`);
    for (const s of [
      'Create migration timer',
      '*Timer name:* `sales_daily_0315`',
      '*Schedule:* daily at 03:15',
      '*Region:* `cn-hangzhou`',
      '*Database:* `sales`',
      '*Tables:* `orders`',
      'Stop writes to the source tables',
    ]) {
      expect(text).toContain(s);
    }
    const after = await confirm(h, card, id);
    expect(mmsWrites(h)).toEqual(['CreateMmsTimer']);
    expect(textOf(after)).toMatch(
      /Timer sales_daily_0315 created: runs daily at 03:15 \(Asia\/Shanghai, UTC\+08:00\)\. \(timer #\d+\)/,
    );
    expect(textOf(await ask(h, `timers ${HIVE}`))).toContain('sales_daily_0315');
  });

  it('hourly', async () => {
    const { text, card, id } = await requestCard(
      h,
      `schedule ${HIVE} marketing --hourly 5 --name mkt_hourly`,
    );
    expect(text).toContain('*Timer name:* `mkt_hourly`');
    expect(text).toContain('*Schedule:* hourly at :05');
    await h.slack.click('mms_cancel', id, { user: OPERATOR, message: card });
  });

  it('bad schedules and options are refused before any card', async () => {
    const posts = h.api.callsTo('chat.postMessage').length;
    const cases: Array<[string, string]> = [
      [`schedule ${HIVE} sales`, 'give exactly one of --daily HH:MM or --hourly MM'],
      [`schedule ${HIVE} sales --daily 02:00 --hourly 5`, 'give exactly one of --daily HH:MM or --hourly MM'],
      [`schedule ${HIVE} sales --daily 25:00`, '--daily takes a time HH:MM, e.g. 02:30'],
      [`schedule ${HIVE} sales --hourly 75`, '--hourly takes the minute past each hour, 0–59'],
      // Timers always run incremental data migrations: neither option exists for them.
      [`schedule ${HIVE} sales --daily 02:00 --schema-only`, '`schedule` has no option `--schema-only`'],
      [`schedule ${HIVE} sales --daily 02:00 --increment`, '`schedule` has no option `--increment`'],
      [`schedule ${HIVE} --daily 02:00`, 'missing &lt;db&gt;'],
      [`schedule ${HIVE} sales --dayly 02:00`, 'Did you mean `--daily`?'],
    ];
    for (const [cmd, msg] of cases) {
      const t = textOf(await ask(h, cmd));
      expect(t, cmd).toMatch(USAGE);
      expect(t, cmd).toContain(msg);
    }
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(posts);
  });
});

describe('/mms timer-pause · timer-resume · timer-run · timer-delete', () => {
  it('pause, then resume', async () => {
    const pause = await requestCard(h, `timer-pause ${HIVE} sales_daily_incr`);
    expect(pause.text).toContain('Pause timer');
    expect(pause.text).toContain('*Timer:* sales_daily_incr (#1)');
    expect(pause.text).toContain('*State:* `active`');
    const paused = await confirm(h, pause.card, pause.id);
    expect(textOf(paused)).toContain('Timer sales_daily_incr (#1) paused.');
    expect(textOf(await ask(h, `timer ${HIVE} 1`))).toContain('paused');
    expect(textOf(await ask(h, `timer-pause ${HIVE} 1`))).toContain('it is already paused');

    const resume = await requestCard(h, `timer-resume ${HIVE} 1`);
    expect(resume.text).toContain('*State:* `paused`');
    const resumed = await confirm(h, resume.card, resume.id);
    expect(textOf(resumed)).toContain('Timer sales_daily_incr (#1) resumed.');
    expect(mmsWrites(h).filter((a) => a === 'UpdateMmsTimer')).toHaveLength(2);
    expect(textOf(await ask(h, `timer-resume ${HIVE} 1`))).toContain('it is not paused');
  });

  it('run now', async () => {
    const { card, id, text } = await requestCard(h, `timer-run ${HIVE} sales_daily_incr`);
    expect(text).toContain('Run timer now');
    expect(text).toContain('A migration job starts now');
    const done = await confirm(h, card, id);
    expect(mmsWrites(h)).toContain('TriggerMmsTimer');
    expect(textOf(done)).toContain('Timer sales_daily_incr (#1) triggered');
    // The run's job is found and watched in this channel, on this card.
    const job = /Its job is (\S+) \(#(\d+)\)/.exec(textOf(done));
    expect(job, textOf(done)).not.toBeNull();
    const watch = h.bot.services.watches.active('job').find((w) => w.objectId === Number(job![2]));
    expect(watch?.channel).toBe(CHANNEL);
    expect(watch?.cardTs).toBe(card.ts);
  });

  it('delete needs a second operator', async () => {
    const { card, id, text } = await requestCard(h, `timer-delete ${HIVE} 1`, { user: OPERATOR });
    expect(text).toContain('Delete timer');
    expect(text).toContain('Needs a second operator');
    await h.slack.click('mms_confirm', id, { user: OPERATOR, message: card });
    expect(mmsWrites(h)).not.toContain('DeleteMmsTimer');
    const done = await confirm(h, card, id, OPERATOR2);
    expect(mmsWrites(h)).toContain('DeleteMmsTimer');
    expect(textOf(done)).toContain('Timer sales_daily_incr (#1) deleted.');
    expect(textOf(await ask(h, `timer ${HIVE} sales_daily_incr`))).toContain('No timer matches');
  });

  it('bad input', async () => {
    expect(textOf(await ask(h, `timer-run ${HIVE}`))).toContain('missing &lt;timer&gt;');
    expect(textOf(await ask(h, `timer-pause ${HIVE} 999`))).toContain('No timer matches "999"');
    expect(textOf(await ask(h, 'timer-run hive-prd 1'))).toContain('Did you mean hive-prod?');
    expect(textOf(await ask(h, `timer-delete ${HIVE} 1 --region eu-west-9`))).toContain(
      'Unknown region `eu-west-9`',
    );
  });
});
