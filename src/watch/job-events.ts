// A job watch's step: from what the watcher remembered and what MMS says now, the new memory and the events
// to post. Pure (no I/O), so every transition is testable; event keys come from counters in the state, which
// is committed together with the events.

import type { Diagnosis } from '../diagnosis/diagnose.js';
import { isJobTerminal, isTaskFailed, type Job, parseMmsTime, type Task } from '../mms/schemas.js';
import type { Watch } from '../store/watches.js';
import {
  completionLine,
  type EventCtx,
  jobDeletedMessage,
  jobResumedMessage,
  jobRetriedMessage,
  jobStartedMessage,
  jobStoppedMessage,
  type SummaryView,
  summaryMessage,
  type TaskFailure,
  taskFailedMessage,
  tasksFailedMessage,
} from '../ui/events.js';
import { doneCount, lagNote, STATUS_LAG_CYCLES, snapshotOf, timing } from './cards.js';
import { eventKey, type WatchEvent } from './deps.js';
import { asDiagnosis, type JobState, storeDiagnosis } from './state.js';

/** Failures posted one message each up to this many per cycle; more go in one grouped message. */
const SINGLE_FAILURES = 3;
/** Diagnoses kept for the completion summary and App Home. */
const MAX_STORED_DIAGNOSES = 50;

export interface JobObservation {
  /** null: MMS says the job does not exist (deleted). */
  job: Job | null;
  /** null: not read this cycle (nothing changed). */
  tasks: Task[] | null;
  /** Diagnoses of failed tasks this watch has not announced yet, read this cycle. */
  failures: Map<number, Diagnosis>;
  /** Some new failures were left for the next cycle (log reads are capped). */
  failuresPending: boolean;
}

export interface JobStep {
  state: JobState;
  events: WatchEvent[];
  end: boolean;
}

const tableOf = (t: Task): string =>
  `${t.srcDbName ?? '?'}.${t.srcTableName ?? '?'}${t.partition ? ` [${t.partition}]` : ''}`;

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

const failedCount = (counts: Record<string, number> | null): number =>
  counts ? Object.entries(counts).reduce((n, [s, c]) => n + (isTaskFailed(s) ? c : 0), 0) : 0;

export function jobStep(w: Watch, prev: JobState, obs: JobObservation, now: number, ctx: EventCtx): JobStep {
  const s: JobState = structuredClone(prev);
  const events: WatchEvent[] = [];
  const add = (suffix: string, message: WatchEvent['message'], kind: WatchEvent['kind'] = 'thread'): void => {
    events.push({ key: eventKey(w.id, suffix), kind, message });
    s.lastEvent = message.text;
  };
  s.unreachable = null;

  if (obs.job === null) {
    const ref = { id: w.objectId, name: prev.job?.name ?? (w.label || `#${w.objectId}`) };
    add('deleted', jobDeletedMessage(ref));
    s.ended = 'deleted';
    s.finishedAt = now;
    s.status = 'DELETED';
    return { state: s, events, end: true };
  }

  // Watched again after it ended (a retry from Slack, `/mms watch`): a new run, with fresh event keys. The
  // retry (or the summary) says what happened, so no "started".
  if (prev.ended !== null) {
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
  s.job = snapshotOf(j);
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
            timerId: j.timerId ?? null,
          },
          origin: s.origin,
          alreadyRunning,
        }),
      );
    }
  }

  if (!first && prev.job) {
    if (!prev.job.stopped && stopped) {
      s.stops++;
      add(`stopped:${s.stops}`, jobStoppedMessage(ref, ctx));
    } else if (prev.job.stopped && !stopped) {
      s.resumes++;
      add(`resumed:${s.resumes}`, jobResumedMessage(ref));
    }
  }

  // Retries: the tasks' retriedTimes went up, or a FAILED job runs again.
  if (obs.tasks) {
    const sum = obs.tasks.reduce((n, t) => n + (t.retriedTimes ?? 0), 0);
    const rerun = prev.job?.status === 'FAILED' && !isJobTerminal(j.status);
    if ((prev.retrySum !== null && sum > prev.retrySum) || rerun) {
      const retried = obs.tasks.filter((t) => {
        const seen = prev.failedSeen[String(t.id)];
        return seen !== undefined && (t.retriedTimes ?? 0) > seen;
      });
      s.retries++;
      add(
        `retried:${s.retries}`,
        jobRetriedMessage(
          ref,
          retried.map((t) => ({ id: t.id, table: tableOf(t) })),
        ),
      );
      const again = new Set(retried.map((t) => t.id));
      s.diagnoses = s.diagnoses.filter((d) => !again.has(d.taskId));
    }
    s.retrySum = sum;
  }

  // New failures: one message each, or one grouped message when several fail in one cycle.
  if (obs.tasks && obs.failures.size > 0) {
    const byId = new Map(obs.tasks.map((t) => [t.id, t]));
    const failures: TaskFailure[] = [];
    for (const [id, d] of obs.failures) {
      const t = byId.get(id);
      if (!t || !isTaskFailed(t.status)) continue;
      const r = t.retriedTimes ?? 0;
      s.failedSeen[String(id)] = r;
      failures.push({ task: { id, status: t.status ?? null, retriedTimes: r }, diagnosis: d });
      s.diagnoses = [...s.diagnoses.filter((x) => x.taskId !== id), storeDiagnosis(d)].slice(
        -MAX_STORED_DIAGNOSES,
      );
    }
    if (failures.length > 0 && failures.length <= SINGLE_FAILURES) {
      for (const f of failures)
        add(`task-failed:${f.task.id}:r${f.task.retriedTimes}`, taskFailedMessage(ref, f, ctx));
    } else if (failures.length > SINGLE_FAILURES) {
      s.failGroups++;
      add(`tasks-failed:${s.failGroups}`, tasksFailedMessage(ref, failures, ctx));
    }
  }
  s.failuresPending = obs.failuresPending;

  const failed = failedCount(s.counts);
  const done = doneCount(s);
  s.status =
    `${outcome ?? j.status ?? 'unknown'}${stopped ? ' (stopped)' : ''}` +
    (s.lag ? ` (MMS says ${s.lag.status}; ${s.lag.tasks})` : '');
  s.summary =
    `${done}/${j.taskNum ?? 0} tasks done` +
    (failed > 0 ? `, ${failed} failed` : '') +
    (stopped ? ', stopped' : '');

  if (terminal) {
    s.ended = 'finished';
    s.finishedAt = now;
    s.undiagnosed = Math.max(0, failed - s.diagnoses.length);
    const view: SummaryView = {
      job: { ...ref, status: outcome, taskNum: j.taskNum ?? null, taskDone: done },
      counts: s.counts,
      done,
      durationMs: timing(s, now).elapsedMs ?? mmsDuration(j),
      diagnoses: s.diagnoses.map(asDiagnosis),
      undiagnosed: s.undiagnosed,
      verification: s.job.enableVerification,
      note: s.lag ? lagNote(s.lag, true, s.verdict !== null) : null,
    };
    add(`r${s.run}:finished`, summaryMessage(view, ctx));
    add(`r${s.run}:broadcast`, completionLine(view, ctx), 'broadcast');
    return { state: s, events, end: true };
  }
  return { state: s, events, end: false };
}

/** Run time by MMS's own clock, for a job the watcher never saw running. */
function mmsDuration(j: Job): number | null {
  const a = parseMmsTime(j.startTime)?.getTime();
  const b = parseMmsTime(j.endTime)?.getTime();
  return a !== undefined && b !== undefined && !Number.isNaN(a) && !Number.isNaN(b) && b >= a ? b - a : null;
}

/** Whether the task list must be read this cycle for this watch. */
export function needsTasks(s: JobState, j: Job, now: number, refreshMs: number): boolean {
  const p = s.job;
  if (!p || s.counts === null || s.failuresPending || s.lag !== null) return true;
  // Finished by MMS while still watched: the tasks decide whether it really is (job status can lag).
  if (isJobTerminal(j.status) && j.stopped !== true) return true;
  if (p.status !== (j.status ?? null) || p.stopped !== (j.stopped === true)) return true;
  if (p.taskDone !== (j.taskDone ?? null) || p.taskNum !== (j.taskNum ?? null)) return true;
  // A task can fail while taskDone and the job status stay put: look again now and then, each job at its
  // own pace (75–125 % of the period) so that many jobs do not all refresh in the same cycle.
  const active = !isJobTerminal(j.status) && j.stopped !== true;
  if (!active || refreshMs <= 0) return false;
  const spread = 0.75 + 0.5 * ((j.id * 0.6180339887) % 1);
  return s.tasksAt === null || now - s.tasksAt >= refreshMs * spread;
}
