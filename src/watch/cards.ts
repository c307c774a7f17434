// A watch's card and views, drawn from what the watcher remembers (no MMS call): the job card, the scan
// card, the job-creation card. One view per kind, used by the card and by the events alike.
import type { Job } from '../mms/schemas.js';
import type { Watch, WatchGlance } from '../store/watches.js';
import { type AsyncCardView, asyncCard, type EventCtx, type ScanCardView, scanCard } from '../ui/events.js';
import { jobCard } from '../ui/jobs.js';
import type { MovedSizes } from '../ui/sizes.js';
import type { RenderCtx, SlackMessage } from '../ui/types.js';
import type { AsyncState, JobSnapshot, JobState, ScanState } from './state.js';

export const eventCtx = (w: Watch, render: RenderCtx): EventCtx => ({
  source: { id: w.sourceId, name: w.sourceName },
  region: w.region,
  defaultRegion: render.defaultRegion,
});

export function snapshotOf(j: Job): JobSnapshot {
  const cfg = j.config ?? null;
  const verify = cfg && typeof cfg['enableVerification'] === 'boolean' ? cfg['enableVerification'] : null;
  const createTime = j.createTime;
  const eta = j['eta'];
  return {
    id: j.id,
    name: j.name,
    status: j.status ?? null,
    stopped: j.stopped === true,
    taskNum: j.taskNum ?? null,
    taskDone: j.taskDone ?? null,
    srcDbName: j.srcDbName ?? null,
    srcSchemaName: j.srcSchemaName ?? null,
    dstDbName: j.dstDbName ?? null,
    dstSchemaName: j.dstSchemaName ?? null,
    type: j.type ?? null,
    enableVerification: verify,
    createTime: typeof createTime === 'string' ? createTime : null,
    eta: typeof eta === 'string' && eta !== '' ? eta : null,
  };
}

function jobOf(w: Watch, s: JobState): Job {
  const snap = s.job;
  if (!snap) return { id: w.objectId, name: w.label || `#${w.objectId}`, status: null, stopped: false };
  const { enableVerification: _v, eta, ...fields } = snap;
  return {
    ...fields,
    ...(eta ? { eta } : {}),
    status: s.ended === 'deleted' ? 'DELETED' : (s.verdict ?? snap.status),
    taskDone: snap.taskDone === null && s.counts === null ? null : doneCount(s),
  };
}

/**
 * Cycles a job status that its tasks contradict is rechecked before the watcher stops waiting for MMS to
 * catch up (MMS.md §4/§7: table and task status are authoritative; job status can lag).
 */
export const STATUS_LAG_CYCLES = 10;

/** Tasks done: MMS's taskDone, or more when the tasks say so (DONE, or resting at a *_DONE). */
export function doneCount(s: JobState): number {
  const mms = s.job?.taskDone ?? 0;
  return s.counts ? Math.max(mms, (s.counts['DONE'] ?? 0) + s.resting) : mms;
}

/** Failed tasks: from the last task list, or those MMS lists as failed now, whichever says more. */
export function failedCount(s: JobState): number {
  const counted = s.counts
    ? Object.entries(s.counts).reduce((n, [k, c]) => n + (/_FAILED$/.test(k) ? c : 0), 0)
    : 0;
  return Math.max(counted, s.failing.length);
}

/** The card's and the summary's line about a job status its tasks contradict. */
export function lagNote(lag: NonNullable<JobState['lag']>, ended: boolean, fromTasks: boolean): string {
  const head = `MMS says the job is ${lag.status}, but ${lag.tasks}`;
  if (!ended)
    return `${head}; job status can lag behind its tasks, rechecking (${lag.cycles}/${STATUS_LAG_CYCLES})`;
  return fromTasks
    ? `${head}. MMS did not catch up after ${lag.cycles} checks; reported from the tasks (their status is authoritative)`
    : `${head}. They did not settle after ${lag.cycles} checks; reported as MMS says`;
}

/** Elapsed since the watcher first saw the job running; ETA from the progress rate since then. */
export function timing(s: JobState, now: number): { elapsedMs: number | null; etaMs: number | null } {
  if (s.firstRunningAt === null) return { elapsedMs: null, etaMs: null };
  const end = s.finishedAt ?? now;
  const elapsedMs = Math.max(0, end - s.firstRunningAt);
  const num = s.job?.taskNum ?? null;
  const done = s.job?.taskDone ?? null;
  let etaMs: number | null = null;
  if (s.ended === null && !s.job?.stopped && num !== null && done !== null && done < num && elapsedMs > 0) {
    const rate = (done - s.doneAtStart) / elapsedMs;
    if (rate > 0) etaMs = Math.round((num - done) / rate);
  }
  return { elapsedMs, etaMs };
}

export function jobCardFor(w: Watch, s: JobState, now: number, render: RenderCtx): SlackMessage {
  const { elapsedMs, etaMs } = timing(s, now);
  return jobCard({
    source: { id: w.sourceId, name: w.sourceName },
    job: jobOf(w, s),
    starting: s.job === null,
    counts: s.counts,
    failing: s.failing.map((f) => ({ id: f.id, table: f.table, status: f.status })),
    region: w.region,
    elapsedMs,
    etaMs,
    last: s.last,
    unreachable: s.unreachable,
    note: s.lag && s.ended !== 'deleted' ? lagNote(s.lag, s.ended !== null, s.verdict !== null) : null,
    finished: s.ended !== null,
    deleted: s.ended === 'deleted',
    moved: movedOf(s),
    defaultRegion: render.defaultRegion,
  });
}

/**
 * The job's table sizes, done of all, for the card, the summary and the glance; null: MMS reported none.
 * While the job runs and its progress moved since the tasks said which tables are done, as of when.
 */
export function movedOf(s: JobState): MovedSizes | null {
  const z = s.sizes;
  if (!z || (z.rows === null && z.bytes === null)) return null;
  const lags = s.ended === null && z.at !== null && (s.movedAt ?? 0) > z.at;
  return {
    rows: z.doneRows,
    bytes: z.doneBytes,
    totalRows: z.rows,
    totalBytes: z.bytes,
    unsized: z.unsized,
    asOf: lags ? z.at : null,
  };
}

/** The one scan view: the card and the scan's events are drawn from it. */
export function scanView(w: Watch, s: ScanState, now: number): ScanCardView {
  return {
    scanId: w.objectId,
    source: { id: w.sourceId, name: w.sourceName },
    region: w.region,
    status: s.status ?? null,
    progress: s.progress,
    result: s.result,
    errorMsg: s.errorMsg,
    outcome: s.outcome,
    unreachable: s.unreachable,
    elapsedMs: s.outcome ? Math.max(0, now - w.createdAt) : null,
  };
}

export const scanCardFor = (w: Watch, s: ScanState, now: number, render: RenderCtx): SlackMessage =>
  scanCard(scanView(w, s, now), eventCtx(w, render));

/** The one job-creation view: the card and the failure event are drawn from it. */
export function asyncView(w: Watch, s: AsyncState): AsyncCardView {
  return {
    asyncTaskId: w.objectId,
    label: w.label || `async task #${w.objectId}`,
    source: { id: w.sourceId, name: w.sourceName },
    region: w.region,
    status: s.status ?? null,
    progress: s.progress,
    errorMsg: s.errorMsg,
    outcome: s.outcome,
    unreachable: s.unreachable,
  };
}

export const asyncCardFor = (w: Watch, s: AsyncState, render: RenderCtx): SlackMessage =>
  asyncCard(asyncView(w, s), eventCtx(w, render));

function glanceMoved(s: JobState): WatchGlance['moved'] {
  const m = movedOf(s);
  return m ? { rows: m.rows, bytes: m.bytes, totalRows: m.totalRows, totalBytes: m.totalBytes } : null;
}

/** What other readers show of a job watch (`/mms watching`, `/mms status`), as data. */
export function jobGlance(s: JobState): WatchGlance {
  return {
    status: s.ended === 'deleted' ? 'DELETED' : (s.verdict ?? s.job?.status ?? null),
    stopped: s.job?.stopped === true,
    done: s.job ? doneCount(s) : null,
    total: s.job?.taskNum ?? null,
    failed: failedCount(s),
    percent: null,
    ended: s.ended,
    last: s.last,
    moved: glanceMoved(s),
  };
}

export function scanGlance(s: ScanState): WatchGlance {
  return {
    status: s.status ?? null,
    stopped: false,
    done: null,
    total: null,
    failed: 0,
    percent: s.outcome ? null : (s.progress ?? 0) / 100,
    ended: s.outcome,
    moved: null,
  };
}

export function asyncGlance(s: AsyncState): WatchGlance {
  return {
    status: s.status ?? null,
    stopped: false,
    done: null,
    total: null,
    failed: 0,
    percent: null,
    ended: s.outcome === null ? null : s.outcome === 'done' ? 'job created' : s.outcome,
    moved: null,
  };
}
