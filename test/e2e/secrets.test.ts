// No secret ever leaves the bot: a whole session runs every read command (sources with config, the
// unscanned MaxCompute source whose scan error quotes an old AccessKey), writes through their cards, a job
// that fails with secrets in its task logs, its diagnosis, the watcher's notification and the migrate form.
// Then none of PLANTED_SECRETS (nor the bot's own credentials) may appear in any Slack Web API call, any
// response_url post, any ack body or any log line.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLANTED_SECRETS, SECRETS } from '../../src/sim/index.js';
import { type Harness, SIGNING_SECRET, startHarness } from '../helpers/bot.js';
import {
  answerOf,
  BQ_ID,
  CHANNEL,
  confirm,
  HIVE,
  HIVE_ID,
  LEGACY_ID,
  OPERATOR,
  OPERATOR2,
  press,
  requestCard,
  runButtons,
  sharedBot,
  textOf,
} from './support.js';

const READS = [
  'help',
  'regions',
  'setup',
  'sources',
  `source ${HIVE}`,
  `source ${HIVE_ID}`,
  'source mc-legacy',
  'source bq-analytics',
  'source hive-staging',
  'source hive',
  `dbs ${HIVE}`,
  'dbs mc-legacy',
  'dbs bq-analytics',
  `tables ${HIVE} sales`,
  `tables ${HIVE} sales --page 2`,
  'tables bq-analytics analytics',
  `partitions ${HIVE} sales.orders`,
  `jobs ${HIVE}`,
  `job ${HIVE} 2`,
  `job ${HIVE} 3`,
  `tasks ${HIVE} --job 2`,
  `tasks ${HIVE} --job 3`,
  `task ${HIVE} 7603`,
  `logs ${HIVE} 7603`,
  `timers ${HIVE}`,
  `timer ${HIVE} sales_daily_incr`,
  `timer-logs ${HIVE} sales_daily_incr`,
  `diagnose ${HIVE} finance_nightly`,
  `diagnose ${HIVE} task:7603`,
  `watch ${HIVE} 3`,
  'watching',
  'status',
  'audit',
  'source mc-legacy --region cn-shanghai',
];

/** Values planted in free-text forms that src/mms/redact.ts masks today. */
const FREE_TEXT = {
  plainJson: 'Zq9PlainJsonValue-7731',
  tokenColon: 'Zq9TokenColonValue-7732',
  passwordEquals: 'Zq9PasswordEqValue-7733',
  quotedSecret: 'Zq9QuotedSecretValue-7734',
};

/**
 * The SQLite files (db, -wal, -shm) scanned as bytes, the way someone with a copy of the volume would:
 * each secret as UTF-8 (SQLite's TEXT) and as UTF-16LE.
 */
function databaseLeaks(h: Harness, secrets: string[]): string[] {
  const path = h.bot.config.databasePath;
  const files = [path, `${path}-wal`, `${path}-shm`].filter((f) => existsSync(f));
  expect(files.length, 'the database files exist').toBeGreaterThanOrEqual(2);
  const out: string[] = [];
  let bytes = 0;
  for (const f of files) {
    const buf = readFileSync(f);
    bytes += buf.length;
    for (const s of secrets) {
      if (buf.includes(Buffer.from(s, 'utf8')) || buf.includes(Buffer.from(s, 'utf16le')))
        out.push(`${f.slice(path.length - 6)}: ${s}`);
    }
  }
  expect(bytes, 'the database files hold data').toBeGreaterThan(4096);
  return out;
}

const h = sharedBot();
const acks: unknown[] = [];
const shown: unknown[] = [];

async function run(text: string, user = OPERATOR) {
  const r = await h.slack.command(text, { user });
  acks.push(r.body);
  return r;
}

describe('secrets', () => {
  it('the demo really holds the planted secrets (the check below is not vacuous)', () => {
    const hive = h.sim.model.sources.get(HIVE_ID)!;
    expect(JSON.stringify(hive.config)).toContain(SECRETS.hiveMetastorePassword);
    expect(JSON.stringify(h.sim.model.sources.get(LEGACY_ID)!.config)).toContain(
      SECRETS.legacyAccessKeySecret,
    );
    expect(JSON.stringify(h.sim.model.sources.get(BQ_ID)!.config)).toContain(SECRETS.bigqueryToken);
  });

  it('a full session: every read, writes through cards, a failing job, its diagnosis, the form', async () => {
    for (const text of READS) {
      const r = await run(text);
      expect(r.status, text).toBe(200);
      shown.push(r.body);
    }
    // Every button of the source pages, pressed.
    for (const text of [`source ${HIVE}`, 'source mc-legacy', 'source bq-analytics']) {
      const r = await run(text);
      for (const b of runButtons(r.body)) {
        const { reply, card } = await press(h, b.value);
        shown.push(reply ?? card);
        if (card) {
          const id = /"action_id":"mms_confirm","value":"([^"]+)"/.exec(JSON.stringify(card.blocks))?.[1];
          if (id) await h.slack.click('mms_cancel', id, { user: OPERATOR, message: card });
        }
      }
    }

    // Job 3 fails with secrets quoted in its task logs, the way a connection error might echo them.
    h.sim.failTask(
      { jobId: 3, table: 'order_items' },
      {
        phase: 'DATA',
        msg:
          `java.sql.SQLException: Could not open client transport for jdbc:hive2://10.0.3.20:10000 ` +
          `user=etl_reader password=${SECRETS.hiveJdbcPassword}; metastore password: ${SECRETS.hiveMetastorePassword}; ` +
          `endpoint owner ${SECRETS.hiveOwnerAccessKeyId}`,
        action: `insert overwrite table mc_sales.default.order_items select * from sales.order_items; -- token=${SECRETS.bigqueryToken}`,
      },
    );
    h.sim.runUntilIdle();
    const failed = await run(`tasks ${HIVE} --job 3 --status DATA_FAILED`);
    expect(textOf(failed.body)).toContain('order_items');
    const taskId = /`#(\d+)` \*sales\.order_items\*/.exec(textOf(failed.body))?.[1];
    expect(taskId, textOf(failed.body)).toBeDefined();
    for (const text of [
      `job ${HIVE} 3`,
      `diagnose ${HIVE} 3`,
      `diagnose ${HIVE} sales_orders_2025`,
      `diagnose ${HIVE} task:${taskId}`,
      `task ${HIVE} ${taskId}`,
      `logs ${HIVE} ${taskId}`,
    ]) {
      const r = await run(text);
      shown.push(r.body);
    }
    const logs = textOf((await run(`logs ${HIVE} ${taskId}`)).body);
    expect(logs).toContain('Could not open client transport');
    expect(logs).toContain('********');

    // The watcher notices the failure and posts it (with its diagnosis) in the channel.
    await h.bot.watcher.tick();

    // A BigQuery job that fails for a missing service-linked role, through card and Confirm.
    const { card, id } = await requestCard(h, 'migrate bq-analytics billing_export --name bq_billing');
    await confirm(h, card, id, OPERATOR2);
    h.sim.runUntilIdle();
    shown.push((await run('diagnose bq-analytics bq_billing')).body);
    shown.push((await run('jobs bq-analytics')).body);

    // A scan of the source whose last scan failed with an old key in its error.
    const scan = await requestCard(h, 'scan mc-legacy');
    await confirm(h, scan.card, scan.id, OPERATOR2);
    await h.bot.watcher.tick({ fast: true });

    // The migrate form of each source.
    for (const s of [HIVE, 'mc-legacy', 'bq-analytics']) await run(`migrate ${s}`);

    // Free-text forms the redaction already masks, in an MMS error, an internal error and a task log.
    h.sim.injectErrors({
      count: 1,
      status: 400,
      code: 'InvalidParameter',
      message: `bad config {"hive.jdbc.password":"${FREE_TEXT.plainJson}"} token: ${FREE_TEXT.tokenColon}`,
      actions: ['ListMmsJobs'],
    });
    shown.push((await run(`jobs ${HIVE}`)).body);
    expect(textOf(acks.at(-1) as object)).toContain('********');
    h.sim.injectErrors({
      count: 1,
      status: 500,
      code: 'InternalError',
      message: `internal failure for password=${FREE_TEXT.passwordEquals}; "secret":"${FREE_TEXT.quotedSecret}"`,
      actions: ['GetMmsJob'],
    });
    shown.push((await run(`job ${HIVE} 3`)).body);
    expect(textOf(acks.at(-1) as object)).toMatch(/internal error|went wrong|MMS/i);

    // Errors that echo request details.
    h.sim.injectErrors({
      count: 1,
      status: 400,
      code: 'InvalidParameter',
      message: `Invalid datasource config: mc.access.key=${SECRETS.legacyAccessKeySecret} id ${SECRETS.legacyAccessKeyId}`,
      actions: ['GetMmsDataSource'],
    });
    shown.push((await run(`source ${LEGACY_ID}`)).body);
    expect(textOf(acks.at(-1) as object)).toMatch(/rejected the request as invalid/);
    await run('audit 100');
  });

  it('no planted secret in any Slack call, response_url post, ack, log line or database file', () => {
    const forbidden = [
      ...PLANTED_SECRETS,
      ...Object.values(FREE_TEXT),
      h.sim.credentials.accessKeySecret,
      SIGNING_SECRET,
      'xoxb-test-token',
    ];
    const haystacks: Array<[string, string]> = [
      ...h.api.calls.map(
        (c, i) => [`Slack call #${i} ${c.method}`, JSON.stringify(c.args)] as [string, string],
      ),
      ...h.api.responses.map(
        (r, i) => [`response_url post #${i}`, JSON.stringify(r.body)] as [string, string],
      ),
      ...acks.map((a, i) => [`ack #${i}`, JSON.stringify(a)] as [string, string]),
      ...h.logs.map((l, i) => [`log line #${i}`, l] as [string, string]),
    ];
    expect(h.api.calls.length).toBeGreaterThan(20);
    expect(h.api.responses.length).toBeGreaterThan(5);
    expect(h.logs.length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const [where, text] of haystacks) {
      for (const s of forbidden) if (text.includes(s)) leaks.push(`${where}: ${s}`);
    }
    leaks.push(...databaseLeaks(h, forbidden));
    expect(leaks).toEqual([]);
    // And the watcher did post about the failed job.
    expect(h.api.messages(CHANNEL).some((m) => /order_items/.test(textOf(m)))).toBe(true);
  });
});

// Free-text forms: a secret word followed by whitespace, JSON-in-string with escaped quotes, an internal
// error that names a secret.
describe('free-text secret forms', () => {
  const PENDING = {
    secretWord: 'Zq9SecretWordValue-8841',
    escapedJson: 'Zq9EscapedJsonValue-8842',
    internal: 'Zq9InternalSecretValue-8843',
    accessKeySecret: 'Zq9AccessKeySecretValue-8844',
    credential: 'Zq9CredentialValue-8845',
  };
  let p: Harness;
  const seen: unknown[] = [];
  beforeAll(async () => {
    p = await startHarness();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('shown, logged and stored nowhere: task logs, MMS errors, internal errors, the database', async () => {
    p.sim.failTask(
      { jobId: 3, table: 'order_items' },
      {
        phase: 'DATA',
        msg: `connect failed: AK ******** secret ${PENDING.secretWord}; accessKeySecret ${PENDING.accessKeySecret}`,
        action: `set conf {\\"hive.jdbc.password\\":\\"${PENDING.escapedJson}\\"}; credential '${PENDING.credential}'`,
      },
    );
    p.sim.runUntilIdle();
    const list = `tasks ${HIVE} --job 3 --status DATA_FAILED`;
    const tasks = answerOf(p, await p.slack.command(list), list);
    const taskId = /`#(\d+)` \*sales\.order_items\*/.exec(textOf(tasks))?.[1];
    expect(taskId).toBeDefined();
    for (const text of [
      `logs ${HIVE} ${taskId}`,
      `task ${HIVE} ${taskId}`,
      `diagnose ${HIVE} task:${taskId}`,
    ])
      seen.push((await p.slack.command(text)).body);
    await p.bot.watcher.tick();
    p.sim.injectErrors({
      count: 1,
      status: 400,
      code: 'InvalidParameter',
      message: `bad datasource config "{\\"hive.jdbc.password\\":\\"${PENDING.escapedJson}\\"}"`,
      actions: ['ListMmsJobs'],
    });
    seen.push((await p.slack.command(`jobs ${HIVE}`)).body);
    p.sim.injectErrors({
      count: 1,
      status: 500,
      code: 'InternalError',
      message: `internal error while reading secret ${PENDING.internal}`,
      actions: ['GetMmsJob'],
    });
    seen.push((await p.slack.command(`job ${HIVE} 3`)).body);
    const haystacks = [
      ...p.api.calls.map((c) => JSON.stringify(c.args)),
      ...p.api.responses.map((r) => JSON.stringify(r.body)),
      ...seen.map((x) => JSON.stringify(x)),
      ...p.logs,
    ];
    const leaks = Object.values(PENDING).filter((v) => haystacks.some((x) => x.includes(v)));
    leaks.push(...databaseLeaks(p, Object.values(PENDING)));
    expect(leaks).toEqual([]);
  });
});
