// Failure diagnosis from task logs: cause, fix, evidence, category, system and phase. The causes live in a
// table of rules (rules.ts); this module reads the whole log (the failing row, the rows before it, earlier
// failures, each message's exception chain), tells which system raised the error, runs every rule over the
// decisive entries and keeps the most specific match. Pure: no I/O. Linear in the number of log entries;
// only a bounded set of entries is matched against the rules.
import { redactText } from '../mms/redact.js';
import { parseMmsTime, type Task, type TaskLog } from '../mms/schemas.js';
import {
  CATEGORY_LABELS,
  CHECK_BY_PHASE,
  CHECK_BY_SYSTEM,
  DEFAULT_RULES,
  type DiagnosisRule,
  FALLBACK,
  type LogEntry,
  type Matcher,
  mentionsProject,
  type Phase,
  type Side,
  SOURCE_SYSTEMS,
  SYSTEM_HINTS,
  SYSTEMS,
  type System,
} from './rules.js';

export type { DiagnosisRule, LogEntry, Phase, RuleFacts, Side, System } from './rules.js';
export { CATEGORY_LABELS, DEFAULT_RULES, SYSTEMS } from './rules.js';

export type DiagnosisCategory =
  | 'permission-target'
  | 'permission-ram'
  | 'service-linked-role'
  | 'permission-source'
  | 'credentials'
  | 'clock-skew'
  | 'source-connectivity'
  | 'target-connectivity'
  | 'schema-mismatch'
  | 'type-conversion'
  | 'table-missing'
  | 'partition-filter-empty'
  | 'invalid-partition'
  | 'limit'
  | 'conflict'
  | 'quota'
  | 'rate-limit'
  | 'memory'
  | 'timeout'
  | 'corrupt-source'
  | 'tooling-missing'
  | 'verification-mismatch'
  | 'verification-error'
  | 'schema-layer'
  | 'unknown';

export interface Diagnosis {
  taskId: number;
  table: string;
  /** Failed phase: SCHEMA | DATA | VERIFICATION, or null when the logs do not say. */
  phase: string | null;
  category: DiagnosisCategory;
  /** One sentence: what went wrong. */
  cause: string;
  /** One or two sentences: what to do, naming the `/mms` command or console page. */
  fix: string;
  /** A `/mms …` command that applies the fix or retries, when there is one. */
  command?: string;
  /** Console or documentation link, when the fix lives there. */
  link?: string;
  /** The decisive log lines (already redacted by the client), newest last. */
  evidence: string[];
  /** Row counts when verification compared them. */
  verification?: { source: number; destination: number };
  /**
   * Which system raised the error, and on which side of the migration it sits. Always set by
   * `diagnoseTask`; absent on diagnoses restored from state stored before these fields existed.
   */
  system?: System;
  side?: Side;
  /** One line: category, system and phase, e.g. "out of memory · YARN (transfer) · data phase". */
  summary?: string;
  /** The rule that explained the failure, when one did. */
  rule?: string;
}

export interface DiagnosisContext {
  region: string;
  /** The data source's name (commands in fixes name it: `/mms retry-task hive-prod 7620`). */
  source: string;
  /** The data source's type (HIVE, BIGQUERY, ODPS, …), when known: names the source system. */
  sourceType?: string | null;
}

export interface VerificationCounts {
  source: number;
  destination: number;
}

/** The rule that explained a task, and the log entry it matched. */
export interface RuleMatch {
  rule: DiagnosisRule;
  entry: LogEntry;
  /** Named groups captured by the rule's regexes. */
  captures: Record<string, string>;
  /** The system that raised the error. */
  system: System;
  /** Specificity less the distance from the failure: the highest wins. */
  score: number;
}

// ---- limits ----
/** Characters of a message the rules see: the head and the tail of longer ones (stack traces). */
const MATCH_HEAD = 3000;
const MATCH_TAIL = 1000;
/** Entries taken from each class of candidates (window, failed entries, error-like entries, tail). */
const PER_CLASS = 10;
const MAX_EVIDENCE = 5;
const EVIDENCE_CHARS = 300;
const EVIDENCE_ACTION_CHARS = 90;

const FAILED_STATUS = /FAIL|ERROR/i;
const ERROR_LIKE =
  /error|exception|fail|denied|refused|timed?[\s-]?out|not\s+found|not\s+exist|invalid|unable|cannot|can't|no\s+privilege|forbidden|mismatch|insufficient|quota|offline/i;
const OK_MSG = /^\s*(?:ok|okay|success(?:ful)?|succeeded|done|true|finished|completed)\s*[.!]?\s*$/i;

// ---- small, total helpers ----
const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';

const num = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
};

const clip = (s: string): string =>
  s.length <= MATCH_HEAD + MATCH_TAIL ? s : s.slice(0, MATCH_HEAD) + '\n…\n' + s.slice(-MATCH_TAIL);

/** Stack frames (`at x.y(Z.java:1)`, `... 47 more`) carry no cause; dropping them keeps `Caused by:` chains. */
const FRAME = /^\s*(?:at\s+[\w$.<>/-]+\(.*\)\s*(?:~?\[[^\]]*\])?|\.\.\.\s*\d+\s+more)\s*$/;

/** The message as the rules read it: the exception chain without its stack frames, clipped. */
function condense(s: string): string {
  if (s.length < 200 || !s.includes('\n')) return clip(s);
  const head = s.length > 200_000 ? s.slice(0, 100_000) + '\n' + s.slice(-100_000) : s;
  return clip(
    head
      .split(/\r?\n/)
      .filter((line) => !FRAME.test(line))
      .join('\n'),
  );
}

const squash = (s: string, max: number): string => {
  const short = s.length > max * 4 ? s.slice(0, max * 4) : s;
  const one = short.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : one.slice(0, max - 1).trimEnd() + '…';
};

const asList = (m: Matcher): readonly RegExp[] => (m instanceof RegExp ? [m] : m);

const phaseOf = (status: string): Phase | null => {
  const m = /^\s*(SCHEMA|DATA|VERIF)/i.exec(status);
  if (!m) return null;
  const p = (m[1] ?? '').toUpperCase();
  return p === 'VERIF' ? 'VERIFICATION' : (p as Phase);
};

const isFailed = (status: string): boolean => FAILED_STATUS.test(status);

/** Logs as an array, oldest first: MMS's order is not documented, so a descending list is turned round. */
function chronological(logs: unknown): TaskLog[] {
  if (!Array.isArray(logs)) return [];
  const out: TaskLog[] = [];
  for (const e of logs) if (e !== null && typeof e === 'object') out.push(e as TaskLog);
  if (out.length > 1 && isDescending(out[0]!, out[out.length - 1]!)) out.reverse();
  return out;
}

function isDescending(first: TaskLog, last: TaskLog): boolean {
  const a = num(first.id);
  const b = num(last.id);
  if (a !== null && b !== null && a !== b) return a > b;
  const ta = parseMmsTime(first.createTime ?? null)?.getTime();
  const tb = parseMmsTime(last.createTime ?? null)?.getTime();
  if (ta !== undefined && tb !== undefined && Number.isFinite(ta) && Number.isFinite(tb) && ta !== tb) {
    return ta > tb;
  }
  return false;
}

/** What ran says little (SQL names tables and comments), except that the migration UDTF runs on Hive. */
const ACTION_HINTS: ReadonlyArray<readonly [System, RegExp]> = [['hive', /odps_data_dump|\bhive\s+sql\b/i]];

/**
 * The system an entry's text points to: of the systems its message names, the one named last (deepest in
 * the exception chain: a Hive error wrapping a MaxCompute one is MaxCompute's), else a telling action.
 */
export function detectSystem(msg: string, action = ''): System {
  let found: System = 'unknown';
  let at = -1;
  if (msg) {
    for (const [system, hint] of HINTS_GLOBAL) {
      const last = lastIndexOf(hint, msg);
      if (last > at) {
        at = last;
        found = system;
      }
    }
  }
  if (found !== 'unknown') return found;
  if (action) for (const [system, hint] of ACTION_HINTS) if (hint.test(action)) return system;
  return 'unknown';
}

const HINTS_GLOBAL: ReadonlyArray<readonly [System, RegExp]> = SYSTEM_HINTS.map(([system, hint]) => [
  system,
  new RegExp(hint.source, hint.flags.includes('g') ? hint.flags : `${hint.flags}g`),
]);

/** Where the last match of a global `hint` starts in `text`, or -1. */
function lastIndexOf(hint: RegExp, text: string): number {
  let last = -1;
  for (const m of text.matchAll(hint)) {
    last = m.index;
    if (m[0] === '') break;
  }
  return last;
}

function entryAt(lines: readonly TaskLog[], index: number, fallbackPhase: Phase | null): LogEntry {
  const e = lines[index];
  const status = str(e?.status).trim();
  const action = clip(str(e?.action));
  const msg = condense(str(e?.msg));
  return {
    index,
    status,
    action,
    msg,
    phase: phaseOf(status) ?? fallbackPhase,
    system: detectSystem(msg, action.slice(0, 2000)),
  };
}

/**
 * `[STATUS] action → msg`, on one line, at most ~300 characters. Redacted before it is shortened, so a cut
 * never leaves half a secret that no longer looks like one.
 */
export function evidenceLine(log: TaskLog): string {
  const status = squash(redactText(str(log?.status)), 40) || '-';
  const action = squash(redactText(str(log?.action)), EVIDENCE_ACTION_CHARS);
  const msg = squash(redactText(condense(str(log?.msg))), EVIDENCE_CHARS);
  const body = action && msg ? `${action} → ${msg}` : action || msg || '(empty)';
  return redactText(squash(`[${status}] ${body}`, EVIDENCE_CHARS));
}

// ---- verification counts ----
const NUM = String.raw`(-?\d{1,3}(?:,\d{3})+(?!\d)|-?\d+)`;
const CNT = String.raw`[\s_-]*(?:row[\s_-]*)?(?:counts?|cnt|num|number|rows|records|total)`;
const side = (words: string): RegExp =>
  new RegExp(
    String.raw`(?:^|[^a-z])(?:${words})(?:${CNT}["']?\s*(?:is|=>|=|:)?|["']?\s*(?:=>|=|:))\s*["']?${NUM}`,
    'i',
  );
const SRC_COUNT = side('source|src');
const DST_COUNT = side('destination|dest|dst|dsc|target|tgt');
const VS_COUNT = new RegExp(
  String.raw`\bcounts?\b[^\d\n-]{0,60}?${NUM}\s*(?:vs\.?|versus|!=|<>|≠|\/|->|→|and)\s*${NUM}`,
  'i',
);
/** MMA's compare line: `hive Count: 1203331, odps Count: 1203117` (source first). */
const NAMED_COUNTS = new RegExp(String.raw`\b[\w.]+\s+Count:\s*${NUM}\s*,\s*[\w.]+\s+Count:\s*${NUM}`, 'i');
/** MMA's per-partition compare: `src table vs dst table:` then `ds=20250101: 100, 98 not equal!` lines. */
const PER_PARTITION_HEAD = /src\s+table\s+vs\s+dst\s+table/i;
const PER_PARTITION_LINE = /^[^\n:]{1,200}:\s*(-?\d+)\s*,\s*(-?\d+)/gm;
const BARE_COUNT = new RegExp(
  String.raw`^\s*(?:(?:count|rows?|result)\s*[:=]?\s*)?${NUM}\s*(?:rows?)?\s*$`,
  'i',
);
const COUNT_QUERY = /\bcount\s*\(/i;

const toCount = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const n = Number(s.replace(/,/g, ''));
  return Number.isSafeInteger(n) ? n : null;
};

/** Counts as stated, -1 included (a count query that failed). */
function rawCounts(text: string): VerificationCounts | null {
  const pair = (a: string | undefined, b: string | undefined): VerificationCounts | null => {
    const source = toCount(a);
    const destination = toCount(b);
    return source !== null && destination !== null ? { source, destination } : null;
  };
  const named = NAMED_COUNTS.exec(text);
  if (named) return pair(named[1], named[2]);
  if (PER_PARTITION_HEAD.test(text)) {
    let source = 0;
    let destination = 0;
    let failed = false;
    let seen = false;
    for (const m of text.matchAll(PER_PARTITION_LINE)) {
      const a = Number(m[1]);
      const b = Number(m[2]);
      seen = true;
      if (a < 0 || b < 0) failed = true;
      source += Math.max(a, 0);
      destination += Math.max(b, 0);
    }
    if (seen) return failed ? { source: -1, destination: -1 } : { source, destination };
  }
  const s = SRC_COUNT.exec(text);
  const d = DST_COUNT.exec(text);
  if (s && d) {
    const p = pair(s[1], d[1]);
    if (p) return p;
  }
  const v = VS_COUNT.exec(text);
  if (v) return pair(v[1], v[2]);
  return null;
}

const failedCount = (c: VerificationCounts): boolean => c.source < 0 || c.destination < 0;

/** Source and destination counts stated in one message, in any of the wordings seen or guessed. */
export function parseCounts(msg: string | null | undefined): VerificationCounts | null {
  const text = clip(str(msg));
  if (!text) return null;
  const c = rawCounts(text);
  return c && !failedCount(c) ? c : null;
}

interface CountResult {
  counts: VerificationCounts | null;
  /** A count query reported -1. */
  failed: boolean;
}

function countsFrom(lines: readonly TaskLog[], dstProject: string): CountResult {
  // A bare number from a newer `select count(*)` entry, waiting for its partner.
  let pending: { value: number; target: boolean } | null = null;
  const done = (c: VerificationCounts): CountResult =>
    failedCount(c) ? { counts: null, failed: true } : { counts: c, failed: false };
  for (let i = lines.length - 1; i >= 0; i--) {
    const e = lines[i]!;
    const status = str(e.status);
    const phase = phaseOf(status);
    const action = str(e.action).slice(0, 2000);
    const countQuery = COUNT_QUERY.test(action);
    const relevant =
      phase === 'VERIFICATION' ||
      /^\s*DONE\s*$/i.test(status) ||
      (phase === null && (countQuery || /\bcount\b/i.test(action)));
    if (!relevant) continue;
    const msg = str(e.msg);
    const pair = rawCounts(clip(msg));
    if (pair) return done(pair);
    if (!countQuery) continue;
    const bare = BARE_COUNT.exec(msg.slice(0, 200));
    const value = toCount(bare?.[1]);
    if (value === null) continue;
    const target = mentionsProject(action, dstProject);
    if (!pending) {
      pending = { value, target };
    } else if (target && !pending.target) {
      return done({ source: pending.value, destination: value });
    } else {
      return done({ source: value, destination: pending.value });
    }
  }
  return { counts: null, failed: false };
}

/**
 * Row counts from the task's verification logs (VERIFICATION_* entries, newest first), for failed and passed
 * tasks alike; null when no entry states both counts, or a count query failed (-1). With the task, a pair
 * of bare `select count(*)` results is told apart by which one queried the target project.
 */
export function verificationFromLogs(
  logs: readonly TaskLog[] | null | undefined,
  task?: Task | null,
): VerificationCounts | null {
  try {
    return countsFrom(chronological(logs), str(task?.dstDbName)).counts;
  } catch {
    return null;
  }
}

// ---- templates ----
type Vars = Record<string, string | undefined>;

/** `{name}` → value (or `<name>` when unknown); `[[ … ]]` only when all its variables have values. */
export function renderTemplate(template: string, vars: Readonly<Vars>): string {
  return template
    .replace(/\[\[([\s\S]*?)\]\]/g, (_, inner: string) => {
      for (const m of inner.matchAll(/\{(\w+)\}/g)) if (!vars[m[1] ?? '']) return '';
      return inner;
    })
    .replace(/\{(\w+)\}/g, (_, name: string) => vars[name] || `<${name}>`);
}

const arg = (s: string): string => (/\s/.test(s) ? JSON.stringify(s) : s);
const fmt = (n: number): string => n.toLocaleString('en-US');
const PHASE_TEXT: Record<Phase, string> = {
  SCHEMA: 'the schema phase',
  DATA: 'the data phase',
  VERIFICATION: 'the verification phase',
};

function baseVars(task: Task, ctx: DiagnosisContext, counts: VerificationCounts | null): Vars {
  const db = str(task.srcDbName) || undefined;
  const srcTable = str(task.srcTableName) || undefined;
  const dstProject = str(task.dstDbName) || undefined;
  const dstSchema = str(task.dstSchemaName) || undefined;
  const dstTable = str(task.dstTableName) || undefined;
  const id = num(task.id);
  const join = (...parts: (string | undefined)[]): string | undefined =>
    parts.every((p) => p === undefined) ? undefined : parts.filter((p) => p !== undefined).join('.');
  const target = dstTable ? join(dstProject, dstSchema, dstTable) : undefined;
  const table =
    (srcTable ? join(db, srcTable) : undefined) ?? target ?? (id !== null ? `task ${id}` : 'the task');
  const vars: Vars = {
    table,
    db,
    srcTable,
    target: target ?? (dstTable || undefined),
    dstProject,
    dstSchema,
    dstTable,
    targetSchema: dstProject ? join(dstProject, dstSchema) : undefined,
    source: ctx?.source ? arg(str(ctx.source)) : undefined,
    region: str(ctx?.region) || undefined,
    job: str(task.jobName) || (num(task.jobId) !== null ? String(num(task.jobId)) : undefined),
    task: id !== null ? String(id) : undefined,
    status: str(task.status) || 'unknown',
  };
  if (counts) {
    const diff = counts.destination - counts.source;
    vars.srcCount = fmt(counts.source);
    vars.dstCount = fmt(counts.destination);
    vars.diffText =
      diff === 0
        ? 'no difference'
        : diff < 0
          ? `${fmt(-diff)} ${-diff === 1 ? 'row' : 'rows'} fewer in the target`
          : `${fmt(diff)} more ${diff === 1 ? 'row' : 'rows'} in the target`;
  }
  return vars;
}

// ---- matching ----
/** Found anywhere in the decisive entry, for every template: hosts, YARN applications, file paths. */
const GLOBAL_CAPTURES: readonly RegExp[] = [
  /(?:\/\/|@)(?<host>[\w-]+(?:\.[\w-]+)+)(?::\d+)?/,
  /\bhost\s*[=:]?\s*['"]?(?<host>[\w-]+(?:\.[\w-]+)+)/i,
  /(?<appId>application_\d+_\d+)/,
  /(?<path>(?:hdfs|oss|s3a?):\/\/[^\s'",;]+)/,
  /RAM\$(?<accountId>\d{6,})/i,
];

function test(matcher: Matcher, text: string, captures: Record<string, string>): boolean {
  for (const r of asList(matcher)) {
    if (!(r instanceof RegExp)) continue;
    r.lastIndex = 0;
    const m = r.exec(text);
    r.lastIndex = 0;
    if (!m) continue;
    if (m.groups)
      for (const [k, v] of Object.entries(m.groups)) if (v !== undefined && !(k in captures)) captures[k] = v;
    return true;
  }
  return false;
}

/** Where the error came from, for a rule that says `source`, `detect` or a system of its own. */
function systemFor(rule: DiagnosisRule, entry: LogEntry, sourceSystem: System | null): System {
  const own = rule.system ?? 'detect';
  if (own === 'source') {
    if (entry.system !== 'unknown' && SYSTEMS[entry.system].side === 'source') return entry.system;
    return sourceSystem ?? 'source';
  }
  if (own === 'detect') return entry.system !== 'unknown' ? entry.system : (sourceSystem ?? 'unknown');
  return own;
}

function systemLabel(system: System): string {
  return system === 'unknown' ? 'A service' : SYSTEMS[system].label;
}

interface MatchInput {
  task: Task;
  vars: Readonly<Vars>;
  counts: CountResult;
  sourceSystem: System | null;
}

function matchEntry(
  entry: LogEntry,
  rules: readonly DiagnosisRule[],
  input: MatchInput,
  position: number,
  best: RuleMatch | null,
): RuleMatch | null {
  const penalty = Math.min(position, 30);
  let global: Record<string, string> | null = null;
  for (const rule of rules) {
    if (!rule || (!rule.status && !rule.msg && !rule.action && !rule.when)) continue;
    const score = (rule.specificity ?? 30) - penalty;
    if (best && score <= best.score) continue;
    if (rule.phases && (!entry.phase || !rule.phases.includes(entry.phase))) continue;
    if (rule.systems && !rule.systems.includes(entry.system)) continue;
    const captures: Record<string, string> = {};
    try {
      if (rule.status && !test(rule.status, entry.status, captures)) continue;
      if (rule.msg && !test(rule.msg, entry.msg, captures)) continue;
      if (rule.action && !test(rule.action, entry.action, captures)) continue;
      const text = entry.msg + '\n' + entry.action;
      if (rule.capture) for (const r of asList(rule.capture)) test(r, text, captures);
      if (!global) {
        global = {};
        for (const r of GLOBAL_CAPTURES) test(r, entry.msg, global);
      }
      for (const [k, v] of Object.entries(global)) if (!(k in captures)) captures[k] = v;
      const system = systemFor(rule, entry, input.sourceSystem);
      captures.systemLabel ??= systemLabel(system);
      if (
        rule.when &&
        !rule.when({
          task: input.task,
          entry,
          vars: { ...input.vars, ...captures },
          verification: input.counts.counts,
          countFailed: input.counts.failed,
        })
      )
        continue;
      best = { rule, entry, captures, system, score };
    } catch {
      // a custom rule that throws does not match
    }
  }
  return best;
}

interface Scan {
  lines: TaskLog[];
  lastFail: number;
  /** Failed entries, newest first (at most PER_CLASS + 1). */
  failed: number[];
  /** Entries whose msg reads like an error, newest first (at most PER_CLASS). */
  errorLike: number[];
}

/** One pass over the logs: where the failures are, and which messages read like errors. */
function scan(lines: TaskLog[]): Scan {
  const failRing: number[] = [];
  const errRing: number[] = [];
  let lastFail = -1;
  for (let i = 0; i < lines.length; i++) {
    const e = lines[i]!;
    if (isFailed(str(e.status))) {
      lastFail = i;
      failRing.push(i);
      if (failRing.length > PER_CLASS + 1) failRing.shift();
    } else if (ERROR_LIKE.test(str(e.msg).slice(0, 2000))) {
      errRing.push(i);
      if (errRing.length > PER_CLASS) errRing.shift();
    }
  }
  return { lines, lastFail, failed: failRing.reverse(), errorLike: errRing.reverse() };
}

/**
 * The entries to test, most decisive first: the last failed entry and what led to it (back to the failure
 * before), other failed entries, error-like messages, then the tail. For a task that has not failed, entries
 * after its last failure (a newer attempt) come first.
 */
function candidates(s: Scan, taskFailed: boolean): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const add = (i: number): void => {
    if (i >= 0 && i < s.lines.length && !seen.has(i)) {
      seen.add(i);
      out.push(i);
    }
  };
  const n = s.lines.length;
  const tail = (): void => {
    for (let i = n - 1, k = 0; i >= 0 && k < PER_CLASS; i--, k++) add(i);
  };
  if (s.lastFail < 0) {
    tail();
  } else {
    if (!taskFailed) for (let i = n - 1, k = 0; i > s.lastFail && k < PER_CLASS; i--, k++) add(i);
    add(s.lastFail);
    const prev = s.failed[1] ?? -1;
    for (let i = s.lastFail - 1, k = 0; i > prev && k < PER_CLASS; i--, k++) add(i);
  }
  for (const i of s.failed) add(i);
  for (const i of s.errorLike) add(i);
  tail();
  return out;
}

function pickEvidence(s: Scan, order: readonly number[], matched: number | null): string[] {
  const chosen = new Set<number>();
  if (matched !== null) chosen.add(matched);
  if (s.lastFail >= 0) chosen.add(s.lastFail);
  for (const i of order) {
    if (chosen.size >= MAX_EVIDENCE) break;
    const e = s.lines[i]!;
    const msg = str(e.msg);
    if (isFailed(str(e.status)) || (ERROR_LIKE.test(msg.slice(0, 2000)) && !OK_MSG.test(msg))) chosen.add(i);
  }
  if (chosen.size === 0) for (let i = Math.max(0, s.lines.length - 3); i < s.lines.length; i++) chosen.add(i);
  return [...chosen]
    .sort((a, b) => a - b)
    .slice(-MAX_EVIDENCE)
    .map((i) => evidenceLine(s.lines[i]!));
}

/** The most specific rule that explains the task's logs, with the entry it matched; null when none does. */
export function matchRule(
  task: Task,
  logs: readonly TaskLog[],
  rules: readonly DiagnosisRule[] = DEFAULT_RULES,
  ctx: DiagnosisContext = { region: '', source: '' },
): RuleMatch | null {
  return analyse(task ?? ({} as Task), chronological(logs), ctx, rules).match;
}

interface Analysis {
  scan: Scan;
  order: number[];
  match: RuleMatch | null;
  counts: CountResult;
  vars: Vars;
  taskFailed: boolean;
  taskPhase: Phase | null;
  /** The system of the most decisive entry, for an unexplained failure. */
  decisiveSystem: System;
  sourceSystem: System | null;
}

function analyse(
  task: Task,
  lines: TaskLog[],
  ctx: DiagnosisContext,
  rules: readonly DiagnosisRule[],
): Analysis {
  const taskStatus = str(task.status);
  const taskFailed = isFailed(taskStatus);
  const taskPhase = phaseOf(taskStatus);
  const counts = countsFrom(lines, str(task.dstDbName));
  const vars = baseVars(task, ctx, counts.counts);
  const sourceSystem = SOURCE_SYSTEMS[str(ctx?.sourceType).toUpperCase()] ?? null;
  const s = scan(lines);
  const order = candidates(s, taskFailed);
  let match: RuleMatch | null = null;
  let decisiveSystem: System = 'unknown';
  const list = Array.isArray(rules) ? rules : DEFAULT_RULES;
  const input: MatchInput = { task, vars, counts, sourceSystem };
  let position = 0;
  for (const i of order) {
    const entry = entryAt(lines, i, taskPhase);
    // A failed task failed in its own phase: entries of another phase belong to earlier attempts.
    if (taskFailed && taskPhase && entry.phase && entry.phase !== taskPhase) continue;
    if (decisiveSystem === 'unknown' && entry.system !== 'unknown' && isFailedOrError(lines[i]!))
      decisiveSystem = entry.system;
    match = matchEntry(entry, list, input, position, match);
    position++;
  }
  return { scan: s, order, match, counts, vars, taskFailed, taskPhase, decisiveSystem, sourceSystem };
}

function isFailedOrError(e: TaskLog): boolean {
  return isFailed(str(e.status)) || ERROR_LIKE.test(str(e.msg).slice(0, 2000));
}

const render = (template: string, vars: Readonly<Vars>): string => redactText(renderTemplate(template, vars));

/**
 * Cause and fix of a failed (or stuck) task, from its logs. `rules` replaces the default table (pass
 * `[...myRules, ...DEFAULT_RULES]` to extend it). Never throws.
 */
export function diagnoseTask(
  task: Task,
  logs: TaskLog[],
  ctx: DiagnosisContext,
  rules: readonly DiagnosisRule[] = DEFAULT_RULES,
): Diagnosis {
  const t = (task !== null && typeof task === 'object' ? task : {}) as Task;
  const c = (ctx !== null && typeof ctx === 'object' ? ctx : { region: '', source: '' }) as DiagnosisContext;
  let lines: TaskLog[] = [];
  let a: Analysis;
  try {
    lines = chronological(logs);
    a = analyse(t, lines, c, rules);
  } catch {
    lines = [];
    a = analyse(t, lines, c, []);
  }
  const { scan: s, match, counts, taskFailed, taskPhase } = a;
  const lastFailPhase = s.lastFail >= 0 ? phaseOf(str(lines[s.lastFail]?.status)) : null;
  const lastPhase = lines.length > 0 ? phaseOf(str(lines[lines.length - 1]?.status)) : null;
  const phase: Phase | null =
    (taskFailed ? taskPhase : null) ?? match?.entry.phase ?? lastFailPhase ?? taskPhase ?? lastPhase ?? null;
  const system: System =
    match?.system ?? (a.decisiveSystem !== 'unknown' ? a.decisiveSystem : (a.sourceSystem ?? 'unknown'));
  const vars: Vars = {
    ...a.vars,
    phase: phase ?? undefined,
    phaseText: phase ? PHASE_TEXT[phase] : 'an unknown phase',
    systemLabel: system === 'unknown' ? undefined : SYSTEMS[system].label,
  };

  const diagnosis: Diagnosis = {
    taskId: num(t.id) ?? 0,
    table: vars.table ?? 'the task',
    phase,
    category: 'unknown',
    cause: '',
    fix: '',
    evidence: pickEvidence(s, a.order, match?.entry.index ?? null),
    system,
    side: SYSTEMS[system].side,
  };
  if (match) {
    const v = { ...vars, ...match.captures };
    const { rule } = match;
    diagnosis.category = rule.category;
    diagnosis.rule = rule.id;
    diagnosis.cause = render(rule.cause, v);
    // A count that failed is reported as -1; say that this is why verification failed, not a mismatch.
    if (counts.failed && phase === 'VERIFICATION' && rule.category !== 'verification-error')
      diagnosis.cause += ' A count query therefore reported -1: this is not a row-count mismatch.';
    diagnosis.fix = render(rule.fix, v);
    if (rule.command) diagnosis.command = render(rule.command, v);
    if (rule.link) diagnosis.link = renderTemplate(rule.link, v);
  } else {
    const failed = taskFailed || s.lastFail >= 0;
    const text = !failed ? FALLBACK.stuck : lines.length === 0 ? FALLBACK.noLogs : FALLBACK.failed;
    const check =
      system !== 'unknown'
        ? CHECK_BY_SYSTEM[system]
        : phase
          ? CHECK_BY_PHASE[phase]
          : CHECK_BY_SYSTEM.unknown;
    const v: Vars = { ...vars, check: renderTemplate(check, vars) };
    const decisive = s.lastFail >= 0 ? lines[s.lastFail] : undefined;
    if (decisive)
      for (const r of GLOBAL_CAPTURES) test(r, condense(str(decisive.msg)), v as Record<string, string>);
    v.check = renderTemplate(check, v);
    diagnosis.cause = render(text.cause, v);
    diagnosis.fix = render(text.fix, v);
    diagnosis.command = render(FALLBACK.command, v);
    if ('link' in text) diagnosis.link = renderTemplate(String(text.link), v);
  }
  if (counts.counts) diagnosis.verification = { ...counts.counts };
  diagnosis.summary = summaryLine(diagnosis.category, system, phase);
  return diagnosis;
}

/** "out of memory · YARN (transfer) · data phase". */
export function summaryLine(category: DiagnosisCategory, system: System, phase: Phase | null): string {
  return [
    CATEGORY_LABELS[category] ?? CATEGORY_LABELS.unknown,
    system !== 'unknown' ? SYSTEMS[system].label : null,
    phase ? PHASE_TEXT[phase].replace(/^the /, '') : null,
  ]
    .filter((x) => x !== null)
    .join(' · ');
}

// ---- many tasks ----
export interface DiagnosisGroup {
  category: DiagnosisCategory;
  label: string;
  count: number;
  taskIds: number[];
  tables: string[];
  /** The first diagnosis of the group, for its cause and fix. */
  example: Diagnosis;
  /** Every diagnosis of the group, in input order. */
  diagnoses: Diagnosis[];
}

export interface DiagnosisSummary {
  total: number;
  /** Largest group first; ties in CATEGORY_LABELS order. */
  groups: DiagnosisGroup[];
  /** E.g. "12 tasks: permission on target project (10), verification mismatch (2)". */
  text: string;
  /** The diagnoses summarised, in input order. */
  diagnoses: Diagnosis[];
}

/**
 * Groups the diagnoses of a job's failed tasks by category, with counts: the value the watcher's failure
 * posts, the job summary and `/mms diagnose` draw, so no renderer groups causes itself.
 */
export function summarizeDiagnoses(diagnoses: readonly Diagnosis[]): DiagnosisSummary {
  const list = Array.isArray(diagnoses) ? diagnoses.filter((d) => d !== null && typeof d === 'object') : [];
  const rank = Object.keys(CATEGORY_LABELS);
  const byCategory = new Map<DiagnosisCategory, DiagnosisGroup>();
  for (const d of list) {
    const category: DiagnosisCategory = d.category in CATEGORY_LABELS ? d.category : 'unknown';
    let g = byCategory.get(category);
    if (!g) {
      g = {
        category,
        label: CATEGORY_LABELS[category],
        count: 0,
        taskIds: [],
        tables: [],
        example: d,
        diagnoses: [],
      };
      byCategory.set(category, g);
    }
    g.count++;
    g.taskIds.push(d.taskId);
    g.diagnoses.push(d);
    if (!g.tables.includes(d.table)) g.tables.push(d.table);
  }
  const groups = [...byCategory.values()].sort(
    (a, b) => b.count - a.count || rank.indexOf(a.category) - rank.indexOf(b.category),
  );
  const total = list.length;
  const head = `${total} ${total === 1 ? 'task' : 'tasks'}`;
  const text =
    groups.length === 0 ? head : `${head}: ${groups.map((g) => `${g.label} (${g.count})`).join(', ')}`;
  return { total, groups, text, diagnoses: list };
}
