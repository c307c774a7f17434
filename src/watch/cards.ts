// A watch's card, drawn from what the watcher remembers (no MMS call): the job card, the scan card, the
// job-creation card.
import type { Job } from '../mms/schemas.js';
import { asyncCard, type EventCtx, scanCard, unreachableLine } from '../slack/blocks/events.js';
import { jobCard } from '../slack/blocks/jobs.js';
import type { RenderCtx, SlackMessage } from '../slack/blocks/types.js';
import type { Watch } from '../store/watches.js';
import type { AsyncState, JobSnapshot, JobState, ScanState } from './state.js';

export const eventCtx = (w: Watch, render: RenderCtx): EventCtx => ({
  source: { id: w.sourceId, name: w.sourceName },
  region: w.region,
  defaultRegion: render.defaultRegion,
});

export function snapshotOf(j: Job): JobSnapshot {
  const cfg = j.config ?? null;
  const verify = cfg && typeof cfg['enableVerification'] === 'boolean' ? cfg['enableVerification'] : null;
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
    timerId: j.timerId ?? null,
    enableVerification: verify,
    startTime: j.startTime ?? null,
    endTime: j.endTime ?? null,
  };
}

function jobOf(w: Watch, s: JobState): Job {
  const snap = s.job;
  if (!snap) return { id: w.objectId, name: w.label || `#${w.objectId}`, status: null, stopped: false };
  const { enableVerification: _v, ...fields } = snap;
  return { ...fields, status: s.ended === 'deleted' ? 'DELETED' : snap.status };
}

const unreachable = (u: { since: number; kind: string } | null): string | null =>
  u ? unreachableLine(u.since, u.kind) : null;

/** Elapsed since the watcher first saw the job running; ETA from the progress rate since then. */
export function timing(s: JobState, now: number): { elapsedMs: number | null; etaMs: number | null } {
  if (s.firstRunningAt === null) return { elapsedMs: null, etaMs: null };
  const end = s.finishedAt ?? now;
  const elapsedMs = Math.max(0, end - s.firstRunningAt);
  const num = s.job?.taskNum ?? null;
  const done = s.job?.taskDone ?? null;
  let etaMs: number | null = null;
  if (s.ended === null && num !== null && done !== null && done < num && elapsedMs > 0) {
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
    counts: s.counts,
    region: w.region,
    elapsedMs,
    etaMs,
    lastEvent: s.lastEvent,
    unreachable: unreachable(s.unreachable),
    finished: s.ended !== null,
    defaultRegion: render.defaultRegion,
  });
}

export function scanCardFor(w: Watch, s: ScanState, now: number, render: RenderCtx): SlackMessage {
  return scanCard(
    {
      scanId: w.objectId,
      source: { id: w.sourceId, name: w.sourceName },
      region: w.region,
      status: s.status ?? null,
      progress: s.progress,
      result: s.result,
      errorMsg: s.errorMsg,
      outcome: s.outcome,
      unreachable: unreachable(s.unreachable),
      elapsedMs: s.outcome ? Math.max(0, now - w.createdAt) : null,
    },
    eventCtx(w, render),
  );
}

export function asyncCardFor(w: Watch, s: AsyncState, render: RenderCtx): SlackMessage {
  return asyncCard(
    {
      asyncTaskId: w.objectId,
      label: w.label || `async task #${w.objectId}`,
      source: { id: w.sourceId, name: w.sourceName },
      region: w.region,
      status: s.status ?? null,
      progress: s.progress,
      errorMsg: s.errorMsg,
      outcome: s.outcome,
      unreachable: unreachable(s.unreachable),
    },
    eventCtx(w, render),
  );
}
