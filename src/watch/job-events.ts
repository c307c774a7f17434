// A job watch's step: from what the watcher remembered and what MMS says now, the new memory and the events
// to post. Pure (no I/O), so every transition is testable; event keys come from counters in the state, which
// is committed together with the events.

import { createHash } from 'node:crypto';
import { type Diagnosis, summarizeDiagnoses } from '../diagnosis/diagnose.js';
import {
  isJobTerminal,
  isTaskFailed,
  type Job,
  parseMmsTime,
  type Table,
  type Task,
} from '../mms/schemas.js';
import type { Watch } from '../store/watches.js';
import {
  type EventCtx,
  type JobRef,
  jobDeletedMessage,
  jobResumedMessage,
  jobRetriedMessage,
  jobStartedMessage,
  jobStoppedMessage,
  type SettledView,
  type SummaryView,
  summaryMessage,
  type TaskFailure,
  taskFailedMessage,
  tasksFailedMessage,
} from '../ui/events.js';
import type { SlackMessage } from '../ui/types.js';
import { doneCount, failedCount, lagNote, movedOf, STATUS_LAG_CYCLES, snapshotOf, timing } from './cards.js';
import { eventKey, type WatchEvent } from './deps.js';
import {
  type AskedWrite,
  asDiagnosis,
  type ButtonMessage,
  type JobSizes,
  type JobState,
  type LastEvent,
  storeDiagnosis,
} from './state.js';

/** Failures posted one message each up to this many per cycle; more go in one grouped message. */
const SINGLE_FAILURES = 3;
/**
 * A running job whose card shows sizes and whose tasks done went up since its task list was last read has
 * it read again after SIZE_REFRESH_MS, so the sizes moved follow; at most MAX_SIZE_READS such reads per
 * source per cycle (the longest waiting first), so their cost does not grow with the number of jobs. The
 * card says how old the figure is while it lags; the job's end reads the tasks anyway.
 */
export const SIZE_REFRESH_MS = 2 * 60_000;
export const MAX_SIZE_READS = 4;
/** Diagnoses kept for the completion summary and App Home. */
const MAX_STORED_DIAGNOSES = 50;

/** One failed attempt of a task to announce: the attempt is the task's retriedTimes when it failed. */
export interface FailureFound {
  task: Task;
  attempt: number;
  status: string;
  diagnosis: Diagnosis;
}

export interface JobObservation {
  /** null: MMS says the job does not exist (deleted). */
  job: Job | null;
  /** null: not read this cycle (nothing asked for task detail). */
  tasks: Task[] | null;
  /** The job's tasks MMS lists as failed now (the per-source failure query); null: not queried. */
  failing: Task[] | null;
  /** Failed attempts this watch has not announced, with their diagnosis (read this cycle). */
  failures: FailureFound[];
  /** Some new failures were left for the next cycle (log reads are capped). */
  failuresPending: boolean;
  /** The job's table sizes summed this cycle; null: not meaningful for the job; absent: keep the last. */
  sizes?: JobSizes | null;
}

export interface JobStep {
  state: JobState;
  events: WatchEvent[];
  end: boolean;
}

export const tableOf = (t: Task): string => `${t.srcDbName ?? '?'}.${t.srcTableName ?? '?'}`;

/**
 * Failed attempts of `t` not announced yet: its current failure (status failed, attempt = retriedTimes), and
 * the last attempt before a retry nobody saw (retried while the bot was down or between two polls).
 */
export function unannounced(s: JobState, t: Task): Array<{ attempt: number; current: boolean }> {
  const r = t.retriedTimes ?? 0;
  const seen = s.failedSeen[String(t.id)];
  const out: Array<{ attempt: number; current: boolean }> = [];
  // Every attempt before the last ended in a failure (only failed tasks are retried).
  if (r > 0 && (seen === undefined || seen < r - 1)) out.push({ attempt: r - 1, current: false });
  if (isTaskFailed(t.status) && seen !== r) out.push({ attempt: r, current: true });
  return out;
}

/** Resting at a *_DONE while not running: later phases are off (MMS.md §4); counts as done. */
const resting = (t: Task): boolean =>
  t.running === false && t.status !== 'DONE' && !!t.status?.endsWith('_DONE');

/** Settled: DONE, failed, or resting. */
const settled = (t: Task): boolean => t.status === 'DONE' || isTaskFailed(t.status) || resting(t);

/**
 * What the tasks say of the job: null while some task still works, or (job not finished by MMS) while MMS
 * counts more tasks than it lists (more are to come).
 */
function tasksVerdict(j: Job, tasks: readonly Task[] | null): 'DONE' | 'FAILED' | null {
  if (!tasks || tasks.length === 0 || !tasks.every(settled)) return null;
  if (!isJobTerminal(j.status) && (j.taskNum ?? 0) > tasks.length) return null;
  return tasks.some((t) => isTaskFailed(t.status)) ? 'FAILED' : 'DONE';
}

/** The tasks' side of a disagreement, in words: `all 2 tasks are done`, `1 of 3 tasks failed`. */
function tasksText(tasks: readonly Task[], verdict: 'DONE' | 'FAILED' | null): string {
  const n = tasks.length;
  const failed = tasks.filter((t) => isTaskFailed(t.status)).length;
  if (verdict === 'DONE') return `all ${n} task${n === 1 ? ' is' : 's are'} done`;
  if (verdict === 'FAILED') return `${failed} of ${n} task${n === 1 ? '' : 's'} failed`;
  const open = tasks.filter((t) => !settled(t)).length;
  return `${open} of ${n} task${n === 1 ? ' is' : 's are'} still running`;
}

export function countTasks(tasks: readonly Task[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of tasks) {
    const s = t.status ?? 'UNKNOWN';
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return counts;
}

/** A write confirmed in Slack is credited to its asker when the watcher sees it happen within this long. */
export const ASKED_MS = 15 * 60_000;

/** Queues the edit of every tracked message `stale` picks: its buttons give way to what happened. */
function settle(
  s: JobState,
  events: WatchEvent[],
  stale: (b: ButtonMessage) => boolean,
  settled: SettledView,
): void {
  const keep: ButtonMessage[] = [];
  for (const b of s.buttons) {
    if (!stale(b)) {
      keep.push(b);
      continue;
    }
    events.push({ key: `${b.key}:settled`, kind: 'settle', of: b.key, settled });
    if (settled.what === 'retried')
      s.retriedNotes.push({ key: b.key, at: settled.at, by: settled.by ?? null });
  }
  s.buttons = keep;
}

/**
 * The job ended: messages a retry settled say how the retry came out, so a failure's cause and fix in the
 * channel never read as still open once the job is DONE.
 */
function tellRetriedOutcome(s: JobState, events: WatchEvent[], outcome: string, now: number): void {
  for (const r of s.retriedNotes)
    events.push({
      key: `${r.key}:then:${s.retries}`,
      kind: 'settle',
      of: r.key,
      settled: { what: 'retried', at: r.at, by: r.by, outcome: { status: outcome, at: now } },
    });
  s.retriedNotes = [];
}

/** Who asked for this kind of write in Slack lately (it is credited once: the record is then cleared). */
function askedBy(s: JobState, writes: readonly AskedWrite['write'][], now: number): string | null {
  const a = s.asked;
  if (!a || !writes.includes(a.write) || now - a.at > ASKED_MS) return null;
  s.asked = null;
  return a.by;
}

/**
 * The job deleted: the last thread message (`by`: deleted from Slack by that user, else found missing in
 * MMS), every button in the thread settled, the card drawn as deleted, the watch ended.
 */
export function jobDeletedStep(w: Watch, prev: JobState, now: number, by: string | null): JobStep {
  const s: JobState = structuredClone(prev);
  const events: WatchEvent[] = [];
  const ref = { id: w.objectId, name: prev.job?.name ?? (w.label || `#${w.objectId}`) };
  const who = by ?? askedBy(s, ['delete'], now);
  settle(s, events, () => true, { what: 'deleted', at: now, by: who });
  events.push({ key: eventKey(w.id, 'deleted'), kind: 'thread', message: jobDeletedMessage(ref, who) });
  s.last = { kind: 'deleted', at: now };
  s.unreachable = null;
  s.asked = null;
  s.ended = 'deleted';
  s.finishedAt ??= now;
  return { state: s, events, end: true };
}

export function jobStep(w: Watch, prev: JobState, obs: JobObservation, now: number, ctx: EventCtx): JobStep {
  if (obs.job === null) return jobDeletedStep(w, prev, now, null);
  const s: JobState = structuredClone(prev);
  const events: WatchEvent[] = [];
  /** Posts a thread message; `offers`: it carries buttons, tracked until they no longer fit the job. */
  const add = (
    suffix: string,
    message: SlackMessage,
    last: Omit<NonNullable<LastEvent>, 'at'>,
    kind: 'thread' | 'broadcast' = 'thread',
    offers?: Omit<ButtonMessage, 'key'>,
  ): void => {
    const key = eventKey(w.id, suffix);
    events.push({ key, kind, message });
    s.last = { ...last, at: now };
    if (offers) s.buttons = [...s.buttons.filter((b) => b.key !== key), { key, ...offers }];
  };
  s.unreachable = null;

  // Watched again after it ended (a retry from Slack or outside it, `/mms watch`): a new run, with fresh
  // event keys. The retry (or the summary) says what happened, so no "started".
  const ranAgain = prev.ended !== null;
  if (ranAgain) {
    Object.assign(s, {
      run: prev.run + 1,
      ended: null,
      finishedAt: null,
      firstRunningAt: null,
      doneAtStart: 0,
      started: true,
      lag: null,
      verdict: null,
    });
  }
  const j = obs.job;
  const ref = { id: j.id, name: j.name };
  const first = prev.job === null;
  const stopped = j.stopped === true;
  // Job status and tasks must agree before the job counts as finished: MMS says DONE/FAILED and the tasks
  // all settled the same way. When they disagree (job FAILED but every task done, job DONE with a failed
  // task, job still DOING with every task settled), the job status is taken to lag: rechecked each cycle,
  // and after STATUS_LAG_CYCLES the outcome is reported from the tasks (or from MMS, if tasks never settle).
  const mmsTerminal = isJobTerminal(j.status) && !stopped;
  const verdict = tasksVerdict(j, obs.tasks);
  const disagree =
    obs.tasks !== null &&
    !stopped &&
    (mmsTerminal ? obs.tasks.length > 0 && verdict !== j.status : verdict !== null);
  if (disagree) {
    const status = j.status ?? 'unknown';
    const cycles = (s.lag?.status === status ? s.lag.cycles : 0) + 1;
    s.lag = { status, tasks: tasksText(obs.tasks!, verdict), cycles };
  } else if (obs.tasks !== null || !mmsTerminal) s.lag = null;
  const waited = s.lag !== null && s.lag.cycles > STATUS_LAG_CYCLES;
  const terminal = (mmsTerminal && s.lag === null) || waited;
  const outcome = terminal ? (waited ? (verdict ?? j.status ?? 'unknown') : (j.status ?? 'unknown')) : null;
  s.verdict = outcome !== null && outcome !== (j.status ?? 'unknown') ? outcome : null;
  const running = !stopped && !terminal && !mmsTerminal && (j.status === 'DOING' || (j.taskDone ?? 0) > 0);
  const snap = snapshotOf(j);
  const p = prev.job;
  if (
    !p ||
    p.status !== snap.status ||
    p.stopped !== snap.stopped ||
    p.taskDone !== snap.taskDone ||
    p.taskNum !== snap.taskNum
  )
    s.movedAt = now;
  s.job = snap;
  if (obs.sizes !== undefined) s.sizes = obs.sizes;
  if (obs.tasks) {
    s.counts = countTasks(obs.tasks);
    s.tasksAt = now;
    s.resting = obs.tasks.filter(resting).length;
  }
  if (running && s.firstRunningAt === null) {
    s.firstRunningAt = now;
    s.doneAtStart = j.taskDone ?? 0;
  }

  // Started: announced once per run; a job first met already finished goes straight to its summary.
  if (!s.started) {
    if (first && (terminal || mmsTerminal)) s.started = true;
    else if (running || (first && stopped)) {
      s.started = true;
      const alreadyRunning = first && (stopped || (j.taskDone ?? 0) > 0);
      add(
        `r${s.run}:started`,
        jobStartedMessage({
          job: {
            ...ref,
            status: j.status ?? null,
            taskNum: j.taskNum ?? null,
            taskDone: j.taskDone ?? null,
          },
          origin: s.origin,
          alreadyRunning,
        }),
        { kind: alreadyRunning ? 'watching' : 'started' },
      );
    }
  }

  if (!first && p) {
    if (!p.stopped && stopped) {
      s.stops++;
      add(`stopped:${s.stops}`, jobStoppedMessage(ref, ctx), { kind: 'stopped' }, 'thread', {
        kind: 'stopped',
        tasks: [],
      });
    } else if (p.stopped && !stopped) {
      s.resumes++;
      add(`resumed:${s.resumes}`, jobResumedMessage(ref), { kind: 'resumed' });
      settle(s, events, (b) => b.kind === 'stopped', {
        what: 'resumed',
        at: now,
        by: askedBy(s, ['start'], now),
      });
    }
  }

  // Failures nobody saw before a retry come first: they happened before the retry that follows.
  const past = obs.failures.filter((f) => f.attempt < (f.task.retriedTimes ?? 0));
  const current = obs.failures.filter((f) => f.attempt === (f.task.retriedTimes ?? 0));
  announceFailures(s, past, ref, ctx, add);

  // Retries: a task once failed is failing no more or fails again at a later attempt, a task's retriedTimes
  // went up, or a FAILED job runs again. Each retried attempt is told once (`retriedSeen`).
  const retried = new Map<number, { id: number; table: string; to: number }>();
  const note = (id: number, table: string, to: number) => {
    if ((s.retriedSeen[String(id)] ?? 0) >= to) return;
    retried.set(id, { id, table, to: Math.max(to, retried.get(id)?.to ?? 0) });
  };
  if (obs.failing) {
    const failingNow = new Map(obs.failing.map((t) => [t.id, t]));
    for (const f of prev.failing) {
      const t = failingNow.get(f.id);
      if (!t) note(f.id, f.table, f.retriedTimes + 1);
      else if ((t.retriedTimes ?? 0) > f.retriedTimes) note(f.id, f.table, t.retriedTimes ?? 0);
    }
  }
  for (const t of [...(obs.tasks ?? []), ...(obs.failing ?? [])]) {
    const r = t.retriedTimes ?? 0;
    if (r > 0) note(t.id, tableOf(t), r);
  }
  const rerun = p?.status === 'FAILED' && !isJobTerminal(j.status);
  if (retried.size > 0 || rerun) {
    for (const x of retried.values()) s.retriedSeen[String(x.id)] = x.to;
    if (rerun && retried.size === 0)
      for (const f of prev.failing) s.retriedSeen[String(f.id)] = f.retriedTimes + 1;
    const list = retried.size > 0 ? [...retried.values()] : rerun ? prev.failing : [];
    s.retries++;
    add(
      `retried:${s.retries}`,
      jobRetriedMessage(
        ref,
        list.map((t) => ({ id: t.id, table: t.table })),
      ),
      { kind: 'retried', count: list.length },
    );
    const again = new Set(list.map((t) => t.id));
    s.diagnoses = s.diagnoses.filter((d) => !again.has(d.taskId));
    // What offered to retry these tasks, or the job, is done with: the summary of the run before, the
    // failure messages (a job retry reruns every failed task).
    settle(
      s,
      events,
      (b) => b.kind === 'finished' || (b.kind !== 'stopped' && (rerun || b.tasks.every((t) => again.has(t)))),
      { what: 'retried', at: now, by: askedBy(s, ['retry', 'retry-task'], now) },
    );
  }
  // Ran again with no retry seen (started again outside Slack): the last run's summary is history.
  if (ranAgain) settle(s, events, (b) => b.kind === 'finished', { what: 'ran-again', at: now });

  if (obs.failing)
    s.failing = obs.failing.map((t) => ({
      id: t.id,
      table: tableOf(t),
      status: t.status ?? 'FAILED',
      retriedTimes: t.retriedTimes ?? 0,
    }));
  else if (obs.tasks)
    s.failing = obs.tasks
      .filter((t) => isTaskFailed(t.status))
      .map((t) => ({ id: t.id, table: tableOf(t), status: t.status!, retriedTimes: t.retriedTimes ?? 0 }));
  announceFailures(s, current, ref, ctx, add);
  s.failuresPending = obs.failuresPending;

  if (terminal) {
    // Resume and the retry of tasks that no longer fail are done with; the summary offers what fits now.
    const failingNow = new Set(s.failing.map((f) => f.id));
    settle(
      s,
      events,
      (b) => b.kind === 'stopped' || (b.kind !== 'finished' && !b.tasks.some((t) => failingNow.has(t))),
      { what: 'finished', at: now, status: outcome },
    );
    tellRetriedOutcome(s, events, outcome ?? 'unknown', now);
    const done = doneCount(s);
    s.ended = 'finished';
    s.finishedAt = now;
    s.undiagnosed = Math.max(0, failedCount(s) - s.diagnoses.length);
    const view: SummaryView = {
      job: { ...ref, status: outcome, taskNum: j.taskNum ?? null, taskDone: done },
      counts: s.counts,
      done,
      durationMs: timing(s, now).elapsedMs ?? mmsDuration(j, now),
      failures: summarizeDiagnoses(s.diagnoses.map(asDiagnosis)),
      undiagnosed: s.undiagnosed,
      verification: s.job.enableVerification,
      moved: movedOf(s),
      note: s.lag ? lagNote(s.lag, true, s.verdict !== null) : null,
    };
    // The end of a job is one message: the summary, in the thread and broadcast to the channel.
    add(
      `r${s.run}:finished`,
      summaryMessage(view, ctx),
      { kind: 'finished', status: outcome ?? undefined },
      'broadcast',
      { kind: 'finished', tasks: [] },
    );
    return { state: s, events, end: true };
  }
  return { state: s, events, end: false };
}

type Add = (
  suffix: string,
  message: SlackMessage,
  last: Omit<NonNullable<LastEvent>, 'at'>,
  kind?: 'thread' | 'broadcast',
  offers?: Omit<ButtonMessage, 'key'>,
) => void;

/** One message per failure, or one grouped message when several fail in one cycle. */
function announceFailures(s: JobState, found: FailureFound[], ref: JobRef, ctx: EventCtx, add: Add): void {
  if (found.length === 0) return;
  const failures: TaskFailure[] = [];
  for (const f of found) {
    const id = f.task.id;
    s.failedSeen[String(id)] = Math.max(f.attempt, s.failedSeen[String(id)] ?? -1);
    failures.push({
      task: { id, status: f.status, retriedTimes: f.attempt },
      diagnosis: f.diagnosis,
    });
    s.diagnoses = [...s.diagnoses.filter((x) => x.taskId !== id), storeDiagnosis(f.diagnosis)].slice(
      -MAX_STORED_DIAGNOSES,
    );
  }
  if (failures.length <= SINGLE_FAILURES) {
    for (const f of failures)
      add(
        `task-failed:${f.task.id}:r${f.task.retriedTimes}`,
        taskFailedMessage(ref, f, ctx),
        { kind: 'task-failed', table: f.diagnosis.table, status: f.task.status ?? undefined },
        'thread',
        { kind: 'task-failed', tasks: [f.task.id] },
      );
  } else {
    s.failGroups++;
    add(
      `tasks-failed:${s.failGroups}`,
      tasksFailedMessage(ref, failures, summarizeDiagnoses(failures.map((f) => f.diagnosis)), ctx),
      { kind: 'tasks-failed', count: failures.length },
      'thread',
      { kind: 'tasks-failed', tasks: failures.map((f) => f.task.id) },
    );
  }
}

/** Run time from MMS's createTime, for a job the watcher never saw running (MMS declares no end time). */
function mmsDuration(j: Job, now: number): number | null {
  const a = parseMmsTime(j.createTime)?.getTime();
  return a !== undefined && !Number.isNaN(a) && now >= a ? now - a : null;
}

/** Whether this watch's sizes moved lag its tasks done (a read for them is due; see MAX_SIZE_READS). */
export function sizesDue(s: JobState, j: Job, now: number): boolean {
  if (isJobTerminal(j.status) || j.stopped === true || movedOf(s) === null) return false;
  const doneAtRead = (s.counts?.['DONE'] ?? 0) + s.resting;
  return (j.taskDone ?? 0) > doneAtRead && now - (s.tasksAt ?? 0) >= SIZE_REFRESH_MS;
}

/**
 * Whether the task list must be read this cycle for this watch: only when the card or the events need task
 * detail. Progress comes from the job list and failures from the per-source failure query.
 */
export function needsTasks(s: JobState, j: Job, now: number, refreshMs: number): boolean {
  const p = s.job;
  // First look (the card's first drawing), failures left for later, a status MMS may not have caught up on.
  if (!p || (s.counts === null && s.tasksAt === null) || s.failuresPending || s.lag !== null) return true;
  // Finished by MMS while still watched: the tasks decide whether it really is (job status can lag), and
  // say which failures a retry nobody saw hid.
  if (isJobTerminal(j.status) && j.stopped !== true) return true;
  // A FAILED job runs again: which tasks were retried.
  if (p.status === 'FAILED' && !isJobTerminal(j.status)) return true;
  const active = !isJobTerminal(j.status) && j.stopped !== true;
  if (!active) return false;
  // Every task counted done while MMS still says running.
  if ((j.taskNum ?? 0) > 0 && (j.taskDone ?? 0) >= (j.taskNum ?? 0)) return true;
  // Tasks can rest at a *_DONE (later phases off) while MMS stays DOING and nothing moves: a job whose
  // progress stood still for the refresh period is looked at again, each job at its own pace (75–125 %).
  if (refreshMs <= 0) return false;
  const spread = 0.75 + 0.5 * ((j.id * 0.6180339887) % 1);
  const since = Math.max(s.movedAt ?? 0, s.tasksAt ?? 0);
  return now - since >= refreshMs * spread;
}

/**
 * Whether table sizes say what the job moves: it copies whole tables' data (no partition selection, not
 * incremental, not schema only). For other jobs a table's size would overstate it, so none is shown.
 */
export function movesWholeTables(j: Job): boolean {
  const c = j.config ?? {};
  const on = (v: unknown) => v === true || v === 'true';
  const some = (v: unknown) =>
    Array.isArray(v) ? v.length > 0 : typeof v === 'object' && v !== null && Object.keys(v).length > 0;
  return (
    !on(c['schemaOnly']) && !on(c['increment']) && !some(c['partitions']) && !some(c['partitionFilters'])
  );
}

/** A table of the job, as its tasks name it. */
export interface JobTable {
  /** MMS's table id when the tasks give it, else the lower-cased `db.table`. */
  key: string;
  id: number | null;
  db: string;
  name: string;
}

/** The tables the job's tasks cover, and those whose tasks all moved their data. */
export interface TableSet {
  tables: Map<string, JobTable>;
  done: Set<string>;
}

/** A task whose data is in: DONE, or resting after its data or verification phase (later phases off). */
const dataMoved = (t: Task): boolean =>
  t.status === 'DONE' || (resting(t) && (t.status === 'DATA_DONE' || t.status === 'VERIFICATION_DONE'));

const nameKey = (db: string, name: string): string => `${db}.${name}`.toLowerCase();

export function tableSet(j: Job, tasks: readonly Task[]): TableSet {
  const tables = new Map<string, JobTable>();
  const open = new Set<string>();
  for (const t of tasks) {
    const db = t.srcDbName ?? j.srcDbName ?? null;
    const name = t.srcTableName ?? null;
    const id = typeof t.tableId === 'number' ? t.tableId : null;
    if (id === null && (db === null || name === null)) continue;
    const key = id !== null ? `#${id}` : nameKey(db!, name!);
    if (!tables.has(key)) tables.set(key, { key, id, db: db ?? '', name: name ?? '' });
    if (!dataMoved(t)) open.add(key);
  }
  return { tables, done: new Set([...tables.keys()].filter((k) => !open.has(k))) };
}

/**
 * Which table set and done set sizes were summed for: `<tables>:<hash>|<done>:<hash>`, short hashes so a
 * state stays small whatever the number of tables.
 */
export function sizeKey(set: TableSet): string {
  const hash = (keys: Iterable<string>) => {
    const h = createHash('sha1');
    for (const k of [...keys].sort()) h.update(`${k}\n`);
    return h.digest('hex').slice(0, 12);
  };
  return `${set.tables.size}:${hash(set.tables.keys())}|${set.done.size}:${hash(set.done)}`;
}

/** Whether two size keys are for the same table set (their done sets may differ). */
export const sameTables = (a: string, b: string): boolean => a.split('|')[0] === b.split('|')[0];

/** What the sums need of a listed table. */
export type SizedTable = Pick<Table, 'id' | 'name' | 'numRows' | 'size'> & { dbName: string | null };

/** Finds a job's table in an inventory listing: by id, or by database and name. */
export function tableIndex(listed: readonly SizedTable[]): (t: JobTable) => SizedTable | undefined {
  const byId = new Map<number, SizedTable>();
  const byName = new Map<string, SizedTable>();
  for (const x of listed) {
    byId.set(x.id, x);
    if (x.dbName) byName.set(nameKey(x.dbName, x.name), x);
  }
  return (t) => (t.id !== null ? byId.get(t.id) : undefined) ?? byName.get(nameKey(t.db, t.name));
}

/** The sums of the tables' inventory sizes; a figure stays null when no table reports it. */
export function sumSizes(set: TableSet, find: (t: JobTable) => SizedTable | undefined): JobSizes {
  const out: JobSizes = {
    of: sizeKey(set),
    tables: set.tables.size,
    doneTables: set.done.size,
    unsized: 0,
    rows: null,
    bytes: null,
    doneRows: null,
    doneBytes: null,
    at: null,
  };
  const add = (a: number | null, b: number | null | undefined) =>
    typeof b === 'number' && Number.isFinite(b) && b >= 0 ? (a ?? 0) + b : a;
  for (const t of set.tables.values()) {
    const x = find(t);
    const rows = x?.numRows;
    const size = x?.size;
    if (typeof rows !== 'number' || typeof size !== 'number') out.unsized++;
    out.rows = add(out.rows, rows);
    out.bytes = add(out.bytes, size);
    if (!set.done.has(t.key)) continue;
    out.doneRows = add(out.doneRows, rows);
    out.doneBytes = add(out.doneBytes, size);
  }
  // Nothing moved yet reads 0 of the total.
  if (out.rows !== null) out.doneRows ??= 0;
  if (out.bytes !== null) out.doneBytes ??= 0;
  return out;
}
