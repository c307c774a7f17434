// The job cycle, in bulk: per (region, source) one paged ListMmsJobs (until every watched job is found),
// GetMmsJob only for a watched job missing from it (deleted, or older than the pages read), and one paged
// ListMmsTasks per failure status across the whole source (no jobId): every new failure in every watched job
// at a cost that does not grow with the number of jobs. Progress comes from the job list; a job's own task
// list is read only when its card needs task detail (it finished, a FAILED job runs again, it stood still),
// and ListMmsTaskLogs only for failures not yet told. Table sizes (ListMmsTables, one listing per (source,
// db) per tick, shared by the jobs on that db) only when a task read finds the job's table set or done set
// changed; the sums are remembered in the watch state. A running job whose sizes lag its tasks done has its
// task list read again for them, MAX_SIZE_READS jobs per source per cycle at most.

import { type Diagnosis, diagnoseTask } from '../diagnosis/diagnose.js';
import { listAll } from '../mms/client.js';
import { MmsError } from '../mms/errors.js';
import { isTaskFailed, type Job, type Table, type Task } from '../mms/schemas.js';
import type { Watch } from '../store/watches.js';
import { SourceBackoff } from './backoff.js';
import { eventCtx, jobCardFor, jobGlance } from './cards.js';
import { commit, errorKind, type TickReport, type WatchDeps } from './deps.js';
import { discoverJobs, type SourceKey } from './discovery.js';
import { mapLimit } from './gate.js';
import {
  type FailureFound,
  jobStep,
  MAX_SIZE_READS,
  movesWholeTables,
  needsTasks,
  type SizedTable,
  sameTables,
  sizeKey,
  sizesDue,
  sumSizes,
  tableIndex,
  tableSet,
  unannounced,
} from './job-events.js';
import { type JobSizes, type JobState, jobState } from './state.js';
import { markUnreachable } from './unreachable.js';

/** How long after its end a finished job's watch still notices the job running again. */
const REWATCH_MS = 3 * 86_400_000;

interface SourceWork extends SourceKey {
  watches: Watch[];
  /** Finished watches that notice their job running again (retried outside the bot). */
  ended: Watch[];
  discover: boolean;
}

export async function pollJobs(d: WatchDeps, r: TickReport): Promise<void> {
  const work = new Map<string, SourceWork>();
  const entry = (region: string, sourceId: number, sourceName: string): SourceWork => {
    const key = SourceBackoff.key(region, sourceId);
    let e = work.get(key);
    if (!e) {
      e = { region, sourceId, sourceName, watches: [], ended: [], discover: false };
      work.set(key, e);
    }
    return e;
  };
  for (const w of d.watches.active('job')) entry(w.region, w.sourceId, w.sourceName).watches.push(w);
  for (const w of d.watches.endedSince('job', d.now() - REWATCH_MS)) {
    if (jobState(w.state).ended === 'finished') entry(w.region, w.sourceId, w.sourceName).ended.push(w);
  }
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
    const failing =
      src.watches.length > 0 || src.ended.length > 0 ? await listFailing(d, src) : new Map<number, Task[]>();
    // MMS documents no order for ListMmsJobs: new jobs are looked for in the whole list, read now and then.
    const fresh = sweep ? discoverJobs(d, r, src, seen) : [];
    // Jobs whose watch ended and that run again (retried outside the bot): watched again on their card.
    const again = rewatch(d, src, seen, failing);
    const byJob = new Map<number, Watch[]>();
    for (const w of [...src.watches, ...fresh, ...again])
      byJob.set(w.objectId, [...(byJob.get(w.objectId) ?? []), w]);
    for (const j of seen) if (byJob.has(j.id) && !found.has(j.id)) found.set(j.id, j);
    const now = d.now();
    const jobs: JobWork[] = [...byJob].map(([jobId, watches]) => {
      const job = found.get(jobId) ?? null;
      const states = watches.map((w) => jobState(w.state));
      const needed = job !== null && states.some((s) => needsTasks(s, job, now, d.settings.taskRefreshMs));
      return { jobId, watches, job, states, readTasks: needed };
    });
    for (const x of sizeReadsDue(jobs, now)) x.readTasks = true;
    const inventory: Inventory = new Map();
    await mapLimit(jobs, d.settings.concurrency, (x) =>
      pollJob(d, r, src, x, failing.get(x.jobId) ?? [], inventory),
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

const FAILED_STATUSES = ['SCHEMA_FAILED', 'DATA_FAILED', 'VERIFICATION_FAILED'] as const;

/**
 * The source's failed tasks, by job: one paged ListMmsTasks per failure status, no jobId (MMS.md §3: the
 * status filter takes one value), newest first.
 */
async function listFailing(d: WatchDeps, src: SourceWork): Promise<Map<number, Task[]>> {
  const mms = d.clients(src.region);
  const byJob = new Map<number, Task[]>();
  for (const status of FAILED_STATUSES) {
    let pages = 0;
    const tasks = await listAll(
      async (p) => {
        pages = p.pageNum;
        return d.gate.run('ListMmsTasks', () =>
          mms.listTasks(src.sourceId, { status, sorter: { startTime: 'desc' }, ...p }),
        );
      },
      { pageSize: d.settings.listPageSize, until: () => pages >= d.settings.maxListPages },
    );
    for (const t of tasks) {
      if (typeof t.jobId !== 'number' || !isTaskFailed(t.status)) continue;
      byJob.set(t.jobId, [...(byJob.get(t.jobId) ?? []), t]);
    }
  }
  return byJob;
}

/**
 * Finished watches of this source whose job runs again (listed as not finished) or has a failure not yet
 * told: reactivated, so the next step starts a new run on the same card. Unwatched or deleted ones stay.
 */
function rewatch(d: WatchDeps, src: SourceWork, seen: readonly Job[], failing: Map<number, Task[]>): Watch[] {
  const listed = new Map(seen.map((j) => [j.id, j]));
  const active = new Set(src.watches.map((w) => w.id));
  const out: Watch[] = [];
  for (const w of src.ended) {
    if (active.has(w.id)) continue;
    const s = jobState(w.state);
    const j = listed.get(w.objectId);
    // Moved on since the watch ended (FAILED → DOING or DONE after a retry): listed with a status that is
    // neither the one it ended on nor the outcome told from its tasks (when MMS's status lagged).
    const known = new Set([s.job?.status ?? null, s.verdict]);
    const runs = j !== undefined && !known.has(j.status ?? null);
    const fails = (failing.get(w.objectId) ?? []).some((t) => unannounced(s, t).some((a) => a.current));
    if (!runs && !fails) continue;
    if (d.watches.reactivate(w.id)) out.push({ ...w, active: true });
  }
  return out;
}

/** A discovery sweep reads the whole job list: every cycle at first, then every SWEEP_MS per source. */
const SWEEP_MS = 2 * 60_000;

function sweepDue(d: WatchDeps, key: string): boolean {
  const last = d.sweeps.get(key);
  if (last !== undefined && d.now() - last < SWEEP_MS) return false;
  d.sweeps.set(key, d.now());
  return true;
}

/** One watched job of a source this cycle: its watches, their states (parsed once) and what to read. */
interface JobWork {
  jobId: number;
  watches: Watch[];
  /** As the job list has it; null: not found (deleted). */
  job: Job | null;
  states: JobState[];
  /** Its task list is read this cycle (its card needs task detail, or its sizes lag). */
  readTasks: boolean;
}

async function pollJob(
  d: WatchDeps,
  r: TickReport,
  src: SourceWork,
  { watches, job, states, readTasks }: JobWork,
  failing: Task[],
  inventory: Inventory,
): Promise<void> {
  const now = d.now();
  const mms = d.clients(src.region);
  let tasks: Task[] | null = null;
  if (job && readTasks) {
    tasks = await listAll((p) =>
      d.gate.run('ListMmsTasks', () => mms.listTasks(src.sourceId, { jobId: job.id, ...p })),
    );
  }
  // Failed attempts some watch of this job has not told: failing now, or hidden by a retry nobody saw.
  const candidates = new Map<number, Task>();
  for (const t of failing) candidates.set(t.id, t);
  for (const t of tasks ?? [])
    if (isTaskFailed(t.status) || (t.retriedTimes ?? 0) > 0) candidates.set(t.id, t);
  const wanted = (s: JobState, t: Task) => unannounced(s, t);
  const fresh = [...candidates.values()].filter((t) => states.some((s) => wanted(s, t).length > 0));
  const read = fresh.slice(0, d.settings.maxLogReadsPerJob);
  const pending = fresh.length > read.length;
  const diagnosed = new Map<number, { attempt: number; status: string; diagnosis: Diagnosis }[]>();
  await mapLimit(read, d.settings.concurrency, async (t) => {
    const logs = await d.gate.run('ListMmsTaskLogs', () => mms.listTaskLogs(src.sourceId, t.id));
    // Fixes name the next command by the source's name, as people type it.
    const ctx = { region: src.region, source: src.sourceName || String(src.sourceId) };
    const out: { attempt: number; status: string; diagnosis: Diagnosis }[] = [];
    const r0 = t.retriedTimes ?? 0;
    if (isTaskFailed(t.status))
      out.push({ attempt: r0, status: t.status!, diagnosis: diagnoseTask(t, logs, ctx) });
    // The attempt before the last retry: diagnosed from the log up to its last failure.
    const before = isTaskFailed(t.status) ? lastRetry(logs) : logs.length;
    const lastFail = logs.findLastIndex((l, i) => i < before && isTaskFailed(l.status));
    if (r0 > 0 && lastFail >= 0) {
      const status = logs[lastFail]!.status!;
      const upTo = logs.slice(0, lastFail + 1);
      out.push({ attempt: r0 - 1, status, diagnosis: diagnoseTask({ ...t, status }, upTo, ctx) });
    }
    diagnosed.set(t.id, out);
  });
  const summed = job && tasks ? await jobSizes(d, src, job, tasks, states, inventory, now) : undefined;
  r.polled.jobs++;
  watches.forEach((w, i) => {
    const prev = states[i]!;
    const render = d.render(w.region);
    const mine: FailureFound[] = [];
    for (const t of read) {
      const want = wanted(prev, t);
      for (const f of diagnosed.get(t.id) ?? [])
        if (want.some((a) => a.attempt === f.attempt)) mine.push({ task: t, ...f });
    }
    const step = jobStep(
      w,
      prev,
      {
        job,
        tasks,
        failing: job ? failing : null,
        failures: mine,
        failuresPending: pending,
        ...(summed !== undefined ? { sizes: summed } : {}),
      },
      now,
      eventCtx(w, render),
    );
    const res = commit(d, {
      watch: w,
      prev: w.state,
      next: step.state,
      glance: jobGlance(step.state),
      events: step.events,
      card: () => jobCardFor(w, step.state, now, render),
      end: step.end,
    });
    r.queued += res.queued;
  });
}

/**
 * Jobs whose task list is read this cycle only so that their sizes moved follow their tasks done: those
 * due (`sizesDue`) that read it for no other reason, the longest waiting first, MAX_SIZE_READS at most.
 */
function sizeReadsDue(jobs: readonly JobWork[], now: number): JobWork[] {
  const due: Array<{ x: JobWork; since: number }> = [];
  for (const x of jobs) {
    const job = x.job;
    if (!job || x.readTasks || !x.states.some((s) => sizesDue(s, job, now))) continue;
    due.push({ x, since: Math.min(...x.states.map((s) => s.tasksAt ?? 0)) });
  }
  due.sort((a, b) => a.since - b.since || a.x.jobId - b.x.jobId);
  return due.slice(0, MAX_SIZE_READS).map((e) => e.x);
}

/** A source's table listings of this tick, by database: each listed once, shared by the jobs on it. */
type Inventory = Map<string, Promise<SizedTable[]>>;

/**
 * The job's table sizes from the tasks just read: summed again only when the table set or the done set
 * changed since the sums the watches hold (null: sizes say nothing of this job; undefined: keep them).
 * An MMS error here costs the sizes of this cycle, not the job's cycle.
 */
async function jobSizes(
  d: WatchDeps,
  src: SourceWork,
  job: Job,
  tasks: readonly Task[],
  states: readonly JobState[],
  inventory: Inventory,
  now: number,
): Promise<JobSizes | null | undefined> {
  if (!movesWholeTables(job)) return null;
  const set = tableSet(job, tasks);
  if (set.tables.size === 0) return undefined;
  const key = sizeKey(set);
  const prev = states.find((s) => s.sizes !== null)?.sizes;
  // Same sets: the sums hold, now confirmed.
  if (prev && states.every((s) => s.sizes?.of === key)) return { ...prev, at: now };
  // The same tables reported no size before: more of them done changes nothing worth a listing.
  if (prev && prev.rows === null && prev.bytes === null && sameTables(prev.of, key))
    return { ...prev, of: key, doneTables: set.done.size, at: now };
  const dbs = new Set([...set.tables.values()].map((t) => t.db));
  try {
    const listed = await Promise.all([...dbs].map((db) => listTables(d, src, db, inventory)));
    return { ...sumSizes(set, tableIndex(listed.flat())), at: now };
  } catch (e) {
    if (errorKind(e) === null) throw e;
    d.logger.warn(
      { err: e, region: src.region, sourceId: src.sourceId, jobId: job.id },
      'watcher: table sizes not read; the card keeps the last ones',
    );
    return undefined;
  }
}

function listTables(d: WatchDeps, src: SourceWork, db: string, inventory: Inventory): Promise<SizedTable[]> {
  let listing = inventory.get(db);
  if (!listing) {
    const mms = d.clients(src.region);
    let pages = 0;
    // Only what the sums need is kept of each table (a listing carries every table's columns).
    const slim = (t: Table): SizedTable => ({
      id: t.id,
      dbName: t.dbName ?? null,
      name: t.name,
      numRows: t.numRows ?? null,
      size: t.size ?? null,
    });
    listing = listAll(
      async (p) => {
        pages = p.pageNum;
        const page = await d.gate.run('ListMmsTables', () =>
          mms.listTables(src.sourceId, { ...(db ? { dbName: db } : {}), ...p }),
        );
        return { ...page, items: page.items.map(slim) };
      },
      {
        pageSize: d.settings.listPageSize,
        max: d.settings.listPageSize * d.settings.maxListPages,
        until: () => pages >= d.settings.maxListPages,
      },
    );
    // A failed listing fails every job of this tick that needs it (each keeps its last sizes); this handler
    // only keeps a rejection nobody awaits any more from being reported as unhandled.
    listing.catch(() => {});
    inventory.set(db, listing);
  }
  return listing;
}

/** Index of the last retry entry of a task log (`-1`: none): entries before it belong to earlier attempts. */
function lastRetry(logs: readonly { status?: string | null; action?: string | null }[]): number {
  for (let i = logs.length - 1; i >= 0; i--) {
    const l = logs[i]!;
    if (l.status === 'INIT' || /retry/i.test(l.action ?? '')) return i;
  }
  return -1;
}
