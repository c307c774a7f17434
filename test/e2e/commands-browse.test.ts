// `/mms help · regions · setup · sources · source · dbs · tables · partitions`, end to end: signed HTTP to
// the real Bolt app, the MMS simulator with demo data behind it. Happy paths and bad input.
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/operations/catalog.js';
import { startHarness } from '../helpers/bot.js';
import {
  ask,
  buttonValue,
  HIVE,
  HIVE_ID,
  LEGACY_ID,
  mmsWrites,
  NOT_FOUND,
  press,
  runButtons,
  sharedBot,
  textOf,
  USAGE,
  VIEWER,
} from './support.js';

const h = sharedBot();

describe('/mms help', () => {
  it('lists every command by group, marks writes', async () => {
    const t = textOf(await ask(h, 'help'));
    for (const c of [
      'sources',
      'tables',
      'migrate',
      'jobs',
      'retry-task',
      'timer-run',
      'diagnose',
      'audit',
    ]) {
      expect(t).toContain(`\`${c}\``);
    }
    expect(t).toMatch(/`migrate` ✎/);
    expect(t).toContain('--region');
    // It starts with where to start, then the commands by group.
    expect(t.indexOf('Start here')).toBeGreaterThan(-1);
    expect(t.indexOf('Start here')).toBeLessThan(t.indexOf('All commands'));
    for (const g of ['Browse', 'Jobs', 'Timers', 'Admin']) expect(t).toContain(`*${g}*`);
  });

  it('help <command> shows usage, options and examples', async () => {
    const t = textOf(await ask(h, 'help migrate'));
    expect(t).toContain('/mms migrate &lt;source&gt; &lt;db&gt;');
    for (const f of [
      '--tables',
      '--include',
      '--exclude',
      '--partitions',
      '--name',
      '--no-verify',
      '--increment',
    ]) {
      expect(t).toContain(f);
    }
    expect(t).toContain('/mms migrate hive-prod sales');
  });

  it('help of an unknown command suggests near ones', async () => {
    const m = await ask(h, 'help jbos');
    expect(textOf(m)).toMatch(USAGE);
    expect(textOf(m)).toMatch(/No command `jbos`.*Did you mean.*`jobs`/s);
  });

  it('an unknown subcommand answers "did you mean"', async () => {
    const m = await ask(h, 'soruces');
    expect(textOf(m)).toMatch(/Unknown command `soruces`\. Did you mean `sources`/);
    expect(textOf(m)).toContain('/mms help');
    const far = await ask(h, 'frobnicate hive-prod');
    expect(textOf(far)).toMatch(/Unknown command `frobnicate`/);
  });
});

describe('a slow MMS', () => {
  it('the ack says "working" and the answer follows through the response_url', async () => {
    const slow = await startHarness({ ackBudgetMs: 30 });
    try {
      slow.sim.setLatency(60);
      const r = await slow.slack.command(`jobs ${HIVE}`);
      expect(r.status).toBe(200);
      expect(textOf(r.body)).toContain('Working on it');
      const path = new URL(r.responseUrl!).pathname;
      const answer = await slow.api.waitForResponse((x) => x.path === path);
      expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
      expect(textOf(answer.body)).toContain('Jobs of hive-prod: 3 shown of 3');
    } finally {
      await slow.close();
    }
  });
});

describe('--region on every command', () => {
  it('every command takes --region and rejects an unknown one', async () => {
    for (const op of CATALOG) {
      const t = textOf(await ask(h, `${op.spec.name} --region mars-1`));
      expect(t, op.spec.name).toMatch(USAGE);
      expect(t, op.spec.name).toContain('Unknown region `mars-1`');
    }
    expect(mmsWrites(h)).toEqual([]);
  });
});

describe('/mms regions', () => {
  it('lists the regions with console links, the default marked', async () => {
    const m = await ask(h, 'regions');
    const t = textOf(m);
    expect(t).toMatch(/`cn-hangzhou`.*\*default\*/);
    expect(t).toContain('`cn-shanghai`');
    expect(t).toContain('https://maxcompute.console.aliyun.com/cn-shanghai/mma');
  });

  it('rejects arguments and unknown flags', async () => {
    expect(textOf(await ask(h, 'regions all'))).toMatch(/Too many arguments for `regions`: `all`/);
    expect(textOf(await ask(h, 'regions --verbose'))).toMatch(/`regions` has no option `--verbose`/);
  });
});

describe('/mms setup', () => {
  it('the checklist: role, RAM policy, grants, credentials configured (never their values)', async () => {
    const m = await ask(h, 'setup');
    const t = textOf(m);
    expect(t).toContain('AliyunServiceRoleForMaxComputeMMS');
    expect(t).toContain('odps:ListMmsDataSources');
    expect(t).toContain('GRANT admin TO USER');
    expect(t).toMatch(/Credentials\*: configured/);
    expect(t).toMatch(/MMS API\*: reachable/);
    expect(t).not.toContain(h.sim.credentials.accessKeyId);
    expect(t).not.toContain(h.sim.credentials.accessKeySecret);
  });

  it('names the missing RAM permission when the probe is refused', async () => {
    h.sim.injectErrors({ count: 1, status: 403, code: 'Forbidden.RAM', actions: ['ListMmsDataSources'] });
    const t = textOf(await ask(h, 'setup'));
    expect(t).toContain('Forbidden.RAM');
    expect(t).not.toMatch(/MMS API\*: reachable/);
  });

  it('takes --region and rejects a bad one with near names', async () => {
    const m = await ask(h, 'setup --region cn-shanghai');
    expect(textOf(m)).toContain('cn-shanghai');
    expect(runButtons(m).every((b) => b.value.endsWith('--region cn-shanghai'))).toBe(true);
    const bad = textOf(await ask(h, 'setup --region cn-shangai'));
    expect(bad).toMatch(/Unknown region `cn-shangai`\. Did you mean `cn-shanghai`/);
    expect(textOf(await ask(h, 'setup --region'))).toMatch(/--region` needs a value/);
  });
});

describe('/mms sources', () => {
  it('lists every demo source with id, type, target and a drill-down button', async () => {
    const m = await ask(h, 'sources');
    const t = textOf(m);
    for (const s of ['hive-prod', 'bq-analytics', 'mc-legacy', 'hive-staging']) expect(t).toContain(`*${s}*`);
    expect(t).toContain(`#${HIVE_ID}`);
    expect(t).toMatch(/hive-prod\* `#2000015` · HIVE · STARTED · → `mc_sales`/);
    expect(t).toMatch(/agent offline/);
    expect(buttonValue(m, 'hive-prod')).toBe(`source ${HIVE_ID}`);
  });

  it('filters by name', async () => {
    const t = textOf(await ask(h, 'sources hive'));
    expect(t).toContain('hive-prod');
    expect(t).toContain('hive-staging');
    expect(t).not.toContain('bq-analytics');
    expect(textOf(await ask(h, 'sources nosuchthing'))).toMatch(/0 shown of 0/);
  });

  it('rejects a bad --page', async () => {
    expect(textOf(await ask(h, 'sources --page zero'))).toMatch(/--page takes a page number/);
  });

  it('an MMS 5xx that outlasts the retries gives a clear message with the request id', async () => {
    h.sim.injectErrors({ count: 2, status: 503, actions: ['ListMmsDataSources'] });
    const m = await ask(h, 'sources');
    const t = textOf(m);
    expect(t).toMatch(/MMS had an internal error/);
    expect(t).toContain('ServiceUnavailable');
    expect(t).toMatch(/request id `[0-9A-F-]{36}`/);
  });

  it('throttling says so', async () => {
    h.sim.injectErrors({ count: 2, status: 429, actions: ['ListMmsDataSources'] });
    expect(textOf(await ask(h, 'sources'))).toMatch(/MMS is throttling requests/);
  });
});

describe('/mms source', () => {
  it('one source: id, type, target, scan, inventory, masked config, console link, actions', async () => {
    const m = await ask(h, `source ${HIVE}`);
    const t = textOf(m);
    expect(t).toContain('Data source hive-prod');
    expect(t).toContain('`2000015`');
    expect(t).toContain('`mc_sales`');
    expect(t).toContain('SCAN_DONE');
    expect(t).toMatch(/5 dbs · 75 tables/);
    expect(t).toContain('hive.metastore.password = ********');
    expect(t).toContain('https://maxcompute.console.aliyun.com/cn-hangzhou/mma/datasource');
    expect(runButtons(m).map((b) => b.value)).toEqual([
      `dbs ${HIVE_ID}`,
      `jobs ${HIVE_ID}`,
      `timers ${HIVE_ID}`,
      `scan ${HIVE_ID}`,
      `migrate ${HIVE_ID}`,
    ]);
  });

  it('by id, and the unscanned MaxCompute source shows its failed scan', async () => {
    expect(textOf(await ask(h, `source ${HIVE_ID}`))).toContain('Data source hive-prod');
    const t = textOf(await ask(h, 'source mc-legacy'));
    expect(t).toContain(`\`${LEGACY_ID}\``);
    expect(t).toContain('SCAN_FAILED');
    expect(t).toContain('mc.access.key = ********');
  });

  it('missing <source> names the argument', async () => {
    const m = await ask(h, 'source');
    expect(textOf(m)).toMatch(USAGE);
    expect(textOf(m)).toContain('missing &lt;source&gt;: a data source name or id');
    expect(textOf(m)).toContain('/mms source &lt;source&gt;');
  });

  it('an unknown source names the near ones', async () => {
    const t = textOf(await ask(h, 'source hive-prd'));
    expect(t).toMatch(NOT_FOUND);
    expect(t).toContain('No source matches "hive-prd"');
    expect(t).toContain('Did you mean hive-prod?');
    const none = textOf(await ask(h, 'source 9999999'));
    expect(none).toContain('No source matches "9999999"');
  });

  it('an ambiguous name lists the candidates as buttons that run', async () => {
    const m = await ask(h, 'source hive');
    expect(textOf(m)).toMatch(/2 sources match `hive`/);
    const values = runButtons(m).map((b) => b.value);
    expect(values).toEqual([`source ${HIVE_ID}`, 'source 2000018']);
    const { reply } = await press(h, values[1]!);
    expect(textOf(reply!)).toContain('Data source hive-staging');
  });

  it('an ambiguous name inside a longer command keeps the rest of it', async () => {
    // "e" matches hive-prod, mc-legacy and hive-staging, and also occurs in the command word `source`.
    const m = await ask(h, 'source e');
    expect(runButtons(m).map((b) => b.value)).toEqual([
      `source ${HIVE_ID}`,
      `source ${LEGACY_ID}`,
      'source 2000018',
    ]);
  });

  it('extra arguments say to quote names', async () => {
    expect(textOf(await ask(h, 'source hive prod'))).toMatch(/Too many arguments for `source`: `prod`/);
  });
});

describe('/mms dbs', () => {
  it('the scanned databases with counts, targets and buttons to their tables', async () => {
    const m = await ask(h, `dbs ${HIVE}`);
    const t = textOf(m);
    for (const d of ['sales', 'marketing', 'finance', 'hr', 'logistics']) expect(t).toContain(`*${d}*`);
    expect(t).toMatch(/\*finance\* · FAILED · 15 tables \(13 done, 1 failed\)/);
    expect(t).toContain('`mc_marketing`');
    expect(buttonValue(m, 'sales')).toBe(`tables ${HIVE_ID} sales`);
    expect(buttonValue(m, 'Scan metadata')).toBe(`scan ${HIVE_ID}`);
  });

  it('an unscanned source says to scan it', async () => {
    const m = await ask(h, 'dbs mc-legacy');
    expect(textOf(m)).toContain('No databases yet');
    expect(buttonValue(m, 'Scan metadata')).toBe(`scan ${LEGACY_ID}`);
  });

  it('bad input', async () => {
    expect(textOf(await ask(h, 'dbs'))).toContain('missing &lt;source&gt;');
    expect(textOf(await ask(h, 'dbs hive-prd'))).toContain('Did you mean hive-prod?');
    expect(textOf(await ask(h, 'dbs hive-prod --status FAILED'))).toMatch(/`dbs` has no option `--status`/);
  });
});

describe('/mms tables', () => {
  it('page 1: 20 of 25, partitioned ones drill down, a Next button', async () => {
    const m = await ask(h, `tables ${HIVE} sales`);
    const t = textOf(m);
    expect(t).toContain('Tables of hive-prod › sales: 20 shown of 25');
    expect(t).toMatch(/\*customers\* · DONE · 184k rows/);
    expect(t).toContain('Page 1 of 2 · 25 in total');
    expect(t).not.toContain('vendor_contracts');
    expect(buttonValue(m, 'orders ›')).toBe(`partitions ${HIVE_ID} sales.orders`);
    expect(buttonValue(m, /^Next/)).toBe(`tables ${HIVE_ID} sales --page 2`);
    expect(buttonValue(m, 'Migrate this db…')).toBe(`migrate ${HIVE_ID} sales`);
  });

  it('--page 2 and the Next button show the last five', async () => {
    const typed = await ask(h, `tables ${HIVE} sales --page 2`);
    const t = textOf(typed);
    expect(t).toContain('5 shown of 25');
    expect(t).toContain('Page 2 of 2');
    for (const n of [
      'price_history',
      'sales_daily_agg',
      'sales_monthly_agg',
      'sales_targets',
      'vendor_contracts',
    ]) {
      expect(t).toContain(`*${n}*`);
    }
    expect(t).not.toContain('*customers*');
    expect(buttonValue(typed, /Prev/)).toBe(`tables ${HIVE_ID} sales --page 1`);

    const first = await ask(h, `tables ${HIVE} sales`);
    const { reply } = await press(h, buttonValue(first, /^Next/));
    expect(textOf(reply!)).toContain('5 shown of 25');
    expect(textOf(reply!)).toContain('*vendor_contracts*');
  });

  it('a page past the end offers the last page, labelled as such', async () => {
    const m = await ask(h, `tables ${HIVE} sales --page 9`);
    expect(textOf(m)).toContain('0 shown of 25');
    expect(textOf(m)).toContain('Page 9 is past the end: 2 pages');
    const prev = runButtons(m).find((b) => /Prev/.test(b.text))!;
    expect(prev).toMatchObject({ text: '◀ Prev (page 2)', value: `tables ${HIVE_ID} sales --page 2` });
    const { reply } = await press(h, prev.value);
    expect(textOf(reply!)).toContain('5 shown of 25');
  });

  it('a name filter', async () => {
    const t = textOf(await ask(h, `tables ${HIVE} sales order`));
    expect(t).toContain('3 shown of 3');
    expect(t).toContain('*order_status_history*');
    expect(t).not.toContain('*customers*');
    // A filter that matches nothing in a real database is just an empty list.
    expect(textOf(await ask(h, `tables ${HIVE} sales zzz`))).toContain('0 shown of 0');
  });

  it('bad input: missing <db>, bad --page, unknown flag, unknown database', async () => {
    const missing = textOf(await ask(h, `tables ${HIVE}`));
    expect(missing).toContain('missing &lt;db&gt;: a database name');
    expect(textOf(await ask(h, `tables ${HIVE} sales --page 0`))).toContain('--page starts at 1');
    expect(textOf(await ask(h, `tables ${HIVE} sales --page two`))).toContain('--page takes a page number');
    expect(textOf(await ask(h, `tables ${HIVE} sales --pgae 2`))).toMatch(
      /has no option `--pgae`\. Did you mean `--page`/,
    );
    const unknown = await ask(h, `tables ${HIVE} sale`);
    expect(textOf(unknown)).toMatch(/No database named "sale"|No database matches "sale"/);
    expect(textOf(unknown)).toContain('sales');
    expect(runButtons(unknown).map((b) => b.value)).not.toContain(`migrate ${HIVE_ID} sale`);
  });

  it('an ambiguous database offers the databases by name, and the buttons run', async () => {
    // "a" matches sales, marketing and finance; it also occurs in the command word `tables`.
    const m = await ask(h, `tables ${HIVE} a`);
    expect(textOf(m)).toMatch(/3 databases match `a`/);
    const values = runButtons(m).map((b) => b.value);
    expect(values).toEqual([`tables ${HIVE} sales`, `tables ${HIVE} marketing`, `tables ${HIVE} finance`]);
    const { reply } = await press(h, values[1]!);
    expect(textOf(reply!)).toContain('Tables of hive-prod › marketing');
  });
});

describe('/mms partitions', () => {
  it('the partitions of a table', async () => {
    const m = await ask(h, `partitions ${HIVE} sales.orders`);
    const t = textOf(m);
    expect(t).toContain('Partitions of sales.orders: 12 shown of 12');
    expect(t).toContain('`ds=20241227`');
    expect(t).toContain('`ds=20250107`');
    expect(buttonValue(m, 'Migrate this table…')).toBe(`migrate ${HIVE_ID} sales --tables orders`);
  });

  it('an unknown table or database says so instead of "no partitions"', async () => {
    const t = textOf(await ask(h, `partitions ${HIVE} sales.order`));
    expect(t).toMatch(USAGE);
    expect(t).toContain('No table named "order" in sales');
    expect(t).toContain('`sales.orders`');
    expect(textOf(await ask(h, `partitions ${HIVE} sale.orders`))).toContain('No database named "sale"');
    // A table without partitions is not an error.
    expect(textOf(await ask(h, `partitions ${HIVE} sales.customers`))).toContain('No partitions found');
  });

  it('bad input: not db.table, missing', async () => {
    expect(textOf(await ask(h, `partitions ${HIVE} orders`))).toContain(
      '&lt;db.table&gt; must be database.table, e.g. sales.orders',
    );
    expect(textOf(await ask(h, `partitions ${HIVE}`))).toContain('missing &lt;db.table&gt;');
  });

  it('reads never write, whoever asks', async () => {
    await ask(h, `partitions ${HIVE} sales.orders`, { user: VIEWER });
    expect(mmsWrites(h)).toEqual([]);
  });
});
