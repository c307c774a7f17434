// The table of failure-diagnosis rules: data. `diagnoseTask` runs every rule over the decisive log entries
// (the failing row, the rows before it, other failures) and keeps the most specific match: the highest
// `specificity`, less a little for entries further from the failure. Adding a rule needs no code change.
//
// Templates (cause, fix, command, link) take `{name}` variables:
//   {table} source `db.table` · {db} · {srcTable} · {target} `project[.schema].table` · {dstProject} ·
//   {dstSchema} · {targetSchema} `project[.schema]` · {dstTable} · {source} (the data source's
//   name, quoted if it has spaces) · {region} · {job} · {task} · {status} · {phase} `SCHEMA|DATA|VERIFICATION` ·
//   {phaseText} `the data phase` · {systemLabel} · {srcCount} {dstCount} {diffText} (verification counts) ·
//   {host} {appId} {path} {accountId} (found anywhere in the decisive entry) ·
//   plus any named group captured by the rule's regexes, e.g. `(?<privilege>odps:\w+)`.
// A variable with no value renders as `<name>`. `[[ … ]]` is kept only when every variable inside has a value.
// Causes and fixes are the bot's own words: they name what the log names (a privilege, a path, a limit) but
// never quote its sentences.
import type { Task } from '../mms/schemas.js';
import type { DiagnosisCategory } from './diagnose.js';

export type Phase = 'SCHEMA' | 'DATA' | 'VERIFICATION';

/**
 * Which system raised the error. Source side: hive, hdfs, kerberos, bigquery, source-maxcompute (a
 * MaxCompute project migrated from), source (type unknown). Transfer: mms-agent, tunnel, spark, yarn, mms.
 * Target: maxcompute (the target project). Account: ram.
 */
export type System =
  | 'hive'
  | 'hdfs'
  | 'kerberos'
  | 'bigquery'
  | 'source-maxcompute'
  | 'source'
  | 'mms-agent'
  | 'tunnel'
  | 'spark'
  | 'yarn'
  | 'mms'
  | 'maxcompute'
  | 'ram'
  | 'unknown';

export type Side = 'source' | 'transfer' | 'target' | 'account' | 'unknown';

export const SYSTEMS: Readonly<Record<System, { label: string; side: Side }>> = {
  hive: { label: 'Hive (source)', side: 'source' },
  hdfs: { label: 'HDFS (source storage)', side: 'source' },
  kerberos: { label: 'Kerberos (source login)', side: 'source' },
  bigquery: { label: 'BigQuery (source)', side: 'source' },
  'source-maxcompute': { label: 'MaxCompute source project', side: 'source' },
  source: { label: 'the source', side: 'source' },
  'mms-agent': { label: 'MMS agent (transfer)', side: 'transfer' },
  tunnel: { label: 'MaxCompute Tunnel (transfer)', side: 'transfer' },
  spark: { label: 'Spark (transfer)', side: 'transfer' },
  yarn: { label: 'YARN (transfer)', side: 'transfer' },
  mms: { label: 'MMS', side: 'transfer' },
  maxcompute: { label: 'MaxCompute target project', side: 'target' },
  ram: { label: 'Alibaba Cloud RAM (account)', side: 'account' },
  unknown: { label: 'unknown system', side: 'unknown' },
};

/** One regex, or several of which any may match. Flags are the rule's own (use `i`). */
export type Matcher = RegExp | readonly RegExp[];

/** A log entry as the rules see it: fields are strings (empty when missing), long messages are clipped. */
export interface LogEntry {
  /** Position in the logs, oldest first. */
  index: number;
  status: string;
  action: string;
  msg: string;
  /** From the entry's status, else from the task's status. */
  phase: Phase | null;
  /** The system the entry's text points to (see `detectSystem`). */
  system: System;
}

/** What a rule's `when` predicate sees. */
export interface RuleFacts {
  task: Task;
  entry: LogEntry;
  /** Template variables, including the named groups this rule captured on this entry. */
  vars: Readonly<Record<string, string | undefined>>;
  /** Row counts found anywhere in the task's verification logs (newest wins); null when none or failed. */
  verification: { source: number; destination: number } | null;
  /** A count query reported -1 (it failed), so there is nothing to compare. */
  countFailed: boolean;
}

export interface DiagnosisRule {
  id: string;
  category: DiagnosisCategory;
  /**
   * Who raised it: a fixed system, `detect` (the entry's detected system), or `source` (the data source's
   * own system, from its type).
   */
  system?: System | 'detect';
  /** The entry's detected system must be one of these (e.g. a quota rule only for BigQuery messages). */
  systems?: readonly System[];
  /** Higher wins when several rules match; 10 = a vague symptom, 90 = an exact error code. Default 30. */
  specificity?: number;
  /** The entry's phase must be one of these (entries with no known phase then never match). */
  phases?: readonly Phase[];
  /** Over the entry's status, e.g. `/FAIL/i`. */
  status?: Matcher;
  /** Over the entry's msg (the outcome, with its whole exception chain). */
  msg?: Matcher;
  /** Over the entry's action (what ran, often SQL). Every matcher given must match. */
  action?: Matcher;
  /** Run over msg and action only to capture named groups for the templates; never decides a match. */
  capture?: Matcher;
  /** A last condition, after the regexes matched. A rule with no status/msg/action/when never matches. */
  when?: (facts: RuleFacts) => boolean;
  /** One sentence: what went wrong. */
  cause: string;
  /** One or two sentences: what to do. */
  fix: string;
  /** A `/mms …` command that applies the fix or retries. */
  command?: string;
  /** Console or documentation link. */
  link?: string;
}

/** Short labels for summaries ("12 tasks: permission on target project (10), …"), in display order. */
export const CATEGORY_LABELS: Readonly<Record<DiagnosisCategory, string>> = {
  'permission-target': 'permission on target project',
  'service-linked-role': 'service-linked role missing',
  'permission-ram': 'RAM permission of the caller',
  'permission-source': 'permission at the source',
  credentials: 'credentials rejected',
  'clock-skew': 'clock skew',
  'source-connectivity': 'source connectivity',
  'target-connectivity': 'network path to MaxCompute',
  'schema-layer': 'target schema or mapping',
  'schema-mismatch': 'schema mismatch',
  'type-conversion': 'type conversion',
  'table-missing': 'table or partition gone at source',
  'partition-filter-empty': 'partition filter matched nothing',
  'invalid-partition': 'invalid partition value',
  limit: 'MaxCompute hard limit',
  conflict: 'concurrent write or session conflict',
  quota: 'quota exhausted or unbound',
  'rate-limit': 'rate limit or throttling',
  memory: 'out of memory',
  timeout: 'query timed out',
  'corrupt-source': 'corrupt source files',
  'tooling-missing': 'migration tooling missing at source',
  'verification-mismatch': 'verification mismatch',
  'verification-error': 'verification could not count',
  unknown: 'unknown cause',
};

export const DATASOURCE_CONSOLE = 'https://maxcompute.console.aliyun.com/{region}/mma/datasource';
const MC_CONSOLE = 'https://maxcompute.console.aliyun.com/{region}/project-list';
const QUOTA_CONSOLE = 'https://maxcompute.console.aliyun.com/{region}/quota-manage';
const GCP_IAM = 'https://console.cloud.google.com/iam-admin/iam';
const GCP_QUOTAS = 'https://console.cloud.google.com/iam-admin/quotas';
const RETRY = '/mms retry-task {source} {task}';
const THEN_RETRY = 'then retry with `' + RETRY + '`.';
const ROLE = 'AliyunServiceRoleForMaxComputeMMS';
const SCHEMA_FIX =
  'Fix the target table or the column mapping in the console, or drop {target} so the schema phase recreates ' +
  'it, ' +
  THEN_RETRY;
/** The role as a MaxCompute project user; `{accountId}` is captured from the denial or left as a placeholder. */
const ROLE_USER = 'RAM$' + '{accountId}:role/' + ROLE;

/** What to check first when no rule matched, by the system the decisive lines point to. */
export const CHECK_BY_SYSTEM: Readonly<Record<System, string>> = {
  hive:
    'On the Hive side, read the HiveServer2 log and the YARN application log[[ (`yarn logs -applicationId {appId}`)]] ' +
    'for the query of {table}.',
  hdfs: 'On HDFS, check the files of {table}[[ under {path}]] with `hdfs fsck` and the NameNode log.',
  kerberos:
    'Check the principal and keytab configured for data source {source}, and that `kinit` works on the agent host.',
  bigquery:
    'In the Google Cloud console, open the BigQuery job history of the project configured in data source {source} ' +
    'and read the failed job.',
  'source-maxcompute':
    'Open the Logview of the failed instance in the source project (the link is in the logs) and read its error.',
  source: 'Check data source {source} with `/mms source {source}` and read the source-side logs for {table}.',
  'mms-agent': 'Check that the MMS agent of data source {source} is online with `/mms source {source}`.',
  tunnel:
    'Check the Tunnel endpoint and the Tunnel quota of {dstProject}[[ (host {host})]], and whether another job ' +
    'writes {target} at the same time.',
  spark: 'Read the Spark driver and executor logs of the transfer[[ ({appId})]] for the first failed stage.',
  yarn: 'Read the YARN application log[[ (`yarn logs -applicationId {appId}`)]] for the first failed container.',
  mms: 'Read the full logs with `/mms logs {source} {task}`; if MMS itself failed, retry once before digging deeper.',
  maxcompute:
    'Open the Logview of the failed instance in {dstProject} (the link is in the logs) and read its first error.',
  ram: 'Check the RAM identity and policies used for MMS with `/mms setup`.',
  unknown: 'Read the full logs with `/mms logs {source} {task}` and look for the first error.',
};

/** What to check first by phase, when the system is not known either. */
export const CHECK_BY_PHASE: Readonly<Record<Phase, string>> = {
  SCHEMA:
    'The schema phase reads the source table definition and creates {target}: check both exist and match.',
  DATA: 'The data phase reads {table} at the source and writes it through Tunnel: check the source query first.',
  VERIFICATION: 'Verification counts rows on both sides: check that both count queries ran.',
};

/** Text when no rule matched (category `unknown`). */
export const FALLBACK = {
  /** The task failed (or its logs show a failed step). */
  failed: {
    cause:
      '{table} failed in {phaseText}[[ at {systemLabel}]], and its logs match no known cause; the decisive lines ' +
      'are below.',
    fix: '{check} The full logs: `/mms logs {source} {task}`; once fixed, retry with `' + RETRY + '`.',
  },
  /** The task failed and MMS returned no logs. */
  noLogs: {
    cause: '{table} failed in {phaseText}, and MMS returned no logs for the task.',
    fix:
      'Check the task with `/mms task {source} {task}` and the data source with `/mms source {source}`, ' +
      'then retry with `' +
      RETRY +
      '`.',
  },
  /** The task has not failed (stuck, or still running) and the logs show no error. */
  stuck: {
    cause: '{table} has status {status} and its logs show no error.',
    fix:
      'Check that data source {source} is online (agent and network link) with `/mms source {source}` or in ' +
      'the console, and read the logs with `/mms logs {source} {task}`.',
    link: DATASOURCE_CONSOLE,
  },
  command: '/mms logs {source} {task}',
} as const;

// ---- system detection ----
/** Ordered: the first pattern found in an entry's text names its system. */
export const SYSTEM_HINTS: ReadonlyArray<readonly [System, RegExp]> = [
  [
    'tunnel',
    /\btunnel\b|TunnelException|ErrorCode=\w+,\s*ErrorMessage=|\bdt\.[\w-]+\.maxcompute|upload session|download session|\bFlowExceeded\b/i,
  ],
  [
    'bigquery',
    /bigquery|googleapis\.com|google\.(?:cloud|auth|api)|com\.google\.cloud|invalid_grant|\bJWT\b|service account/i,
  ],
  ['spark', /\bspark\b|ExecutorLostFailure|\bstage \d+(?:\.\d+)?\b/i],
  [
    'yarn',
    /(?<!spark\.)\byarn\b(?! application name)|\bcontainer_[\w]+|ApplicationMaster|NodeManager|exit ?code(?: is|:|=)\s*-?(?:104|137|143)/i,
  ],
  ['kerberos', /kerberos|\bGSS|\bkrb5?|KrbException|keytab|\bTGT\b|KRB_AP_ERR/i],
  ['hdfs', /hdfs:\/\/|org\.apache\.hadoop\.hdfs|BlockMissingException|namenode|datanode|\bfsck\b/i],
  [
    'hive',
    /\bhive\b|hiveserver2|jdbc:hive2|thrift|meta\s*store|SemanticException|org\.apache\.hadoop\.hive|\bORC\b|Parquet|MapRedTask/i,
  ],
  ['mms-agent', /\bagent\b/i],
  ['mms', /Throttling\.\w+|user\s+flow\s+control|\bMms\w+\b/i],
  ['ram', /Forbidden\.RAM|EntityNotExist\.Role|ServiceLinkedRole|\bram:/i],
  ['maxcompute', /ODPS-\d{7}|\bodps\b|maxcompute|aliyun-inc\.com|\.aliyun\.com|acs:odps|Fuxi|Logview|RAM\$/i],
];

/** Source types (DataSource.type) to the system their failures come from. */
export const SOURCE_SYSTEMS: Readonly<Record<string, System>> = {
  HIVE: 'hive',
  HIVE_OSS: 'hive',
  HIVE_DLF: 'hive',
  EMR: 'hive',
  BIGQUERY: 'bigquery',
  ODPS: 'source-maxcompute',
  MAXCOMPUTE: 'source-maxcompute',
};

// ---- shared fragments ----
/** "does not exist" and friends, but not the `if not exists` of DDL echoed in a message. */
const NOT_EXIST = String.raw`(?:not\s+found|does\s*n[o']t\s+exist|(?<!\bif\s{1,9})not\s+exists?|no\s+longer\s+exists?|cannot\s+be\s+resolved)`;
const re = (source: string, flags = 'i'): RegExp => new RegExp(source, flags);

/** MaxCompute's authorization failures (ODPS-0420095, ODPS-0130013 and their wordings). */
const ODPS_DENIED: readonly RegExp[] = [
  /ODPS-0420095|ODPS-0130013|ODPS-0110011/i,
  /access\s*denied/i,
  /\bno\s+privileges?\b/i,
  /authori[sz]ation\s+(?:failed|exception)/i,
  /you\s+don'?t\s+exist\s+in\s+(?:the\s+)?project/i,
];

const PERMISSION_CAPTURES: readonly RegExp[] = [
  /RAM\$(?<accountId>\d{6,})/i,
  /acs:ram::(?<accountId>\d{6,}):role/i,
  /privilege\s+'?(?<privilege>odps:\w+)/i,
  /projects\/(?<deniedProject>[\w-]+)/i,
  /(?:Pricipal|Principal):\s*(?<principal>[\w$:/@.-]+?)[;\s]/i,
];

const sameName = (a: string | undefined, b: string | undefined): boolean =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** Whether `text` names `project.` as a whole word (e.g. `mc_sales.default.orders`). */
export function mentionsProject(text: string, project: string | undefined): boolean {
  if (!project) return false;
  const hay = text.toLowerCase();
  const needle = project.toLowerCase() + '.';
  for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + 1)) {
    if (at === 0 || !/[\w$]/.test(hay.charAt(at - 1))) return true;
  }
  return false;
}

/** Network failures of any system. */
const NETWORK: readonly RegExp[] = [
  /\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ENETUNREACH)\b/,
  /connection\s+refused|ConnectException|ConnectTimeoutException|NoRouteToHostException/i,
  /conn(?:ect|ection)?\s*(?:attempt\s+)?timed?[\s-]*out|SocketTimeoutException|(?:read|socket)\s+timed?[\s-]*out/i,
  /(?:could\s*n[o']t|cannot|can't|unable\s+to|failed\s+to)\s+(?:connect|open\s+client\s+transport)/i,
  /meta\s*store[\s\w'"-]{0,40}?(?:unavailable|unreachable|is\s+down|not\s+available)/i,
  /TTransportException/i,
  /UnknownHostException|unknown\s+host|name\s+or\s+service\s+not\s+known|nodename\s+nor\s+servname|could\s+not\s+resolve\s+host/i,
  /no\s+route\s+to\s+host|network\s+(?:is\s+)?unreachable|connection\s+(?:reset|closed\s+by\s+peer)|SocketException/i,
];

/** An Alibaba Cloud endpoint (MaxCompute service, Tunnel, VPC endpoints) named in a message. */
const MC_ENDPOINT =
  /(?<host>(?:[\w-]+\.)*(?:maxcompute|odps|dt)[\w.-]*\.(?:aliyun(?:-inc)?\.com|aliyuncs\.com))/i;

export const DEFAULT_RULES: readonly DiagnosisRule[] = [
  // ======== account level ========
  {
    id: 'service-linked-role-missing',
    category: 'service-linked-role',
    system: 'ram',
    specificity: 90,
    msg: [
      re(
        String.raw`service[\s_-]*linked[\s_-]*role[\s\w."'-]{0,60}?(?:not[\s._-]*found|not\s+exists?|does\s*n[o']t\s+exist|missing|not\s+(?:been\s+)?created)`,
      ),
      /EntityNotExist\.Role/i,
      re(
        String.raw`${ROLE}[\s\w."'-]{0,60}?(?:not[\s._-]*found|does\s*n[o']t\s+exist|not\s+exists?|missing)(?!\s+in\s+(?:the\s+)?project)`,
      ),
    ],
    cause: `The service-linked role ${ROLE} does not exist in this Alibaba Cloud account, so MMS could not act for it.`,
    fix:
      `Create ${ROLE} once for the account, in the console (Migration Service › add data source) or in RAM; ` +
      'whoever creates it needs AliyunRAMFullAccess. ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'ram-policy-denied',
    category: 'permission-ram',
    system: 'ram',
    specificity: 80,
    systems: ['ram', 'mms', 'maxcompute', 'unknown'],
    msg: [
      /Forbidden\.RAM/i,
      /\bNoPermission\b/i,
      /not\s+authori[sz]ed\s+to\s+operate\s+on\s+the\s+specified\s+(?:resource|action)/i,
      /not\s+authori[sz]ed\s+to\s+(?:do|perform)\s+(?:this\s+)?action/i,
    ],
    capture: [/(?<ramAction>odps:\w*Mms\w*)/i],
    cause: 'The RAM identity making the call is not allowed the MMS action[[ {ramAction}]] (odps:*Mms*).',
    fix:
      'Attach AliyunMaxComputeFullAccess, or the custom policy with the odps:*Mms* actions, to that RAM user or ' +
      'role; `/mms setup` shows the policy. ' +
      THEN_RETRY,
    command: '/mms setup',
  },
  // ======== permissions on MaxCompute projects ========
  {
    // A Deny statement cannot be lifted by any grant: it must be removed.
    id: 'policy-explicit-deny',
    category: 'permission-target',
    system: 'maxcompute',
    specificity: 88,
    msg: [
      /explicitly\s+denied|denied\s+by\s+(?:the\s+)?(?:project\s+|role\s+)?policy|Authori[sz]ation\s+Failed\s+\[4011\]/i,
    ],
    capture: PERMISSION_CAPTURES,
    cause:
      'An explicit Deny in a policy[[ on {deniedProject}]] blocks[[ {privilege} for]] the MMS role; no grant can ' +
      'override a Deny.',
    fix:
      'As the project owner[[ of {deniedProject}]], run `get policy;` (and `show grants for ' +
      ROLE_USER +
      ';` for role policies), remove or narrow the Deny statement that covers[[ {privilege} on]] the migrated ' +
      'tables, save it with `put policy`, ' +
      THEN_RETRY +
      ' Adding the admin role does not help while the Deny stands.',
    command: RETRY,
    link: MC_CONSOLE,
  },
  {
    // MaxCompute → MaxCompute: data protection keeps data inside the source project.
    id: 'project-protected',
    category: 'permission-source',
    system: 'source-maxcompute',
    specificity: 88,
    msg: [/project\s+'?[\w-]+'?\s+is\s+protected/i],
    capture: [...PERMISSION_CAPTURES, /project\s+'?(?<protectedProject>[\w-]+)'?\s+is\s+protected/i],
    cause:
      'Project {protectedProject} has data protection on, so its data may not be copied into another project.',
    fix:
      'The owner of {protectedProject} must allow the flow: add {dstProject} as a trusted project (`add ' +
      'trustedproject {dstProject};`) or add an exception policy for the MMS role on the migrated tables; ' +
      THEN_RETRY,
    command: RETRY,
    link: MC_CONSOLE,
  },
  {
    // MaxCompute → MaxCompute: the denial names a project that is not the target.
    id: 'source-project-denied',
    category: 'permission-source',
    system: 'source-maxcompute',
    specificity: 62,
    systems: ['maxcompute', 'source-maxcompute', 'mms', 'unknown'],
    msg: ODPS_DENIED,
    capture: PERMISSION_CAPTURES,
    when: ({ vars }) =>
      !!vars.deniedProject && !!vars.dstProject && !sameName(vars.deniedProject, vars.dstProject),
    cause:
      'The source project {deniedProject} denied access[[ ({privilege})]] to the account configured in data ' +
      'source {source}.',
    fix:
      'Grant that account Describe and Select on {deniedProject} (`GRANT Describe, Select ON TABLE * TO USER ' +
      '<account>;` run in {deniedProject}), or change the credentials of data source {source} in the console, ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'tunnel-permission-denied',
    category: 'permission-target',
    system: 'tunnel',
    specificity: 78,
    systems: ['tunnel'],
    msg: [
      /ErrorCode=(?:NoPermission|AccessDenied)\b/i,
      /tunnel[^\n]{0,80}?(?:no\s*permission|access\s*denied)/i,
    ],
    capture: PERMISSION_CAPTURES,
    cause:
      'MaxCompute Tunnel refused the upload into {target}: the MMS role may not write that table, or an IP ' +
      'whitelist on {dstProject} shuts out the network MMS uploads from.',
    fix:
      'In {dstProject} grant the role write access to the table (`GRANT Describe, Alter, Update ON TABLE ' +
      '{dstTable} TO USER ' +
      ROLE_USER +
      ';`, or `GRANT admin`), and if `setproject;` shows odps.security.ip.whitelist, add the addresses of the ' +
      'network link; ' +
      THEN_RETRY,
    command: RETRY,
    link: MC_CONSOLE,
  },
  {
    id: 'target-project-denied',
    category: 'permission-target',
    system: 'maxcompute',
    specificity: 55,
    systems: ['maxcompute', 'mms', 'mms-agent', 'ram', 'unknown'],
    msg: ODPS_DENIED,
    capture: PERMISSION_CAPTURES,
    cause:
      `The service-linked role ${ROLE} has no grants on the target project {dstProject}[[ (missing {privilege})]], ` +
      'so MMS was denied in {phaseText}.',
    fix:
      'As an owner or admin of {dstProject}, run `ADD USER ' +
      ROLE_USER +
      ';` then `GRANT admin TO USER ' +
      ROLE_USER +
      ';` (or the fine-grained grants `/mms setup` lists), then retry with `' +
      RETRY +
      '`.',
    command: RETRY,
  },
  // ======== permissions at the source ========
  {
    id: 'hive-privilege-denied',
    category: 'permission-source',
    system: 'hive',
    specificity: 80,
    msg: [
      /HiveAccessControlException|HiveAuthzPluginException/i,
      /user\s*\[(?<hiveUser>[\w.@-]+)\]\s*does\s+not\s+have\s*\[(?<hivePrivilege>\w+)\]\s*privilege/i,
    ],
    capture: [
      /user\s*\[(?<hiveUser>[\w.@-]+)\]/i,
      /\[(?<hivePrivilege>SELECT|READ|USE)\]/i,
      /privilege\s+on\s*\[(?<hiveObject>[^\]\s]+)\]/i,
    ],
    cause:
      'Hive authorization (Ranger or SQL-standard) refused[[ {hiveUser}]] read access to {table}, so the source ' +
      'query could not run.',
    fix:
      'Give the account of data source {source} SELECT on {db} (a Ranger policy on database {db}, or `GRANT ' +
      'SELECT ON TABLE {db}.{srcTable} TO USER <account>;` in Hive), ' +
      THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'hdfs-permission-denied',
    category: 'permission-source',
    system: 'hdfs',
    specificity: 80,
    msg: [
      /AccessControlException[^\n]{0,200}?(?:Permission\s+denied|user=)/i,
      /Permission\s+denied:\s+user\s*=/i,
    ],
    capture: [/user=(?<hdfsUser>[\w.@-]+)/i, /access=(?<access>[A-Z_]+)/, /inode="?(?<path>\/[^"\s:]+)/i],
    cause:
      'HDFS refused[[ {hdfsUser}]][[ {access} access]] to the files of {table}[[ ({path})]]: the account the ' +
      'source query runs as cannot read them.',
    fix:
      'Give that account read and execute on the table directory (`hdfs dfs -setfacl -R -m user:<account>:r-x ' +
      '<table dir>`, or a Ranger HDFS policy), ' +
      THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'bigquery-read-session-denied',
    category: 'permission-source',
    system: 'bigquery',
    specificity: 86,
    msg: [/bigquery\.readsessions\.(?:create|getData)|require\s+storage\s+read\s+API/i],
    cause:
      'The BigQuery service account of data source {source} may not use the Storage Read API ' +
      '(bigquery.readsessions.*), which MMS reads tables with.',
    fix:
      'Grant that service account roles/bigquery.readSessionUser on the project it bills to (IAM & Admin › IAM), ' +
      THEN_RETRY,
    command: RETRY,
    link: GCP_IAM,
  },
  {
    id: 'bigquery-jobs-denied',
    category: 'permission-source',
    system: 'bigquery',
    specificity: 85,
    msg: [/bigquery\.jobs\.create/i],
    cause:
      'The BigQuery service account of data source {source} may not run query jobs (bigquery.jobs.create).',
    fix:
      'Grant that service account roles/bigquery.jobUser on the project configured in data source {source}, ' +
      THEN_RETRY,
    command: RETRY,
    link: GCP_IAM,
  },
  {
    id: 'bigquery-data-denied',
    category: 'permission-source',
    system: 'bigquery',
    specificity: 80,
    systems: ['bigquery'],
    msg: [
      /(?<bqPermission>bigquery\.(?:tables|datasets)\.\w+)/i,
      /access\s+denied:\s+(?:table|dataset|project|view)\b/i,
      /\b403\b[^\n]{0,80}?(?:permission|access\s+denied)/i,
      /PERMISSION_DENIED/,
    ],
    capture: [/(?<bqPermission>bigquery\.\w+\.\w+)/i],
    cause:
      'BigQuery denied the service account of data source {source}[[ the permission {bqPermission}]] on {table}.',
    fix:
      'Grant that service account roles/bigquery.dataViewer on dataset {db} (or the project), ' + THEN_RETRY,
    command: RETRY,
    link: GCP_IAM,
  },
  {
    id: 'source-access-denied',
    category: 'permission-source',
    system: 'source',
    specificity: 40,
    msg: [
      /access\s+denied:\s+(?:table|dataset|project|view|bigquery)\b/i,
      /permission\s+bigquery\.\w+\.\w+\s+denied/i,
      /AccessControlException/i,
      /permission\s+denied:\s+user\s*=/i,
      /access\s+denied\s+for\s+user\s+['"]/i,
    ],
    cause:
      'The source refused {table}: the account configured in data source {source} lacks read access there.',
    fix:
      'Give that account read access to {db} on the source, or change the credentials of data source {source} ' +
      'in the console, ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  // ======== clocks and credentials ========
  {
    id: 'kerberos-clock-skew',
    category: 'clock-skew',
    system: 'kerberos',
    specificity: 92,
    msg: [/clock\s+skew\s+too\s+great|KRB_AP_ERR_SKEW/i],
    cause:
      'Kerberos refused the login of data source {source} because the clocks of the MMS agent host and the KDC ' +
      'differ by more than the allowed skew (5 minutes by default).',
    fix:
      'Synchronise the clocks of the agent host, the KDC and the Hive hosts (chrony or ntpd against one time ' +
      'source), ' +
      THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'jwt-clock-skew',
    category: 'clock-skew',
    system: 'bigquery',
    specificity: 92,
    msg: [
      /short-lived\s+token|iat\s+and\s+exp|JWT[^\n]{0,60}?(?:not\s+yet\s+valid|issued\s+in\s+the\s+future)/i,
    ],
    cause:
      "Google refused the service account's sign-in token for data source {source}: the clock of the machine " +
      'signing it is off, so the token looks expired or issued in the future.',
    fix: 'Synchronise the clock of the MMS agent host (chrony or ntpd), ' + THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'tunnel-clock-skew',
    category: 'clock-skew',
    system: 'tunnel',
    specificity: 90,
    msg: [
      /RequestTimeTooSkewed|time\s+(?:difference|skew)|(?:date|time)[^\n]{0,40}?(?:too\s+(?:far|skewed)|out\s+of\s+range)/i,
    ],
    systems: ['tunnel', 'maxcompute', 'mms-agent', 'unknown'],
    cause:
      'MaxCompute rejected the signed request because the clock of the host that signed it is more than 15 ' +
      'minutes off.',
    fix: 'Synchronise the clock of the MMS agent host (chrony or ntpd), ' + THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'jwt-invalid-signature',
    category: 'credentials',
    system: 'bigquery',
    specificity: 86,
    msg: [/invalid\s+JWT\s+signature/i],
    cause:
      'Google rejected the service-account key of data source {source}: the key was deleted, disabled or ' +
      'replaced.',
    fix:
      'Create a new JSON key for that service account (IAM & Admin › Service accounts › Keys), put it in data ' +
      'source {source} in the console, ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'oauth-credentials-rejected',
    category: 'credentials',
    system: 'bigquery',
    specificity: 70,
    msg: [
      /invalid_grant|invalid_client|unauthorized_client|RefreshError/i,
      /request\s+had\s+invalid\s+authentication\s+credentials|\bUNAUTHENTICATED\b|Login\s+Required/i,
    ],
    cause:
      'Google did not accept the credentials of data source {source} (the service-account key or token is ' +
      'invalid, revoked or expired).',
    fix:
      'Check that the service account still exists and is enabled, create a new key if needed and update data ' +
      'source {source} in the console, ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'kerberos-login-failed',
    category: 'credentials',
    system: 'kerberos',
    specificity: 72,
    msg: [
      /GSS\s+initiate\s+failed|No\s+valid\s+credentials\s+provided|Failed\s+to\s+find\s+any\s+Kerberos\s+tgt/i,
      /LoginException|Unable\s+to\s+obtain\s+password\s+from\s+user|KrbException|keytab/i,
      /kerberos[^\n]{0,60}?(?:fail|error|expired|invalid|unable)|(?:fail|error|expired|invalid|unable)[^\n]{0,60}?kerberos/i,
    ],
    cause:
      'The Kerberos login of data source {source} failed: the agent holds no valid ticket (wrong principal or ' +
      'keytab, or the ticket expired).',
    fix:
      'Check the principal and keytab in data source {source} (test with `kinit -kt <keytab> <principal>` on the ' +
      'agent host), update them in the console, ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'tunnel-unauthorized',
    category: 'credentials',
    system: 'tunnel',
    specificity: 74,
    msg: [/ErrorCode=Unauthorized|authorization\s+header\s+is\s+invalid\s+or\s+missing/i],
    cause:
      'MaxCompute Tunnel did not accept the credentials MMS uploaded with (an invalid or expired token), or the ' +
      'signing host clock is more than 15 minutes off.',
    fix: 'Check the clock of the MMS agent host, then retry with `' + RETRY + '` so a fresh token is issued.',
    command: RETRY,
  },
  {
    id: 'source-auth-failed',
    category: 'credentials',
    system: 'source',
    specificity: 50,
    msg: [
      /authentication\s+(?:failed|failure|error)|\bauth(?:entication)?\s+failed/i,
      /invalid\s+(?:credentials?|user(?:name)?\s+or\s+password|password|access\s*key)/i,
      /wrong\s+password|bad\s+credentials|login\s+failed|password\s+authentication\s+failed/i,
      /InvalidAccessKeyId|SignatureDoesNotMatch|InvalidSecurityToken/i,
    ],
    cause: 'The source rejected the credentials of data source {source}.',
    fix:
      'Update the credentials of data source {source} in the console (Migration Service › Data Sources), ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  // ======== network ========
  {
    id: 'source-agent-offline',
    category: 'source-connectivity',
    system: 'mms-agent',
    specificity: 70,
    msg: [
      /agent[\s\w'"-]{0,30}?(?:offline|not\s+online|is\s+down|disconnected|unavailable|unreachable|lost|not\s+running|heartbeat\s+time\s*out)/i,
    ],
    cause: 'The MMS agent of data source {source} is offline, so the task could not run.',
    fix: 'Restart the agent or repair the network link of data source {source} in the console, ' + THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'tunnel-endpoint-unreachable',
    category: 'target-connectivity',
    system: 'tunnel',
    specificity: 68,
    msg: [...NETWORK, /Failed\s+to\s+create\s+(?:download|upload)\s+session/i],
    capture: [MC_ENDPOINT],
    when: ({ vars, entry }) =>
      (!!vars.host && /^dt\.|tunnel/i.test(vars.host)) ||
      /(?:download|upload)\s+session|tunnel/i.test(entry.msg),
    cause:
      'The transfer could not reach the MaxCompute Tunnel endpoint[[ {host}]], so no data could be uploaded to ' +
      '{dstProject}.',
    fix:
      'From the agent or cluster host, check DNS and port 443/80 to the Tunnel endpoint of region {region} (the ' +
      'VPC one, dt.{region}-vpc.maxcompute.aliyun-inc.com, from inside a VPC); fix the network link of data ' +
      'source {source} or the firewall, ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    // The host is a MaxCompute or Tunnel endpoint: the transfer could not reach the target, not the source.
    id: 'target-endpoint-unreachable',
    category: 'target-connectivity',
    system: 'maxcompute',
    specificity: 66,
    msg: NETWORK,
    capture: [MC_ENDPOINT],
    // The endpoint must be in the error itself, not only in the SQL that ran (the UDTF names it).
    when: ({ entry }) => MC_ENDPOINT.test(entry.msg),
    cause:
      'The transfer could not reach the MaxCompute endpoint {host}: the network path from the source side to ' +
      'MaxCompute ({region}) is blocked or the endpoint is wrong.',
    fix:
      'From the agent or cluster host, check DNS and port 443/80 to {host}; use the VPC endpoint of region ' +
      '{region} (and the matching Tunnel endpoint) in the network link of data source {source}, open the security ' +
      'group or firewall, ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'source-unreachable',
    category: 'source-connectivity',
    system: 'source',
    specificity: 45,
    msg: NETWORK,
    cause:
      'MMS could not reach the source of data source {source}[[ at {host}]] (network link, host, port or ' +
      'metastore).',
    fix: 'Fix the network link and connection settings of data source {source} in the console, ' + THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  // ======== capacity: quotas, throttling, memory, time ========
  {
    id: 'tunnel-flow-exceeded',
    category: 'quota',
    system: 'tunnel',
    specificity: 84,
    msg: [
      /FlowExceeded|flow\s+quota\s+is\s+exceeded|tunnel[^\n]{0,60}?(?:slot|quota)[^\n]{0,40}?(?:exceed|exhaust|insufficient|not\s+enough)/i,
    ],
    cause:
      'The Tunnel slots of {dstProject} were all in use: concurrent uploads exceeded the Tunnel quota (the ' +
      'shared Tunnel resource group is limited per project).',
    fix:
      'Lower the concurrency of the migration (fewer tables at once) or assign {dstProject} an exclusive Tunnel ' +
      'resource group (Quotas › Tunnel in the MaxCompute console); ' +
      THEN_RETRY,
    command: RETRY,
    link: QUOTA_CONSOLE,
  },
  {
    id: 'bigquery-rate-limit',
    category: 'rate-limit',
    system: 'bigquery',
    specificity: 84,
    msg: [
      /rateLimitExceeded|Exceeded\s+rate\s+limits|too\s+many\s+(?:concurrent\s+)?(?:requests|queries|table\s+update)/i,
    ],
    systems: ['bigquery'],
    cause: 'BigQuery throttled the reads of data source {source}: a short-term rate limit was exceeded.',
    fix:
      'Wait a minute and retry with `' + RETRY + '`; if it repeats, run fewer tables of this source at once.',
    command: RETRY,
  },
  {
    id: 'bigquery-quota',
    category: 'quota',
    system: 'bigquery',
    specificity: 82,
    systems: ['bigquery'],
    msg: [/quotaExceeded|Quota\s+exceeded|exceeded\s+quota|billingTierLimitExceeded/i],
    capture: [/exceeded\s+quota\s+for\s+(?<quotaName>[\w\s-]{3,60}?)(?:[.,;]|$)/im],
    cause:
      'A BigQuery quota of the project configured in data source {source} is used up[[ ({quotaName})]], so the ' +
      'read of {table} was refused.',
    fix:
      'Wait for the quota to reset or raise it in the Google Cloud console (IAM & Admin › Quotas), and run fewer ' +
      'tables at once; ' +
      THEN_RETRY,
    command: RETRY,
    link: GCP_QUOTAS,
  },
  {
    id: 'throttled',
    category: 'rate-limit',
    system: 'detect',
    specificity: 70,
    msg: [
      /Throttling(?:\.\w+)?\b|flow\s+control|Rate\s+exceeded|TooManyRequests|Too\s+Many\s+Requests|(?:HTTP|status|code)[\s:=/]*429\b|ServerBusy|request\s+(?:was\s+)?denied\s+due\s+to\s+(?:user\s+)?flow/i,
    ],
    cause: '{systemLabel} throttled the requests of this migration (rate limit or flow control).',
    fix:
      'Let the burst pass and retry with `' +
      RETRY +
      '`; if it repeats, migrate fewer tables at once or spread the jobs over time.',
    command: RETRY,
  },
  {
    id: 'spark-executor-memory',
    category: 'memory',
    system: 'spark',
    specificity: 88,
    msg: [/spark\.(?:yarn\.)?executor\.memoryOverhead|ExecutorLostFailure[^\n]{0,200}?memory/i],
    capture: [/(?<used>[\d.]+\s*[GMK]B)\s+of\s+(?<limit>[\d.]+\s*[GMK]B)/i],
    cause:
      'Spark executors of the transfer were killed for using more memory than their container allows[[ ' +
      '({used} of {limit})]].',
    fix:
      'Raise spark.executor.memoryOverhead (and spark.executor.memory) in the Spark settings of the job or data ' +
      'source {source}, or migrate fewer partitions per task; ' +
      THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'yarn-container-memory',
    category: 'memory',
    system: 'yarn',
    specificity: 84,
    msg: [
      /beyond\s+(?:the\s+)?(?:physical|virtual)\s+memory\s+limits|Container\s+killed\s+by\s+YARN\s+for\s+exceeding\s+memory/i,
      /exit\s*code(?:\s+is|:|=)?\s*-?(?:104|137|143)\b[^\n]{0,200}?(?:memory|kill)|Container\s+killed\s+on\s+request\.\s+Exit\s+code\s+is\s+143/i,
    ],
    capture: [/(?<used>[\d.]+\s*[GMK]B)\s+of\s+(?<limit>[\d.]+\s*[GMK]B)/i],
    cause:
      'YARN killed the containers reading {table} because they used more memory than allowed[[ ({used} of ' +
      '{limit})]].',
    fix:
      'Raise the container memory of the source query (`mapreduce.map.memory.mb` with `mapreduce.map.java.opts`, ' +
      'or `hive.tez.container.size`) in the Hive settings of data source {source}, or migrate fewer partitions ' +
      'per task; ' +
      THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'bigquery-memory',
    category: 'memory',
    system: 'bigquery',
    specificity: 84,
    msg: [/allotted\s+memory|Resources\s+exceeded\s+during\s+query\s+execution|resourcesExceeded/i],
    cause:
      'BigQuery ran out of the memory it allots to one query while reading {table} (too much data for one read).',
    fix:
      'Migrate {table} in smaller slices: run `/mms migrate {source} {db} --tables {srcTable} --partitions ' +
      '<filter>` per range of partitions, then retry the rest with `' +
      RETRY +
      '`.',
    command: RETRY,
  },
  {
    id: 'out-of-memory',
    category: 'memory',
    system: 'detect',
    specificity: 62,
    msg: [
      /OutOfMemoryError|GC\s+overhead\s+limit\s+exceeded|Java\s+heap\s+space|\bOOM\b|out\s+of\s+memory|memory\s+limit\s+exceeded/i,
    ],
    cause: '{systemLabel} ran out of memory while moving {table}.',
    fix:
      'Give the failing side more memory (JVM heap or container size), or migrate {table} in smaller slices ' +
      'with `--partitions`; ' +
      THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'quota-unavailable',
    category: 'quota',
    system: 'maxcompute',
    specificity: 60,
    systems: ['maxcompute', 'mms', 'mms-agent', 'ram', 'unknown', 'source'],
    msg: [
      /ODPS-0130111|Fail(?:ed)?\s+to\s+get\s+quota/i,
      /quota[\s\w'"-]{0,40}?(?:not\s+(?:been\s+)?(?:bound|bind|found|set|exists?|enough|sufficient|available|configured)|does\s*n[o']t\s+exist|exceed(?:ed|s)?|insufficient|exhausted|unavailable|is\s+(?:full|empty))/i,
      /not\s+(?:been\s+)?bound\s+(?:to|with)\s+(?:any\s+|a\s+)?quota/i,
      /\bno\s+(?:available\s+|usable\s+|bound\s+)?(?:compute\s+)?quota\b/i,
      /(?:insufficient|not\s+enough|no\s+enough)\s+(?:compute\s+)?(?:quota|resources?|CUs?)\b/i,
      /\bresources?\s+(?:is\s+|are\s+)?(?:insufficient|not\s+enough|exhausted)/i,
      /\bQuota(?:NotFound|NotExist|Exceeded|Insufficient)/i,
    ],
    cause: 'The target project {dstProject} has no usable compute quota (none is bound, or it is exhausted).',
    fix:
      'Bind a compute quota to {dstProject} in the MaxCompute console (Quotas), or free capacity on it, ' +
      THEN_RETRY,
    command: RETRY,
    link: QUOTA_CONSOLE,
  },
  {
    id: 'query-timeout',
    category: 'timeout',
    system: 'detect',
    specificity: 50,
    msg: [
      /(?:query|statement|operation|job|instance)\s+(?:has\s+)?(?:timed?\s*out|timeout|exceeded\s+(?:the\s+)?(?:maximum\s+)?(?:execution|run(?:ning)?)\s+time)/i,
      /SQLTimeoutException|Query\s+timed?\s*out|DEADLINE_EXCEEDED|deadline\s+exceeded|kInstanceMonitorTimeout/i,
    ],
    cause: '{systemLabel} stopped a query for {table} because it ran longer than its time limit.',
    fix:
      'Migrate {table} in smaller slices (`--partitions`) or raise the query timeout on {systemLabel}; ' +
      THEN_RETRY,
    command: RETRY,
  },
  // ======== MaxCompute limits and partitions ========
  {
    id: 'mc-partitions-per-table',
    category: 'limit',
    system: 'maxcompute',
    specificity: 92,
    msg: [/maximum\s+60,?000\s+partitions|60,?000\s+partitions\s+allowed/i],
    cause:
      'The target table {target} would exceed 60,000 partitions, a MaxCompute hard limit per table that cannot ' +
      'be raised.',
    fix:
      'Map the source partitions onto fewer target partitions (e.g. by month instead of by day), or migrate the ' +
      'older partitions into a second table with `--partitions` filters; then retry.',
    command: '/mms partitions {source} {table}',
  },
  {
    id: 'mc-partitions-per-job',
    category: 'limit',
    system: 'maxcompute',
    specificity: 92,
    msg: [/more\s+than\s+10,?000\s+partitions|10,?000\s+(?:output\s+)?partitions/i],
    cause:
      'One task tried to write more than 10,000 partitions of {target}; a single MaxCompute job may write at ' +
      'most 10,000.',
    fix:
      'Split the migration of {table} into jobs of fewer than 10,000 partitions each with ' +
      '`/mms migrate {source} {db} --tables {srcTable} --partitions <range>`.',
    command: '/mms partitions {source} {table}',
  },
  {
    id: 'mc-dynamic-partition-limit',
    category: 'limit',
    system: 'maxcompute',
    specificity: 70,
    msg: [
      /too\s+many\s+dynamic\s+partitions|dynamic\s+partitions?[^\n]{0,40}?exceed|exceed[^\n]{0,40}?dynamic\s+partitions/i,
    ],
    cause: 'The copy of {table} creates more dynamic partitions in one statement than MaxCompute allows.',
    fix: 'Migrate {table} in several jobs with narrower `--partitions` filters; ' + THEN_RETRY,
    command: '/mms partitions {source} {table}',
  },
  {
    id: 'invalid-partition-value',
    category: 'invalid-partition',
    system: 'maxcompute',
    specificity: 86,
    msg: [
      /invalid\s+(?:dynamic\s+)?partition\s+(?:value|spec)|InvalidPartitionSpec|partition\s*spec[^\n]{0,30}?(?:is\s+)?(?:invalid|illegal|not\s+valid)/i,
      /__HIVE_DEFAULT_PARTITION__/,
      /partition\s+value[^\n]{0,40}?(?:is\s+)?(?:invalid|illegal|null|cannot\s+be\s+null|contains)/i,
    ],
    capture: [
      /(?<partValue>\w+=__HIVE_DEFAULT_PARTITION__)/,
      /partition\s+value:\s*(?<partValue>[^\s,;)]+)/i,
      /partition(?:\s*spec)?[^\n]{0,20}?[:=]\s*'?(?<partValue>\w+=[^\s,;)']+)/i,
    ],
    cause:
      'A partition value of {table}[[ ({partValue})]] is not allowed in MaxCompute (NULL, the Hive default ' +
      'partition, or characters MaxCompute partition values cannot hold).',
    fix:
      'Leave that partition out with a `--partitions` filter and migrate it separately after giving it a valid ' +
      'value at the source (rows with a NULL partition key need a real one), then retry the rest with `' +
      RETRY +
      '`.',
    command: '/mms partitions {source} {table}',
  },
  // ======== conflicts ========
  {
    id: 'tunnel-session-conflict',
    category: 'conflict',
    system: 'tunnel',
    specificity: 86,
    msg: [
      /StatusConflict|(?:upload|download)\s+session\s+is\s+expired|unless\s+INITIATED|session[^\n]{0,30}?(?:expired|already\s+committed)/i,
    ],
    cause:
      'The Tunnel upload session for {target} expired or was already committed before the task finished ' +
      '(sessions live 24 hours; a slow or resumed task outlives them).',
    fix:
      'Retry with `' +
      RETRY +
      '` (a new session is opened); if {table} takes near a day, migrate it in smaller slices with `--partitions`.',
    command: RETRY,
  },
  {
    id: 'tunnel-data-version-conflict',
    category: 'conflict',
    system: 'tunnel',
    specificity: 86,
    msg: [
      /DataVersionConflict|DataUnderReplication|TableModified|MetaTransactionFailed|concurrent\s+upload\/insert/i,
    ],
    cause:
      'The target table {target} changed while MMS uploaded into it (another write, or replication in progress), ' +
      'so Tunnel refused the commit.',
    fix: 'Stop other jobs or users writing {target} during the migration, wait a few minutes, ' + THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'partition-already-exists',
    category: 'conflict',
    system: 'maxcompute',
    specificity: 84,
    msg: [
      /AlreadyExistsException|Partition\s+already\s+exists|SimpleLock\s+conflict/i,
      /cannot\s+acquire\s+(?:exclusive\s+)?lock|lock\s+conflict|concurrent\s+(?:modification|operation)/i,
    ],
    cause:
      'Two writers changed {target} at the same moment (a partition was added twice or a lock was taken); ' +
      'MaxCompute has no table locks to serialise them.',
    fix:
      'Make sure no other job or user writes {target} (or runs a second migration of it) at the same time, ' +
      THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'target-partition-vanished',
    category: 'conflict',
    system: 'tunnel',
    specificity: 80,
    systems: ['tunnel'],
    msg: [/NoSuchPartition|specified\s+partition\s+does\s+not\s+exist/i],
    cause:
      'A partition of {target} disappeared while MMS uploaded into it (dropped or overwritten by another job).',
    fix: 'Stop whatever drops partitions of {target} during the migration, ' + THEN_RETRY,
    command: RETRY,
  },
  // ======== corrupt files and missing tooling at the source ========
  {
    id: 'corrupt-orc',
    category: 'corrupt-source',
    system: 'hdfs',
    specificity: 88,
    msg: [
      /Malformed\s+ORC\s+file|OrcCorruptionException|Invalid\s+postscript|ORC[^\n]{0,40}?corrupt|Problem\s+reading\s+file\s+footer/i,
    ],
    capture: [/Malformed\s+ORC\s+file\.?\s*(?<path>(?:hdfs|oss|s3a?):\/\/\S+?|\/\S+?)[.\s]/i],
    cause:
      'An ORC file of {table}[[ ({path})]] is corrupt or not ORC at all, so the source query cannot read it.',
    fix:
      'Find the bad files with `hive --orcfiledump` or `hdfs fsck` on the partition, restore or remove them (or ' +
      'leave that partition out with `--partitions`), ' +
      THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'corrupt-parquet',
    category: 'corrupt-source',
    system: 'hdfs',
    specificity: 88,
    msg: [
      /ParquetDecodingException|is\s+not\s+a\s+Parquet\s+file|Can\s+not\s+read\s+value\s+at\s+\d+\s+in\s+block|parquet[^\n]{0,40}?corrupt/i,
    ],
    capture: [/in\s+file\s+(?<path>(?:hdfs|oss|s3a?):\/\/\S+)/i, /(?<path>hdfs:\/\/\S+?\.parquet)/i],
    cause:
      'A Parquet file of {table}[[ ({path})]] cannot be decoded (corrupt, or written with a schema the table no ' +
      'longer has).',
    fix:
      'Check the file with `parquet-tools meta`, compare its schema with the table, rewrite or remove it (or ' +
      'leave that partition out with `--partitions`), ' +
      THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'hdfs-missing-blocks',
    category: 'corrupt-source',
    system: 'hdfs',
    specificity: 86,
    msg: [
      /BlockMissingException|Could\s+not\s+obtain\s+block|ChecksumException|Checksum\s+error|missing\s+blocks?/i,
    ],
    capture: [/file=(?<path>\/\S+)/i],
    cause:
      'HDFS could not read blocks of the files of {table}[[ ({path})]]: replicas are missing or corrupt.',
    fix:
      'Run `hdfs fsck <table dir> -list-corruptfileblocks`, bring back the DataNodes or restore the files, ' +
      THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'corrupt-source-file',
    category: 'corrupt-source',
    system: 'detect',
    specificity: 60,
    msg: [
      /corrupt(?:ed)?\s+(?:file|data|block|record)|Unexpected\s+end\s+of\s+input\s+stream|Not\s+a\s+data\s+file|CorruptedDataStream/i,
    ],
    cause: 'Source data of {table} could not be read: a file or data stream is corrupt.',
    fix:
      'Find and repair or remove the corrupt files (or leave that partition out with `--partitions`), ' +
      THEN_RETRY,
    command: RETRY,
  },
  {
    id: 'udtf-missing',
    category: 'tooling-missing',
    system: 'hive',
    specificity: 90,
    msg: [
      /Invalid\s+function\s+[`'"]?[\w.]*odps_data_dump\w*/i,
      /odps_data_dump\w*[^\n]{0,60}?(?:not\s+found|does\s*n[o']t\s+exist|cannot\s+be\s+resolved)/i,
      /ClassNotFoundException:?\s*com\.aliyun\.odps\.mma/i,
    ],
    capture: [/(?<udtf>[\w.]*odps_data_dump\w*)/i],
    cause:
      'The migration UDTF[[ {udtf}]] is not installed in Hive, so the source cannot push {table} to MaxCompute.',
    fix:
      'Upload the MMS UDTF jar to HDFS and register it in Hive (`CREATE FUNCTION <db>.odps_data_dump_multi AS ' +
      "'com.aliyun.odps.mma.io.McDataTransmissionUDTF' USING JAR 'hdfs:///<path>/mma-udtf.jar';`), with the name " +
      'set in data source {source}; ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'hive-function-missing',
    category: 'tooling-missing',
    system: 'hive',
    specificity: 60,
    msg: [
      /Invalid\s+function\s+[`'"]?(?<hiveFunction>[\w.]+)|SemanticException[^\n]{0,80}?function[^\n]{0,40}?(?:not\s+found|does\s*n[o']t\s+exist)/i,
    ],
    cause: 'A function the source query calls[[ ({hiveFunction})]] is not registered in Hive.',
    fix:
      'Register the function in Hive (`CREATE FUNCTION … USING JAR …`) in the database the query uses, or fix the ' +
      'function name in data source {source}; ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  // ======== target schema layer and mapping ========
  {
    id: 'target-schema-missing',
    category: 'schema-layer',
    system: 'maxcompute',
    specificity: 70,
    msg: [
      re(String.raw`\bschema\s+['"\x60]?[\w.-]*['"\x60]?\s*${NOT_EXIST}`),
      /(?:does\s*n[o']t|not)\s+support\s+schemas?\b|\bschemas?\s+(?:feature\s+|model\s+)?(?:is\s+|are\s+)?not\s+(?:enabled|supported|allowed)|three[\s-]*(?:tier|layer)\s+model|odps\.namespace\.schema|(?:no|without)\s+schema\s+(?:layer|level|support)/i,
      /(?:fail(?:ed)?\s+to|cannot|can't|unable\s+to)\s+create\s+schema/i,
    ],
    cause:
      'The target schema {targetSchema} could not be used: it does not exist, or the project has no schema ' +
      'layer (the mapping may point to the wrong place).',
    fix:
      'Fix the target mapping of {db} in the console (Migration Service › Data Sources › {source}): pick a ' +
      'project with schemas enabled, or no schema for a project without them; ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'create-schema-failed',
    category: 'schema-layer',
    system: 'maxcompute',
    specificity: 40,
    action: /\bcreate\s+schema\b/i,
    msg: /error|exception|fail|invalid|not\s+(?:supported|allowed|enabled)|denied/i,
    cause:
      'Creating the target schema {targetSchema} failed: the project has no schema layer, or the mapping is wrong.',
    fix:
      'Fix the target mapping of {db} in the console (Migration Service › Data Sources › {source}), ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  // ======== nothing to migrate, or something gone ========
  {
    id: 'partition-filter-empty',
    category: 'partition-filter-empty',
    system: 'mms',
    specificity: 70,
    msg: [
      /\bno\s+(?:matching\s+|matched\s+|valid\s+|eligible\s+)?partitions?\s+(?:were\s+|was\s+|is\s+|are\s+)?(?:matched|match(?:es|ing)?|found|selected|to\s+migrate|satisf)/i,
      /partition\s+filter[\s\w'"<>=!.,()-]{0,80}?(?:matched|matches|match|returned|selected|found)\s+(?:nothing|no\b|0\b|zero|none|empty)/i,
      /\b(?:matched|selected|found)\s+(?:0|zero|no)\s+partitions?/i,
      /\b0\s+partitions?\s+(?:matched|selected|found|to\s+migrate)/i,
      /partitions?\s+(?:list\s+)?(?:is|are)\s+empty|empty\s+partition\s+(?:list|set)/i,
    ],
    cause: 'The partition filter matched no partitions of {table}, so there was nothing to migrate.',
    fix:
      'List the partitions that exist with `/mms partitions {source} {table}`, then run ' +
      '`/mms migrate {source} {db} --tables {srcTable} --partitions <filter>` again with a filter that matches.',
    command: '/mms partitions {source} {table}',
  },
  {
    // Before the table rules: "column x not found in table y" is about a column, not a table.
    id: 'column-mismatch',
    category: 'schema-mismatch',
    system: 'maxcompute',
    specificity: 66,
    msg: [
      /\b(?:column|field)\s+['"`]?[\w.]+['"`]?\s+(?:does\s*n[o']t\s+exist|not\s+(?:be\s+)?found|cannot\s+be\s+resolved|already\s+exists)/i,
      /\bunknown\s+column\b|\binvalid\s+column\s+(?:name|reference)\b|\bno\s+such\s+column\b|InvalidColumnSpec/i,
    ],
    cause: 'The columns of the target table {target} do not match those of {table} at the source.',
    fix: SCHEMA_FIX,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    // The target table is missing (the message names the target project): recreate it, no rescan.
    id: 'target-table-missing',
    category: 'schema-mismatch',
    system: 'maxcompute',
    specificity: 64,
    msg: [/ODPS-0130131/i, re(String.raw`\b(?:table|partition)\b[^\n]{0,120}?${NOT_EXIST}`), /NoSuchTable/i],
    when: ({ entry, vars }) => mentionsProject(entry.msg, vars.dstProject),
    cause: 'The target table {target} does not exist: it was dropped, or the schema phase did not create it.',
    fix:
      'Retry with `' +
      RETRY +
      '` so the schema phase creates it again; if the mapping points to the wrong project or schema, fix it ' +
      'in the console first.',
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'source-table-missing',
    category: 'table-missing',
    system: 'source',
    specificity: 58,
    msg: [
      /ODPS-0130131/i,
      re(
        String.raw`\b(?:table|partition|view)\b[^\n]{0,120}?(?:${NOT_EXIST}|(?:was|has\s+been|been)\s+(?:dropped|deleted|removed))`,
      ),
      /NoSuchObjectException|InvalidTableException|(?:Table|Partition)NotFound|FileNotFoundException/i,
      re(String.raw`\b(?:file|path|input\s+path|location)\b[^\n]{0,200}?does\s*n[o']t\s+exist`),
      /not\s+found:\s+(?:table|dataset|partition)\b/i,
    ],
    cause:
      '{table} (or one of its partitions) is gone at the source: it was dropped or moved after the last scan.',
    fix:
      'Rescan with `/mms scan {source}` so the inventory is current; if the table still exists, retry with `' +
      RETRY +
      '`, otherwise leave it out of the job.',
    command: '/mms scan {source}',
  },
  // ======== types ========
  {
    id: 'type-system-flag',
    category: 'type-conversion',
    system: 'maxcompute',
    specificity: 86,
    msg: [
      /type\s+is\s+not\s+enabled\s+in\s+current\s+mode|odps\.sql\.type\.system\.odps2|odps\.sql\.decimal\.odps2/i,
    ],
    capture: [/(?<mcType>\w+)\s+type\s+is\s+not\s+enabled/i],
    cause:
      'The target project {dstProject} runs the MaxCompute 1.0 type system, which lacks[[ {mcType} and]] the ' +
      'types the migrated columns need.',
    fix:
      'Turn on the 2.0 type system for {dstProject} (`setproject odps.sql.type.system.odps2=true;`, or ' +
      'Hive-compatible mode `odps.sql.hive.compatible=true` for Hive sources), ' +
      THEN_RETRY,
    command: RETRY,
    link: MC_CONSOLE,
  },
  {
    id: 'illegal-cast-value',
    category: 'type-conversion',
    system: 'maxcompute',
    specificity: 86,
    msg: [/ODPS-0123091|value\s+'[^'\n]{0,200}'\s+cannot\s+be\s+cast(?:ed)?\s+from/i],
    capture: [/from\s+(?<fromType>\w+)\s+to\s+(?<toType>\w+)/i],
    cause:
      'Some values of {table} do not convert to the target column type[[ ({fromType} to {toType})]], and ' +
      '{dstProject} stops on the first such value (strict mode).',
    fix:
      'Make the target column of {target} a type that holds every source value (often STRING), or clean the ' +
      'source values; drop the table so the schema phase recreates it, ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'implicit-type-conversion',
    category: 'type-conversion',
    system: 'maxcompute',
    specificity: 80,
    msg: [
      /ODPS-0130141|illegal\s+implicit\s+type\s+cast|implicit\s+(?:type\s+)?conver(?:sion|t)/i,
      /(?:cannot|can\s*not|unable\s+to)\s+(?:be\s+)?(?:implicitly\s+)?(?:cast|convert(?:ed)?)\s+(?:from\s+)?\w+[^\n]{0,20}?\s+to\s+\w+/i,
      /precision\s+\d+\s+exceeds?\s+(?:the\s+)?max(?:imum)?\s+precision|decimal[^\n]{0,40}?(?:overflow|out\s+of\s+range)/i,
    ],
    capture: [
      /from\s+(?<fromType>[A-Z]\w*(?:\(\d+(?:,\s*\d+)?\))?)\s+to\s+(?<toType>[A-Z]\w*(?:\(\d+(?:,\s*\d+)?\))?)/i,
    ],
    cause:
      'A source column does not convert to its target column type[[ ({fromType} to {toType})]] without an ' +
      'explicit cast, so the copy of {table} stopped.',
    fix:
      'Change the target column type of {target} to one that holds the source values (e.g. DECIMAL(38,18) or ' +
      'STRING), or turn on the 2.0 type system on {dstProject}; drop the table so the schema phase recreates it, ' +
      THEN_RETRY,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'schema-mismatch',
    category: 'schema-mismatch',
    system: 'maxcompute',
    specificity: 50,
    msg: [
      /type\s+mismatch|mismatch(?:ed)?\s+(?:column\s+|data\s+)?types?|incompatible\s+(?:column\s+|data\s+|field\s+)?types?|types?\s+(?:are\s+|is\s+)?(?:incompatible|not\s+compatible)/i,
      /column\s+(?:count|number|size)s?\s+(?:mismatch|does\s*n[o']t\s+match|not\s+match|differ)|(?:number|count)\s+of\s+(?:input\s+)?(?:partition\s+)?columns\s*(?:\(\d+\)\s*)?(?:mismatch|does\s*n[o']t\s+(?:match|equal)|not\s+match|differ)|expect(?:ed|s)?\s+\d+\s+columns?/i,
      /ODPS-0130071|semantic\s+analysis\s+exception/i,
      /unsupported\s+(?:data\s+|column\s+|field\s+)?types?|\btype\s+['"`]?[\w<>(),\s]{1,60}?['"`]?\s+(?:is\s+)?not\s+supported/i,
      /cannot\s+(?:be\s+)?(?:cast|convert(?:ed)?)|(?:cast|conversion)\s+(?:failed|error)/i,
      /schema\s+(?:mismatch|does\s*n[o']t\s+match|not\s+match|(?:is\s+)?(?:inconsistent|different|changed))/i,
    ],
    cause:
      'The target table {target} does not fit the source schema of {table} (column types or count differ, or a ' +
      'type is unsupported).',
    fix: SCHEMA_FIX,
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  // ======== verification ========
  {
    id: 'verification-count-mismatch',
    category: 'verification-mismatch',
    system: 'mms',
    specificity: 50,
    phases: ['VERIFICATION'],
    when: ({ verification }) => verification !== null && verification.source !== verification.destination,
    cause:
      'Row counts differ: source {srcCount}, target {dstCount} ({diffText}); the source table was most likely ' +
      'written to during the migration.',
    fix: 'Stop writes to {table} on the source, then retry with `' + RETRY + '`.',
    command: RETRY,
  },
  {
    // A count query that failed reports -1: there was nothing to compare, so this is not a mismatch. Low
    // specificity: the reason the count failed, when the logs hold it, is the better answer.
    id: 'verification-count-failed',
    category: 'verification-error',
    system: 'detect',
    specificity: 12,
    phases: ['VERIFICATION'],
    when: ({ countFailed }) => countFailed,
    cause:
      'Verification could not compare {table}: a count query failed (it reported -1), so no row counts were ' +
      'compared.',
    fix:
      'Read why the count failed with `/mms logs {source} {task}` (usually a timeout or a lost connection on ' +
      'that side), then retry with `' +
      RETRY +
      '`.',
    command: RETRY,
  },
  {
    id: 'verification-failed',
    category: 'verification-mismatch',
    system: 'mms',
    specificity: 30,
    phases: ['VERIFICATION'],
    status: /FAIL/i,
    msg: /count|mismatch|not\s+(?:equal|match|consistent)|differ|inconsistent|unequal/i,
    // Counts that agree are not a mismatch, whatever else failed; nor are counts that failed.
    when: ({ verification, countFailed }) =>
      !countFailed && (verification === null || verification.source !== verification.destination),
    cause:
      'Verification found that source and target of {table} differ; the source table was most likely written ' +
      'to during the migration.',
    fix: 'Stop writes to {table} on the source, then retry with `' + RETRY + '`.',
    command: RETRY,
  },
];
