// Failure diagnosis from task logs: cause and fix. The causes live in a table of rules (rules.ts);
// this module picks the decisive log entries, runs the rules over them and renders the first match.
// Linear in the number of log entries; only a bounded set of entries is matched against the rules.
import { parseMmsTime, type Task, type TaskLog } from '../mms/schemas.js';
import {
  CATEGORY_LABELS,
  DEFAULT_RULES,
  type DiagnosisRule,
  FALLBACK,
  type LogEntry,
  type Matcher,
  mentionsProject,
  type Phase,
} from './rules.js';

export type { DiagnosisRule, LogEntry, Phase, RuleFacts } from './rules.js';
export { CATEGORY_LABELS, DEFAULT_RULES } from './rules.js';

export type DiagnosisCategory =
  | 'permission-target'
  | 'permission-ram'
  | 'service-linked-role'
  | 'source-connectivity'
  | 'schema-mismatch'
  | 'table-missing'
  | 'partition-filter-empty'
  | 'quota'
  | 'verification-mismatch'
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
}

export interface DiagnosisContext {
  region: string;
  source: string;
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

function entryAt(lines: readonly TaskLog[], index: number, fallbackPhase: Phase | null): LogEntry {
  const e = lines[index];
  const status = str(e?.status).trim();
  return {
    index,
    status,
    action: clip(str(e?.action)),
    msg: clip(str(e?.msg)),
    phase: phaseOf(status) ?? fallbackPhase,
  };
}

/** `[STATUS] action → msg`, on one line, at most ~300 characters. */
export function evidenceLine(log: TaskLog): string {
  const status = squash(str(log?.status), 40) || '-';
  const action = squash(str(log?.action), EVIDENCE_ACTION_CHARS);
  const msg = squash(str(log?.msg), EVIDENCE_CHARS);
  const body = action && msg ? `${action} → ${msg}` : action || msg || '(empty)';
  return squash(`[${status}] ${body}`, EVIDENCE_CHARS);
}

// ---- verification counts ----
const NUM = String.raw`(\d{1,3}(?:,\d{3})+(?!\d)|\d+)`;
const CNT = String.raw`[\s_-]*(?:row[\s_-]*)?(?:counts?|cnt|num|number|rows|records|total)`;
const side = (words: string): RegExp =>
  new RegExp(
    String.raw`(?:^|[^a-z])(?:${words})(?:${CNT}["']?\s*(?:is|=>|=|:)?|["']?\s*(?:=>|=|:))\s*["']?${NUM}`,
    'i',
  );
const SRC_COUNT = side('source|src');
const DST_COUNT = side('destination|dest|dst|target|tgt');
const VS_COUNT = new RegExp(
  String.raw`\bcounts?\b[^\d\n]{0,60}?${NUM}\s*(?:vs\.?|versus|!=|<>|≠|\/|->|→|and)\s*${NUM}`,
  'i',
);
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

/** Source and destination counts stated in one message, in any of the wordings seen or guessed. */
export function parseCounts(msg: string | null | undefined): VerificationCounts | null {
  const text = clip(str(msg));
  if (!text) return null;
  const s = SRC_COUNT.exec(text);
  const d = DST_COUNT.exec(text);
  if (s && d) {
    const source = toCount(s[1]);
    const destination = toCount(d[1]);
    if (source !== null && destination !== null) return { source, destination };
  }
  const v = VS_COUNT.exec(text);
  if (v) {
    const source = toCount(v[1]);
    const destination = toCount(v[2]);
    if (source !== null && destination !== null) return { source, destination };
  }
  return null;
}

function countsFrom(lines: readonly TaskLog[], dstProject: string): VerificationCounts | null {
  // A bare number from a newer `select count(*)` entry, waiting for its partner.
  let pending: { value: number; target: boolean } | null = null;
  for (let i = lines.length - 1; i >= 0; i--) {
    const e = lines[i]!;
    const status = str(e.status);
    const phase = phaseOf(status);
    const action = str(e.action).slice(0, 2000);
    const countQuery = COUNT_QUERY.test(action);
    const relevant =
      phase === 'VERIFICATION' || /^\s*DONE\s*$/i.test(status) || (phase === null && countQuery);
    if (!relevant) continue;
    const msg = str(e.msg);
    const pair = parseCounts(msg);
    if (pair) return pair;
    if (!countQuery) continue;
    const bare = BARE_COUNT.exec(msg.slice(0, 200));
    const value = toCount(bare?.[1]);
    if (value === null) continue;
    const target = mentionsProject(action, dstProject);
    if (!pending) {
      pending = { value, target };
    } else if (target && !pending.target) {
      return { source: pending.value, destination: value };
    } else {
      return { source: value, destination: pending.value };
    }
  }
  return null;
}

/**
 * Row counts from the task's verification logs (VERIFICATION_* entries, newest first), for failed and passed
 * tasks alike; null when no entry states both counts. With the task, a pair of bare `select count(*)` results
 * is told apart by which one queried the target project.
 */
export function verificationFromLogs(
  logs: readonly TaskLog[] | null | undefined,
  task?: Task | null,
): VerificationCounts | null {
  try {
    return countsFrom(chronological(logs), str(task?.dstDbName));
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
    partition: str(task.partition) || undefined,
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

function matchEntry(
  entry: LogEntry,
  rules: readonly DiagnosisRule[],
  task: Task,
  vars: Readonly<Vars>,
  verification: VerificationCounts | null,
): RuleMatch | null {
  for (const rule of rules) {
    if (!rule || (!rule.status && !rule.msg && !rule.action && !rule.when)) continue;
    if (rule.phases && (!entry.phase || !rule.phases.includes(entry.phase))) continue;
    const captures: Record<string, string> = {};
    try {
      if (rule.status && !test(rule.status, entry.status, captures)) continue;
      if (rule.msg && !test(rule.msg, entry.msg, captures)) continue;
      if (rule.action && !test(rule.action, entry.action, captures)) continue;
      if (rule.capture) {
        const text = entry.msg + '\n' + entry.action;
        for (const r of asList(rule.capture)) test(r, text, captures);
      }
      if (rule.when && !rule.when({ task, entry, vars: { ...vars, ...captures }, verification })) continue;
    } catch {
      continue; // a custom rule that throws does not match
    }
    return { rule, entry, captures };
  }
  return null;
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

/** The first rule that explains the task's logs, with the entry it matched; null when none does. */
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
  counts: VerificationCounts | null;
  vars: Vars;
  taskFailed: boolean;
  taskPhase: Phase | null;
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
  const vars = baseVars(task, ctx, counts);
  const s = scan(lines);
  const order = candidates(s, taskFailed);
  let match: RuleMatch | null = null;
  const list = Array.isArray(rules) ? rules : DEFAULT_RULES;
  for (const i of order) {
    const entry = entryAt(lines, i, taskPhase);
    // A failed task failed in its own phase: entries of another phase belong to earlier attempts.
    if (taskFailed && taskPhase && entry.phase && entry.phase !== taskPhase) continue;
    match = matchEntry(entry, list, task, vars, counts);
    if (match) break;
  }
  return { scan: s, order, match, counts, vars, taskFailed, taskPhase };
}

/**
 * Cause and fix of a failed (or stuck) task, from its logs. `rules` replaces the default table (pass
 * `[...myRules, ...DEFAULT_RULES]` to extend it). Never throws.
 */
export function diagnoseTask(
  task: Task,
  logs: TaskLog[],
  ctx: { region: string; source: string },
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
  const vars: Vars = {
    ...a.vars,
    phase: phase ?? undefined,
    phaseText: phase ? PHASE_TEXT[phase] : 'an unknown phase',
  };

  const diagnosis: Diagnosis = {
    taskId: num(t.id) ?? 0,
    table: vars.table ?? 'the task',
    phase,
    category: 'unknown',
    cause: '',
    fix: '',
    evidence: pickEvidence(s, a.order, match?.entry.index ?? null),
  };
  if (match) {
    const v = { ...vars, ...match.captures };
    const { rule } = match;
    diagnosis.category = rule.category;
    diagnosis.cause = renderTemplate(rule.cause, v);
    diagnosis.fix = renderTemplate(rule.fix, v);
    if (rule.command) diagnosis.command = renderTemplate(rule.command, v);
    if (rule.link) diagnosis.link = renderTemplate(rule.link, v);
  } else {
    const failed = taskFailed || s.lastFail >= 0;
    const text = !failed ? FALLBACK.stuck : lines.length === 0 ? FALLBACK.noLogs : FALLBACK.failed;
    diagnosis.cause = renderTemplate(text.cause, vars);
    diagnosis.fix = renderTemplate(text.fix, vars);
    diagnosis.command = renderTemplate(FALLBACK.command, vars);
    if ('link' in text) diagnosis.link = renderTemplate(text.link, vars);
  }
  if (counts) diagnosis.verification = { ...counts };
  return diagnosis;
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
}

export interface DiagnosisSummary {
  total: number;
  /** Largest group first; ties in CATEGORY_LABELS order. */
  groups: DiagnosisGroup[];
  /** E.g. "12 tasks: permission on target project (10), verification mismatch (2)". */
  text: string;
}

/** Groups the diagnoses of a job's failed tasks by category, with counts. */
export function summarizeDiagnoses(diagnoses: readonly Diagnosis[]): DiagnosisSummary {
  const list = Array.isArray(diagnoses) ? diagnoses.filter((d) => d !== null && typeof d === 'object') : [];
  const rank = Object.keys(CATEGORY_LABELS);
  const byCategory = new Map<DiagnosisCategory, DiagnosisGroup>();
  for (const d of list) {
    const category: DiagnosisCategory = d.category in CATEGORY_LABELS ? d.category : 'unknown';
    let g = byCategory.get(category);
    if (!g) {
      g = { category, label: CATEGORY_LABELS[category], count: 0, taskIds: [], tables: [], example: d };
      byCategory.set(category, g);
    }
    g.count++;
    g.taskIds.push(d.taskId);
    if (!g.tables.includes(d.table)) g.tables.push(d.table);
  }
  const groups = [...byCategory.values()].sort(
    (a, b) => b.count - a.count || rank.indexOf(a.category) - rank.indexOf(b.category),
  );
  const total = list.length;
  const head = `${total} ${total === 1 ? 'task' : 'tasks'}`;
  const text =
    groups.length === 0 ? head : `${head}: ${groups.map((g) => `${g.label} (${g.count})`).join(', ')}`;
  return { total, groups, text };
}
