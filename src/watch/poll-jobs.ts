// The job cycle, in bulk: per (region, source) one paged ListMmsJobs (newest first, until every watched job
// is found), GetMmsJob only for a watched job missing from it (deleted, or older than the pages read),
// ListMmsTasks only for jobs whose status, stopped flag or task counters moved, and ListMmsTaskLogs only for
// tasks that newly failed.

import { type Diagnosis, diagnoseTask } from '../diagnosis/diagnose.js';
import { listAll } from '../mms/client.js';
import { MmsError } from '../mms/errors.js';
import { isTaskFailed, type Job, type Task } from '../mms/schemas.js';
import type { Watch } from '../store/watches.js';
import { SourceBackoff } from './backoff.js';
import { eventCtx, jobCardFor } from './cards.js';
import { commit, errorKind, type TickReport, type WatchDeps } from './deps.js';
import { discoverJobs, type SourceKey } from './discovery.js';
import { mapLimit } from './gate.js';
import { jobStep, needsTasks } from './job-events.js';
import { jobState } from './state.js';
import { markUnreachable } from './unreachable.js';

interface SourceWork extends SourceKey {
  watches: Watch[];
  discover: boolean;
}

export async function pollJobs(d: WatchDeps, r: TickReport): Promise<void> {
  const work = new Map<string, SourceWork>();
  const entry = (region: string, sourceId: number, sourceName: string): SourceWork => {
    const key = SourceBackoff.key(region, sourceId);
    let e = work.get(key);
    if (!e) {
      e = { region, sourceId, sourceName, watches: [], discover: false };
      work.set(key, e);
    }
    return e;
  };
  for (const w of d.watches.active('job')) entry(w.region, w.sourceId, w.sourceName).watches.push(w);
  if (d.settings.notifyChannel) {
    for (const s of d.watches.sources()) entry(s.region, s.sourceId, s.sourceName).discover = true;
    for (const s of d.known.sources()) entry(s.region, s.sourceId, String(s.sourceId)).discover = true;
  }
  await mapLimit([...work.values()], d.settings.concurrency, (src) => pollSource(d, r, src));
}

async function pollSource(d: WatchDeps, r: TickReport, src: SourceWork): Promise<void> {
  const key = SourceBackoff.key(src.region, src.sourceId);
  if (!d.backoff.ready(key, d.now())) {
    r.backedOff++;
    return;
  }
  try {
    const sweep = src.discover && sweepDue(d, key);
    const { found, seen } = await listWatched(d, src, sweep);
    // MMS documents no order for ListMmsJobs: new jobs are looked for in the whole list, read now and then.
    const fresh = sweep ? discoverJobs(d, r, src, seen) : [];
    const byJob = new Map<number, Watch[]>();
    for (const w of [...src.watches, ...fresh]) byJob.set(w.objectId, [...(byJob.get(w.objectId) ?? []), w]);
    for (const j of seen) if (byJob.has(j.id) && !found.has(j.id)) found.set(j.id, j);
    await mapLimit([...byJob], d.settings.concurrency, ([jobId, ws]) =>
      pollJob(d, r, src, ws, found.has(jobId) ? found.get(jobId)! : null),
    );
    d.backoff.succeed(key);
  } catch (e) {
    const kind = errorKind(e);
    if (kind === null) {
      d.logger.error({ err: e, region: src.region, sourceId: src.sourceId }, 'watcher: job cycle failed');
      return;
    }
    const b = d.backoff.fail(key, d.now(), kind);
    d.logger.warn(
      { err: e, region: src.region, sourceId: src.sourceId, kind },
      'watcher: MMS call failed; backing off',
    );
    markUnreachable(d, r, src.watches, b.since, kind);
  }
}

/**
 * Pages of ListMmsJobs (by `listAll`'s rules: a missing `total` or a clamped page size does not end the
 * list early) until every watched job is found, the list ends or `maxListPages` were read; GetMmsJob for
 * the rest, where a not-found answer means the job was deleted (it is left out of `found`).
 */
async function listWatched(
  d: WatchDeps,
  src: SourceWork,
  sweep: boolean,
): Promise<{ found: Map<number, Job>; seen: Job[] }> {
  const mms = d.clients(src.region);
  const ids = new Set(src.watches.map((w) => w.objectId));
  const found = new Map<number, Job>();
  const size = d.settings.listPageSize;
  let pages = 0;
  const seen = await listAll(
    async (p) => {
      const page = await d.gate.run('ListMmsJobs', () => mms.listJobs(src.sourceId, p));
      pages = p.pageNum;
      for (const j of page.items) if (ids.has(j.id)) found.set(j.id, j);
      return page;
    },
    {
      pageSize: size,
      until: () => (!sweep && found.size >= ids.size) || pages >= d.settings.maxListPages,
    },
  );
  for (const id of ids) {
    if (found.has(id)) continue;
    try {
      found.set(id, await d.gate.run('GetMmsJob', () => mms.getJob(src.sourceId, id)));
    } catch (e) {
      if (!(e instanceof MmsError && e.kind === 'not-found')) throw e;
    }
  }
  return { found, seen };
}

/** A discovery sweep reads the whole job list: every cycle at first, then every SWEEP_MS per source. */
const SWEEP_MS = 2 * 60_000;

function sweepDue(d: WatchDeps, key: string): boolean {
  const last = d.sweeps.get(key);
  if (last !== undefined && d.now() - last < SWEEP_MS) return false;
  d.sweeps.set(key, d.now());
  return true;
}

async function pollJob(
  d: WatchDeps,
  r: TickReport,
  src: SourceWork,
  watches: Watch[],
  job: Job | null,
): Promise<void> {
  const now = d.now();
  const mms = d.clients(src.region);
  const states = watches.map((w) => jobState(w.state));
  let tasks: Task[] | null = null;
  const failures = new Map<number, Diagnosis>();
  let pending = false;
  if (job && states.some((s) => needsTasks(s, job, now, d.settings.taskRefreshMs))) {
    tasks = await listAll((p) =>
      d.gate.run('ListMmsTasks', () => mms.listTasks(src.sourceId, { jobId: job.id, ...p })),
    );
    // Logs only for failures some watch of this job has not announced, a bounded number per cycle.
    const fresh = tasks.filter(
      (t) =>
        isTaskFailed(t.status) && states.some((s) => s.failedSeen[String(t.id)] !== (t.retriedTimes ?? 0)),
    );
    const read = fresh.slice(0, d.settings.maxLogReadsPerJob);
    pending = fresh.length > read.length;
    await mapLimit(read, d.settings.concurrency, async (t) => {
      const logs = await d.gate.run('ListMmsTaskLogs', () => mms.listTaskLogs(src.sourceId, t.id));
      failures.set(t.id, diagnoseTask(t, logs, { region: src.region, source: String(src.sourceId) }));
    });
  }
  r.polled.jobs++;
  watches.forEach((w, i) => {
    const prev = states[i]!;
    const render = d.render(w.region);
    const mine = new Map(
      [...failures].filter(([id]) => {
        const t = tasks?.find((x) => x.id === id);
        return prev.failedSeen[String(id)] !== (t?.retriedTimes ?? 0);
      }),
    );
    const step = jobStep(
      w,
      prev,
      { job, tasks, failures: mine, failuresPending: pending },
      now,
      eventCtx(w, render),
    );
    const res = commit(d, {
      watch: w,
      prev: w.state,
      next: step.state,
      events: step.events,
      card: jobCardFor(w, step.state, now, render),
      end: step.end,
    });
    r.queued += res.queued;
  });
}
