// The table of failure-diagnosis rules: data, read top to bottom by `diagnoseTask`; the first rule that matches
// a decisive log entry wins, so specific rules come before general ones. Adding a rule needs no code change.
//
// Templates (cause, fix, command, link) take `{name}` variables:
//   {table} source `db.table` · {db} · {srcTable} · {target} `project[.schema].table` · {dstProject} ·
//   {dstSchema} · {targetSchema} `project[.schema]` · {dstTable} · {partition} · {source} (quoted if it has
//   spaces) · {region} · {job} · {task} · {status} · {phase} `SCHEMA|DATA|VERIFICATION` · {phaseText}
//   `the data phase` · {srcCount} {dstCount} {diffText} (when the logs carry verification counts) ·
//   plus any named group captured by the rule's regexes, e.g. `(?<accountId>\d+)`.
// A variable with no value renders as `<name>`. `[[ … ]]` is kept only when every variable inside has a value.
import type { Task } from '../mms/schemas.js';
import type { DiagnosisCategory } from './diagnose.js';

export type Phase = 'SCHEMA' | 'DATA' | 'VERIFICATION';

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
}

/** What a rule's `when` predicate sees. */
export interface RuleFacts {
  task: Task;
  entry: LogEntry;
  /** Template variables, including the named groups this rule captured on this entry. */
  vars: Readonly<Record<string, string | undefined>>;
  /** Row counts found anywhere in the task's verification logs (newest wins). */
  verification: { source: number; destination: number } | null;
}

export interface DiagnosisRule {
  id: string;
  category: DiagnosisCategory;
  /** The entry's phase must be one of these (entries with no known phase then never match). */
  phases?: readonly Phase[];
  /** Over the entry's status, e.g. `/FAIL/i`. */
  status?: Matcher;
  /** Over the entry's msg (the outcome). */
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
  'source-connectivity': 'source connectivity',
  'schema-layer': 'target schema or mapping',
  'schema-mismatch': 'schema mismatch',
  'table-missing': 'table or partition gone at source',
  'partition-filter-empty': 'partition filter matched nothing',
  quota: 'no quota on target project',
  'verification-mismatch': 'verification mismatch',
  unknown: 'unknown cause',
};

export const DATASOURCE_CONSOLE = 'https://maxcompute.console.aliyun.com/{region}/mma/datasource';
const RETRY = '/mms retry-task {source} {task}';
const ROLE = 'AliyunServiceRoleForMaxComputeMMS';
const SCHEMA_FIX =
  'Fix the target table or the column mapping in the console, or drop {target} so the schema phase recreates ' +
  'it, then retry with `' +
  RETRY +
  '`.';
/** The role as a MaxCompute project user; `{accountId}` is captured from the denial or left as a placeholder. */
const ROLE_USER = 'RAM$' + '{accountId}:role/' + ROLE;

/** Text when no rule matched (category `unknown`). */
export const FALLBACK = {
  /** The task failed (or its logs show a failed step). */
  failed: {
    cause: '{table} failed in {phaseText}, and its logs match no known cause.',
    fix:
      'Read the full logs with `/mms logs {source} {task}` (the decisive lines are below), fix the cause, ' +
      'then retry with `' +
      RETRY +
      '`.',
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

// ---- shared fragments ----
/** "does not exist" and friends, but not the `if not exists` of DDL echoed in a message. */
const NOT_EXIST = String.raw`(?:not\s+found|does\s*n[o']t\s+exist|(?<!\bif\s{1,9})not\s+exists?|no\s+longer\s+exists?|cannot\s+be\s+resolved)`;
const re = (source: string, flags = 'i'): RegExp => new RegExp(source, flags);

/** MaxCompute's authorization failures (ODPS-0420095 and its wordings). */
const ODPS_DENIED: readonly RegExp[] = [
  /ODPS-0420095/i,
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

export const DEFAULT_RULES: readonly DiagnosisRule[] = [
  // ---- account-level permissions: most specific first ----
  {
    id: 'service-linked-role-missing',
    category: 'service-linked-role',
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
      'whoever creates it needs AliyunRAMFullAccess. Then retry with `' +
      RETRY +
      '`.',
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'ram-policy-denied',
    category: 'permission-ram',
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
      'role; `/mms setup` shows the policy. Then retry with `' +
      RETRY +
      '`.',
    command: '/mms setup',
  },
  // ---- the source refused access: before the target rules, which share words like "Access Denied" ----
  {
    id: 'source-access-denied',
    category: 'source-connectivity',
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
      'in the console, then retry with `' +
      RETRY +
      '`.',
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    // MaxCompute → MaxCompute: the denial names a project that is not the target.
    id: 'source-project-denied',
    category: 'source-connectivity',
    msg: ODPS_DENIED,
    capture: PERMISSION_CAPTURES,
    when: ({ vars }) =>
      !!vars.deniedProject && !!vars.dstProject && !sameName(vars.deniedProject, vars.dstProject),
    cause:
      'The source project {deniedProject} denied access[[ ({privilege})]] to the account configured in data ' +
      'source {source}.',
    fix:
      'Grant that account Describe and Select on {deniedProject}, or change the credentials of data source ' +
      '{source} in the console, then retry with `' +
      RETRY +
      '`.',
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'target-project-denied',
    category: 'permission-target',
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
  // ---- target capacity ----
  {
    id: 'quota-unavailable',
    category: 'quota',
    msg: [
      /ODPS-0130111/i,
      /quota[\s\w'"-]{0,40}?(?:not\s+(?:been\s+)?(?:bound|bind|found|set|exists?|enough|sufficient|available|configured)|does\s*n[o']t\s+exist|exceed(?:ed|s)?|insufficient|exhausted|unavailable|is\s+(?:full|empty))/i,
      /not\s+(?:been\s+)?bound\s+(?:to|with)\s+(?:any\s+|a\s+)?quota/i,
      /\bno\s+(?:available\s+|usable\s+|bound\s+)?(?:compute\s+)?quota\b/i,
      /(?:insufficient|not\s+enough|no\s+enough)\s+(?:compute\s+)?(?:quota|resources?|CUs?)\b/i,
      /\bresources?\s+(?:is\s+|are\s+)?(?:insufficient|not\s+enough|exhausted)/i,
      /\bQuota(?:NotFound|NotExist|Exceeded|Insufficient)/i,
    ],
    cause: 'The target project {dstProject} has no usable compute quota (none is bound, or it is exhausted).',
    fix:
      'Bind a quota to {dstProject} in the MaxCompute console (Quotas), or free capacity on it, then retry with `' +
      RETRY +
      '`.',
    command: RETRY,
  },
  // ---- the source cannot be reached or logged in to ----
  {
    id: 'source-auth-failed',
    category: 'source-connectivity',
    msg: [
      /authentication\s+(?:failed|failure|error)|\bauth(?:entication)?\s+failed/i,
      /invalid\s+(?:credentials?|user(?:name)?\s+or\s+password|password|access\s*key)/i,
      /wrong\s+password|bad\s+credentials|login\s+failed|GSS\s+initiate\s+failed|LoginException/i,
      /kerberos[^\n]{0,60}?(?:fail|error|expired|invalid|unable)|(?:fail|error|expired|invalid|unable)[^\n]{0,60}?kerberos/i,
      /InvalidAccessKeyId|SignatureDoesNotMatch|InvalidSecurityToken/i,
    ],
    cause: 'The source rejected the credentials of data source {source}.',
    fix:
      'Update the credentials of data source {source} in the console (Migration Service › Data Sources), then ' +
      'retry with `' +
      RETRY +
      '`.',
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'source-agent-offline',
    category: 'source-connectivity',
    msg: [
      /agent[\s\w'"-]{0,30}?(?:offline|not\s+online|is\s+down|disconnected|unavailable|unreachable|lost|not\s+running|heartbeat\s+time\s*out)/i,
    ],
    cause: 'The MMS agent of data source {source} is offline, so the task could not run.',
    fix:
      'Restart the agent or repair the network link of data source {source} in the console, then retry with `' +
      RETRY +
      '`.',
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'source-unreachable',
    category: 'source-connectivity',
    msg: [
      /\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ENETUNREACH)\b/,
      /connection\s+refused|ConnectException/i,
      /conn(?:ect|ection)?\s*(?:attempt\s+)?timed?[\s-]*out|SocketTimeoutException|(?:read|socket)\s+timed?[\s-]*out/i,
      /(?:could\s*n[o']t|cannot|can't|unable\s+to|failed\s+to)\s+connect/i,
      /meta\s*store[\s\w'"-]{0,40}?(?:unavailable|unreachable|is\s+down|not\s+available)/i,
      /TTransportException/i,
      /UnknownHostException|unknown\s+host|name\s+or\s+service\s+not\s+known|nodename\s+nor\s+servname|could\s+not\s+resolve\s+host/i,
      /no\s+route\s+to\s+host|network\s+(?:is\s+)?unreachable|connection\s+(?:reset|closed\s+by\s+peer)/i,
    ],
    cause: 'MMS could not reach the source of data source {source} (network link, host, port or metastore).',
    fix:
      'Fix the network link and connection settings of data source {source} in the console, then retry with `' +
      RETRY +
      '`.',
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  // ---- target schema layer and mapping ----
  {
    id: 'target-schema-missing',
    category: 'schema-layer',
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
      'project with schemas enabled, or no schema for a project without them; then retry with `' +
      RETRY +
      '`.',
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  {
    id: 'create-schema-failed',
    category: 'schema-layer',
    action: /\bcreate\s+schema\b/i,
    msg: /error|exception|fail|invalid|not\s+(?:supported|allowed|enabled)|denied/i,
    cause:
      'Creating the target schema {targetSchema} failed: the project has no schema layer, or the mapping is wrong.',
    fix:
      'Fix the target mapping of {db} in the console (Migration Service › Data Sources › {source}), then retry ' +
      'with `' +
      RETRY +
      '`.',
    command: RETRY,
    link: DATASOURCE_CONSOLE,
  },
  // ---- nothing to migrate, or something gone ----
  {
    id: 'partition-filter-empty',
    category: 'partition-filter-empty',
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
    msg: [
      /\b(?:column|field)\s+['"`]?[\w.]+['"`]?\s+(?:does\s*n[o']t\s+exist|not\s+(?:be\s+)?found|cannot\s+be\s+resolved|already\s+exists)/i,
      /\bunknown\s+column\b|\binvalid\s+column\s+(?:name|reference)\b|\bno\s+such\s+column\b/i,
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
    msg: [/ODPS-0130131/i, re(String.raw`\b(?:table|partition)\b[^\n]{0,120}?${NOT_EXIST}`)],
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
  // ---- schema does not fit ----
  {
    id: 'schema-mismatch',
    category: 'schema-mismatch',
    msg: [
      /type\s+mismatch|mismatch(?:ed)?\s+(?:column\s+|data\s+)?types?|incompatible\s+(?:column\s+|data\s+|field\s+)?types?|types?\s+(?:are\s+|is\s+)?(?:incompatible|not\s+compatible)/i,
      /column\s+(?:count|number|size)s?\s+(?:mismatch|does\s*n[o']t\s+match|not\s+match|differ)|(?:number|count)\s+of\s+columns\s+(?:mismatch|does\s*n[o']t\s+match|not\s+match|differ)|expect(?:ed|s)?\s+\d+\s+columns?/i,
      /ODPS-0130071|semantic\s+analysis\s+exception|ODPS-0130141|illegal\s+(?:implicit\s+)?type\s+cast/i,
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
  // ---- verification ----
  {
    id: 'verification-count-mismatch',
    category: 'verification-mismatch',
    phases: ['VERIFICATION'],
    when: ({ verification }) => verification !== null && verification.source !== verification.destination,
    cause:
      'Row counts differ: source {srcCount}, target {dstCount} ({diffText}); the source table was most likely ' +
      'written to during the migration.',
    fix: 'Stop writes to {table} on the source, then retry with `' + RETRY + '`.',
    command: RETRY,
  },
  {
    id: 'verification-failed',
    category: 'verification-mismatch',
    phases: ['VERIFICATION'],
    status: /FAIL/i,
    msg: /count|mismatch|not\s+(?:equal|match|consistent)|differ|inconsistent|unequal/i,
    // Counts that agree are not a mismatch, whatever else failed.
    when: ({ verification }) => verification === null || verification.source !== verification.destination,
    cause:
      'Verification found that source and target of {table} differ; the source table was most likely written ' +
      'to during the migration.',
    fix: 'Stop writes to {table} on the source, then retry with `' + RETRY + '`.',
    command: RETRY,
  },
];
