// The fast cycle: metadata scans and job creations (async TASK_CREATE), one Get call each, until they end or
// the wait is capped. A finished job creation turns into a job watch on the same card.

import { parseJson } from '../json.js';
import type { AsyncTask, Scan } from '../mms/schemas.js';
import { asyncTaskState, scanState as scanOutcome } from '../mms/schemas.js';
import { cardKey } from '../store/outbox.js';
import type { Watch } from '../store/watches.js';
import {
  asyncFailedMessage,
  gaveUpMessage,
  jobCreatedMessage,
  type ScanCardView,
  scanDoneMessage,
  scanFailedMessage,
} from '../ui/events.js';
import { SourceBackoff } from './backoff.js';
import {
  asyncCardFor,
  asyncGlance,
  asyncView,
  eventCtx,
  jobCardFor,
  jobGlance,
  scanCardFor,
  scanGlance,
  scanView,
} from './cards.js';
import { commit, errorKind, eventKey, safePayload, type TickReport, type WatchDeps } from './deps.js';
import { mapLimit } from './gate.js';
import {
  type AsyncState,
  asyncState,
  JobState,
  jobState,
  type LastEvent,
  ScanResult,
  type ScanState,
  scanState,
} from './state.js';
import { markUnreachable } from './unreachable.js';

export async function pollFast(d: WatchDeps, r: TickReport): Promise<void> {
  const bySource = new Map<string, Watch[]>();
  for (const w of [...d.watches.active('scan'), ...d.watches.active('async')]) {
    // Capped waits end even while MMS cannot be reached.
    if (d.now() - w.createdAt > d.settings.maxWaitMs) {
      giveUp(d, r, w);
      continue;
    }
    const key = SourceBackoff.key(w.region, w.sourceId);
    bySource.set(key, [...(bySource.get(key) ?? []), w]);
  }
  await mapLimit([...bySource], d.settings.concurrency, async ([key, watches]) => {
    if (!d.backoff.ready(key, d.now())) {
      r.backedOff++;
      return;
    }
    for (const w of watches) {
      try {
        if (w.kind === 'scan') await pollScan(d, r, w);
        else await pollAsync(d, r, w);
      } catch (e) {
        const kind = errorKind(e);
        if (kind === null) {
          d.logger.error({ err: e, watch: w.id }, 'watcher: fast cycle failed');
          continue;
        }
        const b = d.backoff.fail(key, d.now(), kind);
        d.logger.warn({ err: e, watch: w.id, kind }, 'watcher: MMS call failed; backing off');
        markUnreachable(d, r, watches, b.since, kind);
        return;
      }
    }
    d.backoff.succeed(key);
  });
}

const minutes = (ms: number): number => Math.round(ms / 60_000);

function giveUp(d: WatchDeps, r: TickReport, w: Watch): void {
  const now = d.now();
  const render = d.render(w.region);
  const what =
    w.kind === 'scan' ? `scan #${w.objectId}` : `the creation of job ${w.label || `#${w.objectId}`}`;
  const message = gaveUpMessage(what, minutes(d.settings.maxWaitMs));
  const events = [{ key: eventKey(w.id, 'gave-up'), kind: 'thread' as const, message }];
  const last: LastEvent = { kind: 'gave-up', at: now };
  if (w.kind === 'scan') {
    const s: ScanState = { ...scanState(w.state), outcome: 'gave-up', last };
    r.queued += commit(d, {
      watch: w,
      prev: w.state,
      next: s,
      glance: scanGlance(s),
      events,
      card: () => scanCardFor(w, s, now, render),
      end: true,
    }).queued;
  } else {
    const s: AsyncState = { ...asyncState(w.state), outcome: 'gave-up', last };
    r.queued += commit(d, {
      watch: w,
      prev: w.state,
      next: s,
      glance: asyncGlance(s),
      events,
      card: () => asyncCardFor(w, s, render),
      end: true,
    }).queued;
  }
}

function scanResult(raw: unknown): ScanCardView['result'] {
  const v = typeof raw === 'string' ? parseJson(raw) : raw;
  if (v === undefined) return null;
  const p = ScanResult.safeParse(v);
  return p.success ? p.data : null;
}

async function pollScan(d: WatchDeps, r: TickReport, w: Watch): Promise<void> {
  const scan: Scan = await d.gate.run('GetMmsFetchMetadataJob', () =>
    d.clients(w.region).getFetchMetadataJob(w.sourceId, w.objectId),
  );
  r.polled.scans++;
  const now = d.now();
  const render = d.render(w.region);
  const prev = scanState(w.state);
  const outcome = scanOutcome(scan);
  const s: ScanState = {
    ...prev,
    status: scan.status ?? undefined,
    progress: scan.progress ?? prev.progress,
    errorMsg: scan.errorMsg ?? null,
    unreachable: null,
    outcome: outcome === 'running' ? null : outcome,
    result: outcome === 'done' ? scanResult(scan.result) : prev.result,
  };
  const view = scanView(w, s, now);
  const events =
    outcome === 'done'
      ? [{ key: eventKey(w.id, 'scan-done'), kind: 'thread' as const, message: scanDoneMessage(view) }]
      : outcome === 'failed'
        ? [
            {
              key: eventKey(w.id, 'scan-failed'),
              kind: 'thread' as const,
              message: scanFailedMessage(view, eventCtx(w, render)),
            },
          ]
        : [];
  if (outcome !== 'running') s.last = { kind: outcome === 'done' ? 'scan-done' : 'scan-failed', at: now };
  r.queued += commit(d, {
    watch: w,
    prev: w.state,
    next: s,
    glance: scanGlance(s),
    events,
    card: () => scanCardFor(w, s, now, render),
    end: outcome !== 'running',
  }).queued;
}

async function pollAsync(d: WatchDeps, r: TickReport, w: Watch): Promise<void> {
  const t: AsyncTask = await d.gate.run('GetMmsAsyncTask', () =>
    d.clients(w.region).getAsyncTask(w.sourceId, w.objectId),
  );
  r.polled.async++;
  const render = d.render(w.region);
  const prev = asyncState(w.state);
  let outcome = asyncTaskState(t);
  // A DONE job creation that names no job (the official sample answers without objectId): the job is
  // looked up by its exact name (MMS.md §5); only when none exists did the creation fail.
  const objectId =
    outcome === 'done' && (t.objectId === null || t.objectId === undefined) && w.label
      ? await jobIdByName(d, w)
      : t.objectId;
  if (outcome === 'done' && (objectId === null || objectId === undefined)) outcome = 'failed';
  const s: AsyncState = {
    ...prev,
    status: t.status ?? undefined,
    progress: t.progress ?? prev.progress,
    errorMsg: t.errorMsg ?? (outcome === 'failed' && !t.errorMsg ? 'MMS reported no job id' : null),
    unreachable: null,
    outcome: outcome === 'running' ? null : outcome,
    jobId: outcome === 'done' ? (objectId ?? null) : null,
  };
  if (outcome === 'done') {
    r.queued += becomeJob(d, w, s, objectId!);
    return;
  }
  const events =
    outcome === 'failed'
      ? [
          {
            key: eventKey(w.id, 'async-failed'),
            kind: 'thread' as const,
            message: asyncFailedMessage({ ...asyncView(w, s), label: w.label }, eventCtx(w, render)),
          },
        ]
      : [];
  if (outcome === 'failed') s.last = { kind: 'async-failed', at: d.now() };
  r.queued += commit(d, {
    watch: w,
    prev: w.state,
    next: s,
    glance: asyncGlance(s),
    events,
    card: () => asyncCardFor(w, s, render),
    end: outcome === 'failed',
  }).queued;
}

async function jobIdByName(d: WatchDeps, w: Watch): Promise<number | null> {
  const res = await d.gate.run('ListMmsJobs', () =>
    d.clients(w.region).listJobs(w.sourceId, { name: w.label, pageNum: 1, pageSize: 100 }),
  );
  const hits = res.items.filter((j) => j.name === w.label);
  return hits.length === 1 ? hits[0]!.id : null;
}

/**
 * The job exists: the async watch ends and a job watch takes over its card, in one transaction with the
 * "created and started" event. The job's own poll (this cycle or the next) fills the card in.
 */
function becomeJob(d: WatchDeps, w: Watch, s: AsyncState, jobId: number): number {
  const now = d.now();
  const render = d.render(w.region);
  let queued = 0;
  d.db
    .transaction(() => {
      if (!d.watches.setStateIf(w.id, w.state, { ...s, glance: asyncGlance(s) })) return;
      d.watches.deactivate(w.id);
      const cardTs = d.outbox.cardTs(w);
      // Its last content must not land on the job's card later.
      d.outbox.supersede(cardKey(w.id));
      const { watch: job, created } = d.watches.add({
        kind: 'job',
        region: w.region,
        sourceId: w.sourceId,
        sourceName: w.sourceName,
        objectId: jobId,
        channel: w.channel,
        label: w.label,
        cardTs,
        createdBy: w.createdBy,
        state: JobState.parse({ origin: 'created', started: true }),
      });
      const message = jobCreatedMessage({ id: jobId, name: w.label || `#${jobId}` }, null);
      const base = jobState(job.state);
      const js: JobState = created ? { ...base, last: { kind: 'created', at: now } } : base;
      if (created) d.watches.setState(job.id, { ...js, glance: jobGlance(js) });
      else if (cardTs) d.outbox.moveCard(job.id, cardTs);
      if (d.outbox.setCard(job.id, job.channel, safePayload(jobCardFor(job, js, now, render)), cardTs))
        queued++;
      if (
        d.outbox.enqueue({
          key: eventKey(job.id, 'created'),
          watchId: job.id,
          channel: job.channel,
          kind: 'thread',
          payload: safePayload(message),
        })
      )
        queued++;
    })
    .immediate();
  return queued;
}
