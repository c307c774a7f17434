import { describe, expect, it } from 'vitest';
import {
  CATEGORY_LABELS,
  DEFAULT_RULES,
  type Diagnosis,
  type DiagnosisCategory,
  type DiagnosisRule,
  diagnoseTask,
  evidenceLine,
  matchRule,
  parseCounts,
  renderTemplate,
  summarizeDiagnoses,
  verificationFromLogs,
} from '../../src/diagnosis/diagnose.js';
import type { Task, TaskLog } from '../../src/mms/schemas.js';
import { CORPUS } from '../fixtures/failures/corpus.js';
import {
  CTX,
  dataFails,
  dataOk,
  entry,
  noise,
  orderTask,
  SQL,
  schemaFails,
  schemaOk,
  verificationFails,
} from '../watch/fixtures/logs.js';

const RETRY = '/mms retry-task hive-prod 7680';
const DATASOURCE = 'https://maxcompute.console.aliyun.com/cn-hangzhou/mma/datasource';

interface Case {
  name: string;
  status: string;
  logs: () => TaskLog[];
  category: DiagnosisCategory;
  rule: string;
  phase?: string | null;
  fix?: string[];
  cause?: string[];
  command?: string;
  link?: string;
}

const ODPS_DENIED_SCHEMA =
  "ODPS-0420095: Access Denied - Authorization Failed [4019], You have NO privilege 'odps:CreateTable' on " +
  '{acs:odps:*:projects/mc_sales}. Context ID:6d1bd4e0-5c1a-4b0a-9d6e-0f6c1b2a3d4e.\t--->Tips: ' +
  "Pricipal:RAM$1234567890123456:role/aliyunserviceroleformaxcomputemms; You don't exist in project mc_sales";

const cases: Case[] = [
  // ---- permission-target ----
  {
    name: 'Access Denied creating the target table (ODPS-0420095, account id in the message)',
    status: 'SCHEMA_FAILED',
    logs: () => schemaFails(ODPS_DENIED_SCHEMA),
    category: 'permission-target',
    rule: 'target-project-denied',
    phase: 'SCHEMA',
    cause: ['mc_sales', 'odps:CreateTable', 'schema phase'],
    fix: [
      'ADD USER RAM$1234567890123456:role/AliyunServiceRoleForMaxComputeMMS;',
      'GRANT admin TO USER RAM$1234567890123456:role/AliyunServiceRoleForMaxComputeMMS;',
      RETRY,
    ],
    command: RETRY,
  },
  {
    name: 'Access Denied creating the target schema',
    status: 'SCHEMA_FAILED',
    logs: () => [
      entry(
        'SCHEMA_FAILED',
        SQL.createSchema,
        'FAILED: ODPS-0420095: Access Denied - Authorization Failed [4002]',
      ),
    ],
    category: 'permission-target',
    rule: 'target-project-denied',
    fix: ['ADD USER RAM$<accountId>:role/AliyunServiceRoleForMaxComputeMMS;', 'GRANT admin TO USER'],
  },
  {
    name: 'Authorization Failed on the insert, error in the DATA_DOING entry before a generic DATA_FAILED',
    status: 'DATA_FAILED',
    logs: () => [
      ...schemaOk(),
      entry(
        'DATA_DOING',
        SQL.insert,
        "odps error: Authorization Failed [4019], You have NO privilege 'odps:Update' on " +
          '{acs:odps:*:projects/mc_sales/tables/orders}',
      ),
      entry('DATA_FAILED', 'migrate data', 'task failed, see previous logs'),
    ],
    category: 'permission-target',
    rule: 'target-project-denied',
    phase: 'DATA',
    cause: ['odps:Update', 'data phase'],
    fix: ['RAM$<accountId>', RETRY],
  },
  {
    name: 'lower-case "no privilege"',
    status: 'DATA_FAILED',
    logs: () => dataFails('you have no privilege to write table mc_sales.default.orders'),
    category: 'permission-target',
    rule: 'target-project-denied',
  },
  // ---- service-linked-role ----
  {
    name: 'ServiceLinkedRole not found (with Access Denied in the same message)',
    status: 'SCHEMA_FAILED',
    logs: () =>
      schemaFails(
        'Access Denied: ServiceLinkedRole not found: AliyunServiceRoleForMaxComputeMMS, please create it first',
      ),
    category: 'service-linked-role',
    rule: 'service-linked-role-missing',
    fix: ['AliyunServiceRoleForMaxComputeMMS', 'AliyunRAMFullAccess', 'add data source', RETRY],
    link: DATASOURCE,
  },
  {
    name: 'EntityNotExist.Role',
    status: 'SCHEMA_FAILED',
    logs: () =>
      schemaFails('ErrorCode: EntityNotExist.Role, The role not exists: acs:ram::1234567890123456:role/x'),
    category: 'service-linked-role',
    rule: 'service-linked-role-missing',
  },
  // ---- permission-ram ----
  {
    name: 'Forbidden.RAM',
    status: 'DATA_FAILED',
    logs: () =>
      dataFails(
        'ErrorCode=Forbidden.RAM, ErrorMessage=User not authorized to operate on the specified resource. ' +
          'action: odps:GetMmsTask',
      ),
    category: 'permission-ram',
    rule: 'ram-policy-denied',
    cause: ['odps:GetMmsTask'],
    fix: ['AliyunMaxComputeFullAccess', '/mms setup'],
    command: '/mms setup',
  },
  {
    name: 'NoPermission',
    status: 'SCHEMA_FAILED',
    logs: () => schemaFails('code: NoPermission, message: You are not authorized to do this action.'),
    category: 'permission-ram',
    rule: 'ram-policy-denied',
  },
  // ---- source-connectivity ----
  {
    name: 'connection refused',
    status: 'DATA_FAILED',
    logs: () => dataFails('java.net.ConnectException: Connection refused (Connection refused)'),
    category: 'source-connectivity',
    rule: 'source-unreachable',
    fix: ['hive-prod', 'console', RETRY],
    link: DATASOURCE,
  },
  {
    name: 'could not connect to the metastore (timeout)',
    status: 'SCHEMA_FAILED',
    logs: () =>
      schemaFails(
        'MetaException(message:Could not connect to meta store using any of the URIs provided. Most recent ' +
          'failure: org.apache.thrift.transport.TTransportException: java.net.SocketTimeoutException: connect timed out)',
        'get table sales.orders',
      ),
    category: 'source-connectivity',
    rule: 'source-unreachable',
    link: DATASOURCE,
  },
  {
    name: 'unknown host',
    status: 'DATA_FAILED',
    logs: () =>
      dataFails('java.net.UnknownHostException: emr-header-1.cluster-284712: Name or service not known'),
    category: 'source-connectivity',
    rule: 'source-unreachable',
  },
  {
    name: 'authentication failed at the source',
    status: 'SCHEMA_FAILED',
    logs: () =>
      schemaFails('Authentication failed: invalid username or password', 'connect hive://10.0.3.4:10000'),
    category: 'credentials',
    rule: 'source-auth-failed',
    fix: ['credentials of data source hive-prod'],
  },
  {
    name: "metastore's MySQL: Access denied for user (a source login, not the target)",
    status: 'SCHEMA_FAILED',
    logs: () =>
      schemaFails("java.sql.SQLException: Access denied for user 'hive'@'10.0.3.17' (using password: YES)"),
    category: 'permission-source',
    rule: 'source-access-denied',
  },
  {
    name: 'HDFS permission denied',
    status: 'DATA_FAILED',
    logs: () =>
      dataFails(
        'org.apache.hadoop.security.AccessControlException: Permission denied: user=mma, access=READ_EXECUTE, ' +
          'inode="/user/hive/warehouse/sales.db/orders":hive:hadoop:drwx------',
      ),
    category: 'permission-source',
    rule: 'hdfs-permission-denied',
    cause: ['mma', 'READ_EXECUTE', '/user/hive/warehouse/sales.db/orders'],
  },
  {
    name: 'MaxCompute source project denies (the project is not the target)',
    status: 'DATA_FAILED',
    logs: () =>
      dataFails(
        "ODPS-0420095: Access Denied - Authorization Failed [4019], You have NO privilege 'odps:Select' on " +
          '{acs:odps:*:projects/old_sales/tables/orders}.',
      ),
    category: 'permission-source',
    rule: 'source-project-denied',
    cause: ['old_sales', 'odps:Select'],
  },
  {
    name: 'agent offline',
    status: 'DATA_FAILED',
    logs: () => dataFails('mma agent is offline, last heartbeat 2025-06-03 10:20:11'),
    category: 'source-connectivity',
    rule: 'source-agent-offline',
  },
  // ---- schema-mismatch ----
  {
    name: 'ODPS-0130071 semantic analysis, echoing `create table if not exists` (not a missing table)',
    status: 'SCHEMA_FAILED',
    logs: () =>
      schemaFails(
        `FAILED: ODPS-0130071:[1,1] Semantic analysis exception - while executing '${SQL.createTable}': ` +
          'column amount type decimal(38,18) does not match decimal(18,2)',
      ),
    category: 'schema-mismatch',
    rule: 'schema-mismatch',
    fix: ['mc_sales.default.orders', RETRY],
    link: DATASOURCE,
  },
  {
    name: 'column count mismatch',
    status: 'DATA_FAILED',
    logs: () =>
      dataFails('Column count mismatch: target table mc_sales.default.orders has 5 columns, source has 6'),
    category: 'schema-mismatch',
    rule: 'schema-mismatch',
  },
  {
    name: 'incompatible column type',
    status: 'DATA_FAILED',
    logs: () =>
      dataFails("Incompatible column types: 'created_at' is TIMESTAMP in source but STRING in target"),
    category: 'schema-mismatch',
    rule: 'schema-mismatch',
  },
  {
    name: 'unsupported type',
    status: 'SCHEMA_FAILED',
    logs: () => schemaFails('Unsupported type: UNIONTYPE<int,string> of column tags'),
    category: 'schema-mismatch',
    rule: 'schema-mismatch',
  },
  {
    name: 'a missing column in the target table (not a missing table)',
    status: 'DATA_FAILED',
    logs: () =>
      dataFails(
        'ODPS-0130071:[1,64] Semantic analysis exception - insert into table mc_sales.default.orders: ' +
          "column 'discount' cannot be resolved",
      ),
    category: 'schema-mismatch',
    rule: 'column-mismatch',
    fix: ['drop mc_sales.default.orders', RETRY],
  },
  {
    name: 'the target table is missing (names the target project)',
    status: 'DATA_FAILED',
    logs: () =>
      dataFails('ODPS-0130131:[1,24] Table not found - table mc_sales.default.orders cannot be resolved'),
    category: 'schema-mismatch',
    rule: 'target-table-missing',
    cause: ['mc_sales.default.orders'],
  },
  // ---- schema-layer ----
  {
    name: 'create schema fails: project without schema layer',
    status: 'SCHEMA_FAILED',
    logs: () =>
      schemaFails(
        'ODPS-0110061: Failed to run ddltask - project mc_sales does not support schema, ' +
          'set odps.namespace.schema=true first',
        SQL.createSchema,
      ),
    category: 'schema-layer',
    rule: 'target-schema-missing',
    cause: ['mc_sales.default'],
    fix: ['mapping', 'console'],
    link: DATASOURCE,
  },
  {
    name: 'schema does not exist',
    status: 'SCHEMA_FAILED',
    logs: () => schemaFails("ODPS-0110061: Failed to run ddltask - Schema 'mc_sales.ods' does not exist"),
    category: 'schema-layer',
    rule: 'target-schema-missing',
  },
  {
    name: 'create schema fails with another error',
    status: 'SCHEMA_FAILED',
    logs: () =>
      schemaFails('ODPS-0110061: Failed to run ddltask - Internal system failure', SQL.createSchema),
    category: 'schema-layer',
    rule: 'create-schema-failed',
  },
  // ---- table-missing ----
  {
    name: 'Hive NoSuchObjectException',
    status: 'SCHEMA_FAILED',
    logs: () =>
      schemaFails(
        'NoSuchObjectException(message:sales.orders table not found)',
        'get table schema sales.orders',
      ),
    category: 'table-missing',
    rule: 'source-table-missing',
    fix: ['/mms scan hive-prod', RETRY],
    command: '/mms scan hive-prod',
  },
  {
    name: 'partition dropped during migration',
    status: 'DATA_FAILED',
    logs: () =>
      dataFails(
        'java.io.FileNotFoundException: File does not exist: ' +
          'hdfs://emr-cluster/user/hive/warehouse/sales.db/orders/ds=20250103/000000_0',
      ),
    category: 'table-missing',
    rule: 'source-table-missing',
  },
  {
    name: 'Hive SemanticException table not found',
    status: 'DATA_FAILED',
    logs: () => dataFails("FAILED: SemanticException [Error 10001]: Line 1:14 Table not found 'orders'"),
    category: 'table-missing',
    rule: 'source-table-missing',
  },
  // ---- partition-filter-empty ----
  {
    name: 'no partition matched',
    status: 'DATA_FAILED',
    logs: () => dataFails("no partition matched the partition filter: ds >= '20990101'"),
    category: 'partition-filter-empty',
    rule: 'partition-filter-empty',
    fix: [
      '/mms partitions hive-prod sales.orders',
      '--partitions',
      '/mms migrate hive-prod sales --tables orders',
    ],
    command: '/mms partitions hive-prod sales.orders',
  },
  {
    name: 'filter matched 0 partitions',
    status: 'DATA_FAILED',
    logs: () => dataFails("partition filter ds >= '20990101' matched 0 partitions"),
    category: 'partition-filter-empty',
    rule: 'partition-filter-empty',
  },
  {
    name: '0 partitions to migrate',
    status: 'DATA_FAILED',
    logs: () => dataFails('0 partitions to migrate for sales.orders'),
    category: 'partition-filter-empty',
    rule: 'partition-filter-empty',
  },
  // ---- quota ----
  {
    name: 'quota not bound',
    status: 'DATA_FAILED',
    logs: () => dataFails('ODPS-0130111: Quota not bound to project mc_sales'),
    category: 'quota',
    rule: 'quota-unavailable',
    fix: ['Bind a compute quota to mc_sales', RETRY],
  },
  {
    name: 'project not bound to any quota',
    status: 'DATA_FAILED',
    logs: () => dataFails('project mc_sales is not bound to any quota group'),
    category: 'quota',
    rule: 'quota-unavailable',
  },
  {
    name: 'resource insufficient',
    status: 'DATA_FAILED',
    logs: () => dataFails('Job submit failed: resource insufficient, please retry later'),
    category: 'quota',
    rule: 'quota-unavailable',
  },
  {
    name: 'no quota',
    status: 'DATA_FAILED',
    logs: () => dataFails('No available quota for project mc_sales in region cn-hangzhou'),
    category: 'quota',
    rule: 'quota-unavailable',
  },
  // ---- verification-mismatch ----
  {
    name: 'verification counts differ (MMS.md §8 wording)',
    status: 'VERIFICATION_FAILED',
    logs: () => verificationFails('source count 1203331, destination count 1203117'),
    category: 'verification-mismatch',
    rule: 'verification-count-mismatch',
    phase: 'VERIFICATION',
    cause: ['1,203,331', '1,203,117', '214 rows fewer in the target'],
    fix: ['Stop writes to sales.orders', RETRY],
    command: RETRY,
  },
  {
    name: 'verification failed without counts',
    status: 'VERIFICATION_FAILED',
    logs: () => verificationFails('verification failed: row count not equal'),
    category: 'verification-mismatch',
    rule: 'verification-failed',
  },
];

describe('diagnoseTask: one rule per realistic log', () => {
  it.each(cases)('$name → $category', (c) => {
    const task = orderTask(c.status);
    const logs = c.logs();
    const d = diagnoseTask(task, logs, CTX);
    expect(matchRule(task, logs)?.rule.id).toBe(c.rule);
    expect(d.category).toBe(c.category);
    expect(d.taskId).toBe(7680);
    expect(d.table).toBe('sales.orders');
    if (c.phase !== undefined) expect(d.phase).toBe(c.phase);
    for (const s of c.cause ?? []) expect(d.cause).toContain(s);
    for (const s of c.fix ?? []) expect(d.fix).toContain(s);
    if (c.command !== undefined) expect(d.command).toBe(c.command);
    if (c.link !== undefined) expect(d.link).toBe(c.link);
    expect(d.cause).not.toMatch(/\{\w+\}|\[\[|\]\]/);
    expect(d.fix).not.toMatch(/\{\w+\}|\[\[|\]\]/);
    expect(d.evidence.length).toBeGreaterThan(0);
    expect(d.evidence.length).toBeLessThanOrEqual(5);
    expect(d.evidence.at(-1)).toMatch(/^\[[A-Z_]+\] /);
  });

  it('these cases and the failure corpus together cover every category', () => {
    for (const c of cases) expect(Object.keys(CATEGORY_LABELS)).toContain(c.category);
    const covered = new Set([...cases.map((c) => c.category), ...CORPUS.map((c) => c.expect.category)]);
    covered.add('verification-error'); // see 'a count that failed (-1) is not a mismatch'
    expect([...covered].sort()).toEqual(Object.keys(CATEGORY_LABELS).sort());
  });
});

describe('verification counts', () => {
  const variants: [string, string, { source: number; destination: number }][] = [
    [
      '§8 wording',
      'source count 1203331, destination count 1203117',
      { source: 1203331, destination: 1203117 },
    ],
    [
      'src/dst with colons',
      'src count: 1203331, dst count: 1203117',
      { source: 1203331, destination: 1203117 },
    ],
    [
      'count mismatch: a vs b',
      'count mismatch: 1203331 vs 1203117',
      { source: 1203331, destination: 1203117 },
    ],
    ['JSON', '{"srcCount":1203331,"dstCount":1203117}', { source: 1203331, destination: 1203117 }],
    [
      'JSON with strings',
      '{"srcCount":"1203331","dstCount":"1203117"}',
      { source: 1203331, destination: 1203117 },
    ],
    [
      'thousands separators, target wording',
      'Row count check failed: source rows: 1,203,331; target rows: 1,203,117',
      { source: 1203331, destination: 1203117 },
    ],
    ['dst more than src', 'source count 10, destination count 12', { source: 10, destination: 12 }],
  ];

  it.each(variants)('%s', (_name, msg, expected) => {
    expect(parseCounts(msg)).toEqual(expected);
    const d = diagnoseTask(orderTask('VERIFICATION_FAILED'), verificationFails(msg), CTX);
    expect(d.category).toBe('verification-mismatch');
    expect(d.verification).toEqual(expected);
    const diff = Math.abs(expected.source - expected.destination).toLocaleString('en-US');
    expect(d.cause).toContain(diff);
    expect(d.cause).toContain(expected.destination < expected.source ? 'fewer in the target' : 'more rows');
  });

  it('ignores messages without both counts, and ids that are not counts', () => {
    for (const msg of ['ok', 'source count 5', 'sourceId: 2000015, target: mc_sales', '', 'task 7680 done']) {
      expect(parseCounts(msg)).toBeNull();
    }
    expect(parseCounts(null)).toBeNull();
  });

  it('reads counts from a passed task (VERIFICATION_DONE)', () => {
    const logs = [
      ...dataOk(),
      entry('VERIFICATION_DOING', SQL.countSource, 'ok'),
      entry('VERIFICATION_DONE', SQL.countSource, 'source count 1203331, destination count 1203331'),
      entry('DONE', 'finish', 'success'),
    ];
    expect(verificationFromLogs(logs)).toEqual({ source: 1203331, destination: 1203331 });
    expect(verificationFromLogs(dataOk())).toBeNull();
    expect(verificationFromLogs([])).toBeNull();
    expect(verificationFromLogs(null)).toBeNull();
  });

  it('pairs two bare count(*) results, telling the target by its project', () => {
    const logs = [
      ...dataOk(),
      entry('VERIFICATION_DOING', SQL.countTarget, '1203117'),
      entry('VERIFICATION_DOING', SQL.countSource, '1203331'),
      entry('VERIFICATION_FAILED', 'verify', 'count check failed'),
    ];
    expect(verificationFromLogs(logs, orderTask('VERIFICATION_FAILED'))).toEqual({
      source: 1203331,
      destination: 1203117,
    });
    const d = diagnoseTask(orderTask('VERIFICATION_FAILED'), logs, CTX);
    expect(d.category).toBe('verification-mismatch');
    expect(d.verification).toEqual({ source: 1203331, destination: 1203117 });
  });

  it('takes the newest counts when a task was verified twice', () => {
    const logs = [
      entry('VERIFICATION_FAILED', SQL.countSource, 'source count 100, destination count 90'),
      entry('VERIFICATION_FAILED', SQL.countSource, 'source count 120, destination count 118'),
    ];
    expect(verificationFromLogs(logs)).toEqual({ source: 120, destination: 118 });
  });

  it('equal counts at VERIFICATION_FAILED are not called a mismatch', () => {
    const d = diagnoseTask(
      orderTask('VERIFICATION_FAILED'),
      verificationFails('source count 5, destination count 5; checksum failed'),
      CTX,
    );
    expect(d.verification).toEqual({ source: 5, destination: 5 });
    expect(d.category).toBe('unknown');
    expect(
      matchRule(orderTask('VERIFICATION_FAILED'), verificationFails('source count 5, destination count 5')),
    ).toBe(null);
  });
});

describe('unknown fallback', () => {
  it('names the failing phase, points to /mms logs and carries the decisive lines', () => {
    const logs = [
      ...schemaOk(),
      entry('DATA_DOING', SQL.insert, 'ok'),
      entry('DATA_DOING', 'copy partition ds=20250102', 'java.lang.IllegalStateException: writer closed'),
      entry(
        'DATA_FAILED',
        SQL.insert,
        'java.lang.NullPointerException\n\tat com.aliyun.odps.mma.Foo.bar(Foo.java:12)',
      ),
    ];
    const d = diagnoseTask(orderTask('DATA_FAILED'), logs, CTX);
    expect(d.category).toBe('unknown');
    expect(d.phase).toBe('DATA');
    expect(d.cause).toContain('data phase');
    expect(d.fix).toContain('/mms logs hive-prod 7680');
    expect(d.command).toBe('/mms logs hive-prod 7680');
    expect(d.evidence).toHaveLength(2);
    expect(d.evidence[0]).toBe(
      '[DATA_DOING] copy partition ds=20250102 → java.lang.IllegalStateException: writer closed',
    );
    expect(d.evidence[1]).toMatch(
      /^\[DATA_FAILED\] insert overwrite table .*… → java\.lang\.NullPointerException at com/,
    );
  });

  it('empty logs', () => {
    const d = diagnoseTask(orderTask('SCHEMA_FAILED'), [], CTX);
    expect(d).toMatchObject({ category: 'unknown', phase: 'SCHEMA', evidence: [], taskId: 7680 });
    expect(d.cause).toContain('no logs');
    expect(d.verification).toBeUndefined();
  });

  it('a stuck task with no error in its logs', () => {
    const logs = [...schemaOk(), entry('DATA_DOING', SQL.insert, 'running')];
    const d = diagnoseTask(orderTask('DATA_DOING', { running: true }), logs, CTX);
    expect(d.category).toBe('unknown');
    expect(d.phase).toBe('DATA');
    expect(d.cause).toContain('DATA_DOING');
    expect(d.fix).toContain('/mms source hive-prod');
    expect(d.link).toBe(DATASOURCE);
    expect(d.evidence.length).toBeGreaterThan(0);
  });

  it('a stuck task retrying a connection is diagnosed', () => {
    const logs = [
      ...schemaOk(),
      entry('DATA_DOING', SQL.insert, 'java.net.ConnectException: Connection refused, retrying (3/10)'),
      entry('DATA_DOING', SQL.insert, 'waiting'),
    ];
    expect(diagnoseTask(orderTask('DATA_DOING'), logs, CTX).category).toBe('source-connectivity');
  });
});

describe('odd input never throws', () => {
  it('null fields, non-objects, unknown statuses', () => {
    const logs = [
      { id: null, taskId: null, status: null, action: null, msg: null, createTime: null },
      null,
      42,
      'text',
      { status: 'WEIRD', action: { sql: 'x' }, msg: ['a'] },
      { status: 'DATA_FAILED', action: null, msg: null },
      {},
    ] as unknown as TaskLog[];
    const d = diagnoseTask(orderTask('DATA_FAILED'), logs, CTX);
    expect(d.category).toBe('unknown');
    expect(d.evidence).toContain('[DATA_FAILED] (empty)');
  });

  it('a task with no names, and nothing at all', () => {
    const bare = { id: 5 } as Task;
    const d = diagnoseTask(bare, dataFails('Access Denied'), { region: 'cn-shanghai', source: 'my source' });
    expect(d.category).toBe('permission-target');
    expect(d.table).toBe('task 5');
    expect(d.command).toBe('/mms retry-task "my source" 5');
    expect(d.cause).toContain('<dstProject>');

    const worst = diagnoseTask(
      null as unknown as Task,
      undefined as unknown as TaskLog[],
      null as unknown as { region: string; source: string },
    );
    expect(worst.category).toBe('unknown');
    expect(worst.evidence).toEqual([]);
  });

  it('a custom rule that throws is skipped', () => {
    const boom: DiagnosisRule = {
      id: 'boom',
      category: 'quota',
      when: () => {
        throw new Error('bad rule');
      },
      cause: 'x',
      fix: 'y',
    };
    const d = diagnoseTask(orderTask('DATA_FAILED'), dataFails('Connection refused'), CTX, [
      boom,
      ...DEFAULT_RULES,
    ]);
    expect(d.category).toBe('source-connectivity');
  });
});

describe('large logs', () => {
  it('20k entries (~1 MB) with the failure at the end, in well under a second', () => {
    const logs = [
      ...schemaOk(),
      ...noise(20_000, 50),
      entry('DATA_FAILED', SQL.insert, 'ODPS-0420095: Access Denied - Authorization Failed [4019]'),
    ];
    const bytes = logs.reduce((n, e) => n + (e.msg?.length ?? 0) + (e.action?.length ?? 0), 0);
    expect(bytes).toBeGreaterThan(1_000_000);
    const t0 = performance.now();
    const d = diagnoseTask(orderTask('DATA_FAILED'), logs, CTX);
    const ms = performance.now() - t0;
    expect(d.category).toBe('permission-target');
    expect(ms).toBeLessThan(500);
  });

  it('a 1 MB stack trace in one message', () => {
    const trace =
      'java.lang.RuntimeException: boom\n' + '\tat com.example.Foo.bar(Foo.java:1)\n'.repeat(30_000);
    const logs = [
      ...schemaOk(),
      entry(
        'DATA_FAILED',
        SQL.insert,
        trace + 'Caused by: java.net.SocketTimeoutException: connect timed out',
      ),
    ];
    const t0 = performance.now();
    const d = diagnoseTask(orderTask('DATA_FAILED'), logs, CTX);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(d.category).toBe('source-connectivity');
    expect(d.evidence[0]!.length).toBeLessThanOrEqual(300);
  });

  it('a stuck task whose error lies in the middle of 20k entries, no match anywhere: fast', () => {
    const logs = [
      ...noise(10_000, 50),
      entry('DATA_DOING', SQL.insert, 'quota exceeded for project mc_sales, waiting'),
      ...noise(10_000, 50),
    ];
    const t0 = performance.now();
    expect(diagnoseTask(orderTask('DATA_DOING'), logs, CTX).category).toBe('quota');
    const unknown = diagnoseTask(
      orderTask('DATA_FAILED'),
      [...noise(20_000, 50), entry('DATA_FAILED', 'x', 'y')],
      CTX,
    );
    expect(unknown.category).toBe('unknown');
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('which entry decides', () => {
  it('rule order: a ServiceLinkedRole message wins over Access Denied in the same message', () => {
    const logs = schemaFails('ODPS-0420095: Access Denied - ServiceLinkedRole not found');
    expect(diagnoseTask(orderTask('SCHEMA_FAILED'), logs, CTX).category).toBe('service-linked-role');
  });

  it('rule order: Access Denied naming the role as a project user is a grant problem, not a missing role', () => {
    const logs = schemaFails(
      'ODPS-0420095: Access Denied - user RAM$1234567890123456:role/AliyunServiceRoleForMaxComputeMMS ' +
        'does not exist in project mc_sales',
    );
    const d = diagnoseTask(orderTask('SCHEMA_FAILED'), logs, CTX);
    expect(d.category).toBe('permission-target');
    expect(d.fix).toContain('ADD USER RAM$1234567890123456:role/AliyunServiceRoleForMaxComputeMMS;');
  });

  it('the most specific rule wins, whatever the order of the table', () => {
    const logs = schemaFails('ODPS-0420095: Access Denied - ServiceLinkedRole not found');
    const reversed = [...DEFAULT_RULES].reverse();
    expect(diagnoseTask(orderTask('SCHEMA_FAILED'), logs, CTX, reversed).category).toBe(
      'service-linked-role',
    );
    // Without the role rule, the same message is a grant problem.
    const without = DEFAULT_RULES.filter((r) => r.id !== 'service-linked-role-missing');
    expect(diagnoseTask(orderTask('SCHEMA_FAILED'), logs, CTX, without).category).toBe('permission-target');
  });

  it('among rules equally specific, the first in the table wins', () => {
    const a: DiagnosisRule = { id: 'a', category: 'quota', msg: /boom/, cause: 'A.', fix: 'A.' };
    const b: DiagnosisRule = { id: 'b', category: 'memory', msg: /boom/, cause: 'B.', fix: 'B.' };
    const logs = dataFails('boom');
    expect(diagnoseTask(orderTask('DATA_FAILED'), logs, CTX, [a, b]).rule).toBe('a');
    expect(diagnoseTask(orderTask('DATA_FAILED'), logs, CTX, [b, a]).rule).toBe('b');
  });

  it('the newest attempt decides: an old Access Denied, then a retry that fails verification', () => {
    const logs = [
      ...schemaFails(ODPS_DENIED_SCHEMA),
      ...dataOk(),
      entry('VERIFICATION_FAILED', SQL.countSource, 'source count 1203331, destination count 1203117'),
    ];
    const d = diagnoseTask(orderTask('VERIFICATION_FAILED'), logs, CTX);
    expect(d.category).toBe('verification-mismatch');
    expect(d.evidence.at(-1)).toContain('source count 1203331');
  });

  it('entries of another phase (earlier attempts) do not explain a failure', () => {
    const logs = [
      ...verificationFails('source count 10, destination count 9'),
      entry('DATA_FAILED', SQL.insert, 'java.lang.IllegalStateException: writer closed'),
    ];
    const d = diagnoseTask(orderTask('DATA_FAILED'), logs, CTX);
    expect(d.category).toBe('unknown');
    expect(d.phase).toBe('DATA');
  });

  it('logs newest first are read the same way', () => {
    const logs = [
      ...schemaFails(ODPS_DENIED_SCHEMA),
      ...dataOk(),
      entry('VERIFICATION_FAILED', SQL.countSource, 'source count 1203331, destination count 1203117'),
    ];
    const d = diagnoseTask(orderTask('VERIFICATION_FAILED'), [...logs].reverse(), CTX);
    expect(d.category).toBe('verification-mismatch');
    expect(d.evidence.at(-1)).toContain('VERIFICATION_FAILED');
  });

  it('evidence: at most 5 lines, newest last, each short', () => {
    const logs = [
      ...schemaOk(),
      ...Array.from({ length: 8 }, (_, i) =>
        entry('DATA_DOING', `copy partition ds=2025010${i}`, `error ${i}: ${'y'.repeat(500)}`),
      ),
      entry('DATA_FAILED', SQL.insert, 'quota exceeded'),
    ];
    const d = diagnoseTask(orderTask('DATA_FAILED'), logs, CTX);
    expect(d.category).toBe('quota');
    expect(d.evidence).toHaveLength(5);
    expect(d.evidence.at(-1)).toMatch(/^\[DATA_FAILED\] .* → quota exceeded$/);
    for (const line of d.evidence) expect(line.length).toBeLessThanOrEqual(300);
    const order = d.evidence.slice(0, 4).map((l) => Number(/error (\d)/.exec(l)?.[1]));
    expect(order).toEqual([...order].sort());
  });
});

describe('custom rules', () => {
  const custom: DiagnosisRule = {
    id: 'tunnel-slot',
    category: 'quota',
    specificity: 95,
    phases: ['DATA'],
    msg: /TunnelSlotExhausted(?: on (?<tunnel>[\w-]+))?/i,
    cause: 'Tunnel slots of {dstProject} are exhausted[[ on {tunnel}]].',
    fix: 'Buy more tunnel slots for {dstProject} in {region} (job {job}), then retry with `/mms retry-task {source} {task}`.',
    command: '/mms retry-task {source} {task}',
    link: 'https://maxcompute.console.aliyun.com/{region}/tunnel',
  };

  it('a more specific custom rule wins, with captures and templates filled', () => {
    const logs = dataFails('TunnelSlotExhausted on shared-tunnel: resource insufficient');
    const d = diagnoseTask(orderTask('DATA_FAILED'), logs, CTX, [custom, ...DEFAULT_RULES]);
    expect(d).toMatchObject({
      category: 'quota',
      cause: 'Tunnel slots of mc_sales are exhausted on shared-tunnel.',
      fix: 'Buy more tunnel slots for mc_sales in cn-hangzhou (job sales_orders_2025), then retry with `/mms retry-task hive-prod 7680`.',
      command: RETRY,
      link: 'https://maxcompute.console.aliyun.com/cn-hangzhou/tunnel',
    });
    // With the default table only, the same message is the Tunnel quota rule.
    expect(matchRule(orderTask('DATA_FAILED'), logs)?.rule.id).toBe('tunnel-flow-exceeded');
  });

  it('optional segments drop out when their variable is missing; phases restrict', () => {
    const logs = dataFails('TunnelSlotExhausted');
    expect(diagnoseTask(orderTask('DATA_FAILED'), logs, CTX, [custom]).cause).toBe(
      'Tunnel slots of mc_sales are exhausted.',
    );
    const atSchema = schemaFails('TunnelSlotExhausted');
    expect(diagnoseTask(orderTask('SCHEMA_FAILED'), atSchema, CTX, [custom]).category).toBe('unknown');
  });

  it('a rule may test the action and the status, and `when` sees the task', () => {
    const rule: DiagnosisRule = {
      id: 'big-insert',
      category: 'schema-mismatch',
      status: /_FAILED$/,
      action: /insert\s+overwrite/i,
      when: ({ task }) => task.srcTableName === 'orders',
      cause: 'insert failed',
      fix: 'fix it',
    };
    expect(diagnoseTask(orderTask('DATA_FAILED'), dataFails('weird'), CTX, [rule]).cause).toBe(
      'insert failed',
    );
    const other = orderTask('DATA_FAILED', { srcTableName: 'items' });
    expect(diagnoseTask(other, dataFails('weird'), CTX, [rule]).category).toBe('unknown');
  });
});

describe('the default table', () => {
  it('has unique ids, valid categories, and templates that render fully', () => {
    const ids = DEFAULT_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const base = (
      'table db srcTable target dstProject dstSchema targetSchema dstTable partition source region job task ' +
      'status phase phaseText systemLabel srcCount dstCount diffText host appId path accountId'
    ).split(' ');
    /** Literal placeholders the reader fills in, shown as they are. */
    const literal = /<(?:filter|account|range|keytab|principal|db|path)>/g;
    const groups = (m: RegExp | readonly RegExp[] | undefined): string[] =>
      (m === undefined ? [] : m instanceof RegExp ? [m] : [...m]).flatMap((r) =>
        [...r.source.matchAll(/\(\?<(\w+)>/g)].map((g) => g[1]!),
      );
    for (const r of DEFAULT_RULES) {
      expect(Object.keys(CATEGORY_LABELS)).toContain(r.category);
      expect(r.specificity ?? 30).toBeGreaterThan(0);
      const known = new Set([...base, ...groups(r.msg), ...groups(r.capture), ...groups(r.action)]);
      const vars = Object.fromEntries([...known].map((k) => [k, 'v']));
      for (const t of [r.cause, r.fix, r.command ?? '', r.link ?? '']) {
        // Outside `[[ … ]]`, a template may only use variables that always have a value or that the rule captures.
        for (const m of t.replace(/\[\[[\s\S]*?\]\]/g, '').matchAll(/\{(\w+)\}/g))
          expect(known.has(m[1]!), `${r.id}: {${m[1]}}`).toBe(true);
        const out = renderTemplate(t, vars).replaceAll(literal, '');
        expect(out, `${r.id}: ${t}`).not.toMatch(/<\w+>|\{\w+\}|\[\[/);
      }
      if (r.command) expect(r.command).toMatch(/^\/mms /);
    }
  });

  it('renderTemplate', () => {
    expect(renderTemplate('a {x}[[ b {y}]] c {z}', { x: '1', y: '' })).toBe('a 1 c <z>');
    expect(renderTemplate('[[({y})]]', { y: '2' })).toBe('(2)');
  });

  it('evidenceLine', () => {
    expect(evidenceLine(entry('SCHEMA_FAILED', 'create  table\n t', 'boom\n\tat x'))).toBe(
      '[SCHEMA_FAILED] create table t → boom at x',
    );
    expect(evidenceLine(entry(null, null, 'only msg'))).toBe('[-] only msg');
    expect(evidenceLine(entry('INIT', 'only action', null))).toBe('[INIT] only action');
  });
});

describe('summarizeDiagnoses', () => {
  const diag = (taskId: number, category: DiagnosisCategory, table = `sales.t${taskId}`): Diagnosis => ({
    taskId,
    table,
    phase: 'DATA',
    category,
    cause: 'c',
    fix: 'f',
    evidence: [],
  });

  it('groups by category, largest first', () => {
    const list = [
      ...Array.from({ length: 10 }, (_, i) => diag(i + 1, 'permission-target')),
      diag(11, 'verification-mismatch'),
      diag(12, 'verification-mismatch'),
    ];
    const s = summarizeDiagnoses(list);
    expect(s.text).toBe('12 tasks: permission on target project (10), verification mismatch (2)');
    expect(s.total).toBe(12);
    expect(s.groups[0]).toMatchObject({
      category: 'permission-target',
      count: 10,
      label: 'permission on target project',
    });
    expect(s.groups[0]!.taskIds).toHaveLength(10);
    expect(s.groups[1]!.taskIds).toEqual([11, 12]);
    expect(s.groups[1]!.example.taskId).toBe(11);
  });

  it('ties follow the category order; singular; empty', () => {
    expect(summarizeDiagnoses([diag(1, 'unknown'), diag(2, 'quota')]).text).toBe(
      '2 tasks: quota exhausted or unbound (1), unknown cause (1)',
    );
    expect(summarizeDiagnoses([diag(1, 'quota')]).text).toBe('1 task: quota exhausted or unbound (1)');
    expect(summarizeDiagnoses([])).toEqual({ total: 0, groups: [], text: '0 tasks', diagnoses: [] });
  });

  it('summarises real diagnoses of a job', () => {
    const d1 = diagnoseTask(orderTask('SCHEMA_FAILED'), schemaFails(ODPS_DENIED_SCHEMA), CTX);
    const d2 = diagnoseTask(orderTask('DATA_FAILED', { id: 7681 }), dataFails('Access Denied'), CTX);
    const d3 = diagnoseTask(
      orderTask('VERIFICATION_FAILED', { id: 7682 }),
      verificationFails('src count: 5, dst count: 4'),
      CTX,
    );
    const s = summarizeDiagnoses([d1, d2, d3]);
    expect(s.text).toBe('3 tasks: permission on target project (2), verification mismatch (1)');
    expect(s.groups[0]!.tables).toEqual(['sales.orders']);
  });
});

describe('whole log, exception chains and systems', () => {
  it('a count that failed (-1) is not a mismatch: with no reason in the logs it says the count failed', () => {
    const logs = [
      ...dataOk(),
      entry('VERIFICATION_FAILED', 'compare hive and odps count', 'hive Count: -1, odps Count: 1203117'),
    ];
    const d = diagnoseTask(orderTask('VERIFICATION_FAILED'), logs, CTX);
    expect(d.category).toBe('verification-error');
    expect(d.verification).toBeUndefined();
    expect(verificationFromLogs(logs)).toBe(null);
    expect(d.fix).toContain('/mms logs hive-prod 7680');
  });

  it('reads MMA count lines: named counts and per-partition counts', () => {
    expect(parseCounts('hive Count: 1203331, odps Count: 1203117')).toEqual({
      source: 1203331,
      destination: 1203117,
    });
    expect(parseCounts('src: 10, dsc: 10')).toEqual({ source: 10, destination: 10 });
    const logs = [
      ...dataOk(),
      entry(
        'VERIFICATION_FAILED',
        'compare a and b count',
        'src table vs dst table:\nds=1: 100, 100\nds=2: 7, 5 not equal!\n',
      ),
    ];
    expect(verificationFromLogs(logs)).toEqual({ source: 107, destination: 105 });
  });

  it('the same words from different systems get different causes: quota', () => {
    const bq = diagnoseTask(
      orderTask('DATA_FAILED'),
      dataFails(
        'google.api_core.exceptions.Forbidden: 403 Quota exceeded: Your project exceeded quota for concurrent queries.',
      ),
      { ...CTX, sourceType: 'BIGQUERY' },
    );
    const tunnel = diagnoseTask(
      orderTask('DATA_FAILED'),
      dataFails('TunnelException: ErrorCode=FlowExceeded, ErrorMessage=Your flow quota is exceeded'),
      CTX,
    );
    const mc = diagnoseTask(orderTask('DATA_FAILED'), dataFails('ODPS-0420061: Fail to get quota'), CTX);
    expect([bq.system, tunnel.system, mc.system]).toEqual(['bigquery', 'tunnel', 'maxcompute']);
    expect(bq.fix).toContain('Google Cloud console');
    expect(tunnel.fix).toContain('Tunnel');
    expect(mc.fix).toContain('Bind a compute quota to mc_sales');
  });

  it('a network error naming a MaxCompute endpoint is not blamed on the source', () => {
    const d = diagnoseTask(
      orderTask('DATA_FAILED'),
      dataFails('java.net.ConnectException: Connection timed out to dt.cn-hangzhou.maxcompute.aliyun.com:80'),
      CTX,
    );
    expect(d.category).toBe('target-connectivity');
    expect(d.system).toBe('tunnel');
    expect(d.side).toBe('transfer');
    const src = diagnoseTask(orderTask('DATA_FAILED'), dataFails('Connection refused'), {
      ...CTX,
      sourceType: 'BIGQUERY',
    });
    expect([src.category, src.system, src.side]).toEqual(['source-connectivity', 'bigquery', 'source']);
  });

  it('a Hive error wrapping a MaxCompute denial is the target’s, found past the stack frames', () => {
    const frames = Array.from(
      { length: 400 },
      (_, i) => `\tat org.apache.hive.Frame${i}.run(Frame.java:${i})`,
    );
    const msg = [
      'java.sql.SQLException: Error while processing statement: FAILED: Execution Error, return code 2 from org.apache.hadoop.hive.ql.exec.mr.MapRedTask',
      ...frames,
      "Caused by: com.aliyun.odps.OdpsException: ODPS-0420095: Access Denied - You have no privilege 'odps:Update' on {acs:odps:*:projects/mc_sales/tables/orders}",
      ...frames,
    ].join('\n');
    const d = diagnoseTask(orderTask('DATA_FAILED'), dataFails(msg), CTX);
    expect(d.category).toBe('permission-target');
    expect(d.system).toBe('maxcompute');
    expect(d.cause).toContain('odps:Update');
    expect(d.summary).toBe('permission on target project · MaxCompute target project · data phase');
  });

  it('an earlier, more telling row beats a vague failing row', () => {
    const logs = [
      ...schemaOk(),
      entry(
        'DATA_DOING',
        SQL.insert,
        'Container killed on request. Exit code is 143, container_1717_0001_01_000002 exceeded memory',
      ),
      entry('DATA_FAILED', 'migrate data', 'task failed, see previous logs'),
    ];
    const d = diagnoseTask(orderTask('DATA_FAILED'), logs, CTX);
    expect(d.category).toBe('memory');
    expect(d.system).toBe('yarn');
  });
});

describe('precision', () => {
  it('numbers in counts are not HTTP statuses: 429 rows is a mismatch, HTTP 429 is throttling', () => {
    const counts = diagnoseTask(
      orderTask('VERIFICATION_FAILED'),
      verificationFails('source count 429, destination count 430'),
      CTX,
    );
    expect(counts.category).toBe('verification-mismatch');
    const throttled = diagnoseTask(
      orderTask('DATA_FAILED'),
      dataFails('HTTP 429 Too Many Requests from the metadata service'),
      CTX,
    );
    expect(throttled.category).toBe('rate-limit');
  });
});
