// The demo world: four sources (a scanned Hive warehouse, a BigQuery project, an unscanned MaxCompute
// project, an unreachable Hive cluster), three jobs (DONE, FAILED, DOING) and a daily timer. History is
// produced by running the real lifecycle on a virtual clock in the past, so it is self-consistent.
import { configCatalog, configItem } from './config-items.js';
import { addSource, cols, daily, hourly, monthly } from './inventory.js';
import { submitJob } from './jobs.js';
import type { FailureRule, MmsModel } from './model.js';
import { SECRETS } from './secrets.js';
import { createScan } from './sources.js';
import { DAY, HOUR, MINUTE } from './time.js';
import { addTimerLog, createTimer, triggerTimer } from './timers.js';
import type { DbSpec, TableSpec } from './types.js';

const t = (name: string, numRows: number, partitions?: string[], columns?: string): TableSpec => ({
  name,
  numRows,
  ...(partitions ? { partitions } : {}),
  ...(columns ? { columns: cols(columns) } : {}),
});

const DAYS12 = daily('ds', '20241227', 12);

const HIVE_PROD_DBS: DbSpec[] = [
  {
    name: 'sales',
    dstProjectName: 'mc_sales',
    dstSchemaName: 'default',
    tables: [
      t(
        'customers',
        184220,
        undefined,
        'customer_id bigint, name string, email string, phone string, city string, country_code string, segment string, created_at timestamp',
      ),
      t(
        'products',
        12840,
        undefined,
        'product_id bigint, sku string, title string, category string, brand string, price decimal(18,2), is_active boolean',
      ),
      t('order_status_history', 5621980),
      t('payments', 1198420, daily('ds', '20241227', 12)),
      t('shipments', 1150233),
      t('returns', 48211),
      t('refunds', 39120),
      t('promotions', 412),
      t('coupons', 88120),
      t('carts', 2210480),
      t('cart_items', 6720113),
      t(
        'orders',
        1203331,
        DAYS12,
        'order_id bigint, customer_id bigint, store_id int, amount decimal(18,2), currency string, status string, channel string, created_at timestamp, updated_at timestamp',
      ),
      t(
        'order_items',
        3862210,
        DAYS12,
        'order_item_id bigint, order_id bigint, product_id bigint, quantity int, unit_price decimal(18,2), discount decimal(18,2)',
      ),
      t('invoices', 1189004),
      t('store_locations', 214),
      t('regions', 38),
      t('currency_rates', 9125),
      t('discounts', 1320),
      t('gift_cards', 22014),
      t('loyalty_points', 4410229),
      t('price_history', 780112),
      t('sales_daily_agg', 3650, DAYS12),
      t('sales_monthly_agg', 120),
      t('sales_targets', 480),
      t('vendor_contracts', 312),
    ],
  },
  {
    name: 'marketing',
    dstProjectName: 'mc_marketing',
    tables: [
      t('campaigns', 1240),
      t(
        'campaign_spend',
        88210,
        undefined,
        'spend_id bigint, campaign_id bigint, spend_date date, amount decimal(38,18), currency string, network string',
      ),
      t('ad_clicks', 20881233, daily('ds', '20241224', 14)),
      t('ad_impressions', 98112004, daily('ds', '20241224', 14)),
      t('ad_clicks_tmp', 120334),
      t('email_sends', 3401223),
      t('email_opens', 1120877),
      { ...t('web_logs', 44120981, hourly('dt', '20250105', 2)), type: 'EXTERNAL_TABLE' },
      t('utm_sources', 842),
      t('leads', 55120),
      t('lead_scores', 55120),
      t('segments', 96),
      t('segment_members', 1320044),
      t('ab_tests', 44),
      t('ab_test_results', 9120),
      t('social_mentions', 230117),
      t('newsletter_subscribers', 80231),
      t('landing_pages', 310),
      t('conversions', 412339),
      t('attribution_touchpoints', 2290113),
    ],
  },
  {
    name: 'finance',
    dstProjectName: 'mc_finance',
    tables: [
      t(
        'gl_entries',
        9120334,
        monthly('month', '202301', 24),
        'entry_id bigint, account_id bigint, cost_center string, debit decimal(18,2), credit decimal(18,2), posted_at timestamp',
      ),
      t('ledger_accounts', 1820),
      t('invoices_ar', 410223),
      t('invoices_ap', 389120),
      t('payments_in', 402118),
      t('payments_out', 377210),
      t('budgets', 2400),
      t('cost_centers', 180),
      t('fx_rates', 18250),
      t('tax_codes', 96),
      t('journal_lines', 14220918, monthly('month', '202301', 24)),
      t('bank_statements', 220114),
      t('expense_claims', 33120),
      t('fixed_assets', 4120),
      t('audit_trail', 52311209),
    ],
  },
  {
    name: 'hr',
    dstProjectName: 'mc_hr',
    tables: [
      t('employees', 4120),
      t('departments', 64),
      t('salaries', 49220),
      t('payroll_runs', 1440),
      t('timesheets', 880112, monthly('month', '202301', 24)),
      t('job_postings', 320),
      t('applicants', 12011),
      t('performance_reviews', 8120),
    ],
  },
  {
    name: 'logistics',
    dstProjectName: 'mc_logistics',
    tables: [
      t('warehouses', 42),
      t('inventory_levels', 1120334, daily('ds', '20241227', 12)),
      t('carriers', 18),
      t('carrier_tracking', 3320114),
      t('routes', 1204),
      t('delivery_slots', 22014, daily('ds', '20250101', 7)),
      t('fleet_vehicles', 310),
    ],
  },
];

const BQ_DBS: DbSpec[] = [
  {
    name: 'analytics',
    dstProjectName: 'mc_analytics',
    tables: [
      t('sessions', 8120334, daily('event_date', '20250101', 7)),
      t('events_raw', 120443102, daily('event_date', '20241225', 14)),
      t('page_views', 30221884, daily('event_date', '20241225', 14)),
      t('users', 1220334),
      t('funnels', 120),
      t('retention_cohorts', 2400),
      t('experiments', 32),
      t('user_properties', 1220334),
    ],
  },
  {
    name: 'billing_export',
    dstProjectName: 'mc_analytics',
    tables: [
      t('gcp_billing_export_v1', 2201334, daily('usage_date', '20250101', 7)),
      t('pricing', 4200),
      t('budget_alerts', 88),
    ],
  },
];

const LEGACY_DBS: DbSpec[] = [
  {
    name: 'legacy_dw',
    dstProjectName: 'mc_dw_new',
    tables: [
      t('dim_user', 2201334),
      t('dim_item', 88120),
      t('fact_trade', 40220118, daily('pt', '20250101', 10)),
      t('ods_app_log', 220118334, daily('pt', '20250101', 10)),
      t('dws_user_day', 12110223, daily('pt', '20250101', 10)),
    ],
  },
  {
    name: 'legacy_ads',
    dstProjectName: 'mc_dw_new',
    tables: [t('ads_report_day', 33120, daily('pt', '20250101', 10)), t('ads_user_tags', 2220114)],
  },
];

/** Demo failures: the first attempt of a matching task fails, so a retry shows the fix working. */
const RULES: Array<Omit<FailureRule, 'sourceId'> & { source: string }> = [
  { source: 'hive-prod', db: 'sales', table: 'orders', kind: 'countMismatch' },
  { source: 'hive-prod', db: 'finance', table: 'gl_entries', kind: 'accessDenied' },
  { source: 'hive-prod', db: 'marketing', table: 'campaign_spend', kind: 'typeMismatch' },
  { source: 'hive-prod', db: 'marketing', table: 'ad_clicks_tmp', kind: 'tableNotFound' },
  { source: 'hive-prod', db: 'hr', kind: 'quotaNotBound' },
  { source: 'hive-prod', db: 'logistics', table: 'carrier_tracking', kind: 'connectionRefused' },
  { source: 'bq-analytics', db: 'billing_export', kind: 'serviceLinkedRole' },
];

function addDemoSources(m: MmsModel, region: string): [number, number, number, number] {
  const hiveProd = addSource(m, {
    name: 'hive-prod',
    type: 'HIVE',
    networklink: `vpc-bp1x9k2m4n6p8q0r2s4t:${region}`,
    dstProject: 'mc_sales',
    dbs: HIVE_PROD_DBS,
    config: [
      ...(configCatalog('HIVE', 'en_US', {
        'hive.metastore.url': 'thrift://10.0.3.17:9083,thrift://10.0.3.18:9083',
        'hive.metastore.auth.type': 'LDAP',
        'hive.metastore.user': 'mms_reader',
        'hive.metastore.password': SECRETS.hiveMetastorePassword,
        'kerberos.principal': '',
        'kerberos.keytab.path': '',
        'hive.auth.ldap.user': 'uid=mms,ou=svc,dc=corp,dc=example',
        'hive.auth.ldap.password': SECRETS.hiveLdapPassword,
        'hive.jdbc.url': 'jdbc:hive2://10.0.3.20:10000/default',
        'hive.jdbc.properties': JSON.stringify({
          user: 'etl_reader',
          password: SECRETS.hiveJdbcPassword,
          ssl: true,
        }),
        'mc.default.project': 'mc_sales',
        'mc.endpoint': `http://service.${region}.maxcompute.aliyun-inc.com/api`,
        'mc.endpoint.owner': SECRETS.hiveOwnerAccessKeyId,
        'metadata.refresh.schedule': '0 0 1 * * ?',
      }) ?? []),
    ],
  });

  const bq = addSource(m, {
    name: 'bq-analytics',
    type: 'BIGQUERY',
    networklink: `vpc-bp1q7w3e5r7t9y1u3i5o:${region}`,
    dstProject: 'mc_analytics',
    dbs: BQ_DBS,
    config: [
      ...(configCatalog('BIGQUERY', 'en_US', {
        'bigquery.project.id': 'acme-analytics-prod',
        'bigquery.token': SECRETS.bigqueryToken,
        client_email: 'mms-reader@acme-analytics-prod.iam.gserviceaccount.com',
        private_key_id: SECRETS.bigqueryPrivateKeyId,
        'gcs.staging.bucket': 'gs://acme-mms-staging',
        'mc.default.project': 'mc_analytics',
      }) ?? []),
    ],
  });

  const legacy = addSource(m, {
    name: 'mc-legacy',
    type: 'MAXCOMPUTE',
    networklink: `vpc-bp1m2n3b4v5c6x7z8l9k:${region}`,
    dstProject: 'mc_dw_new',
    scanned: false,
    dbs: LEGACY_DBS,
    config: [
      ...(configCatalog('MAXCOMPUTE', 'en_US', {
        'mc.src.endpoint': `http://service.${region}.maxcompute.aliyun.com/api`,
        'mc.src.project': 'legacy_dw',
        'mc.access.id': SECRETS.legacyAccessKeyId,
        'mc.access.key': SECRETS.legacyAccessKeySecret,
        'mc.default.project': 'mc_dw_new',
      }) ?? []),
      configItem('mc.src.region', region),
    ],
  });

  const staging = addSource(m, {
    name: 'hive-staging',
    type: 'HIVE',
    networklink: `vpc-bp1s8d7f6g5h4j3k2l1a:${region}`,
    dstProject: 'mc_staging',
    scanned: false,
    agentIsOnline: false,
    errMsg:
      'MMS agent offline since the last heartbeat; Could not connect to metastore thrift://10.8.1.5:9083',
    failScan:
      'java.net.ConnectException: Connection refused (Connection refused); ' +
      'Could not connect to metastore using any of the URIs provided: thrift://10.8.1.5:9083',
    dbs: [{ name: 'staging', tables: [t('stg_orders', 12000), t('stg_customers', 3000)] }],
  });
  return [hiveProd, bq, legacy, staging];
}

/** The last time of day `offset` (UTC+8) at or before `t`. */
function dailyRunBefore(t: number, offset: number): number {
  const utc8 = 8 * HOUR;
  const run = Math.floor((t + utc8) / DAY) * DAY - utc8 + offset;
  return run <= t ? run : run - DAY;
}

export function seedDemo(m: MmsModel): void {
  const now = m.now();

  // Sources were registered weeks ago.
  const [hiveProd, bq, legacy, staging] = m.atTime(now - 40 * DAY, 0, () => addDemoSources(m, m.regionId));
  const ids: Record<string, number> = { 'hive-prod': hiveProd, 'bq-analytics': bq };
  for (const { source, ...rule } of RULES) m.failureRules.push({ ...rule, sourceId: ids[source] ?? 0 });

  // Scan history, three days ago: both scanned sources done; mc-legacy failed with a rotated key.
  m.atTime(now - 3 * DAY, 40_000, () => {
    createScan(m, m.source(hiveProd));
    createScan(m, m.source(bq));
    const legacySource = m.source(legacy);
    legacySource.failScan =
      `ODPS-0410051: Invalid credentials - accessKeyId not found: ${SECRETS.legacyOldAccessKeyId} ` +
      `(endpoint http://service.${m.regionId}.maxcompute.aliyun.com/api, project legacy_dw)`;
    createScan(m, legacySource);
    createScan(m, m.source(staging));
    m.runUntilIdle(20);
    legacySource.failScan = null; // the key has been fixed since; the next scan succeeds
  });

  // A daily incremental timer; yesterday's run (job 1) is DONE, the run before that was skipped.
  const timer = m.atTime(now - 30 * DAY, MINUTE, () =>
    createTimer(
      m,
      hiveProd,
      {
        name: 'sales_daily_incr',
        srcDbName: 'sales',
        tables: ['order_items', 'customers'],
        partitionFilters: { order_items: "ds >= '20250101'" },
        enableVerification: true,
      },
      'Daily',
      '02:30',
    ),
  );
  const yesterdayRun = dailyRunBefore(now - DAY, 2 * HOUR + 30 * MINUTE);
  m.atTime(yesterdayRun - DAY, MINUTE, () =>
    addTimerLog(
      m,
      timer,
      'FAILED',
      'SCHEDULE',
      'skipped: scheduled metadata refresh of hive-prod had not finished',
    ),
  );
  m.atTime(yesterdayRun, 45_000, () => {
    triggerTimer(m, timer, 'SCHEDULE');
    m.runUntilIdle(200);
  });

  // Job 2: finance, whole db minus audit_trail; gl_entries hits Access Denied, so the job FAILED.
  m.atTime(now - 5 * HOUR, 45_000, () => {
    submitJob(m, hiveProd, {
      name: 'finance_nightly',
      srcDbName: 'finance',
      tableBlackList: ['audit_trail'],
      enableVerification: true,
    });
    m.runUntilIdle(500);
  });

  // Job 3: running now; orders will fail verification when it gets there.
  m.atTime(now - 40 * MINUTE, MINUTE, () => {
    submitJob(m, hiveProd, {
      name: 'sales_orders_2025',
      srcDbName: 'sales',
      tables: ['orders', 'order_items'],
    });
    m.step(6);
  });
}
