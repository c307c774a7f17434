// The simulator's state: sources and their inventory, scans, jobs, tasks, logs, async tasks and timers,
// advanced only by explicit steps so tests can say exactly what happens when.
import { seedDemo } from './demo-data.js';
import { notFound } from './errors.js';
import { addBulkSource, addSource } from './inventory.js';
import { isBusy, stepModel } from './lifecycle.js';
import { Rng } from './rng.js';
import type {
  AsyncTaskRec,
  DbRec,
  JobRec,
  PartitionRec,
  PlannedFailure,
  ScanRec,
  SourceRec,
  SourceSpec,
  TableRec,
  TaskLogRec,
  TaskMatch,
  TaskRec,
  TimerLogRec,
  TimerRec,
} from './types.js';

export interface ModelOptions {
  seed?: number;
  now?: () => number;
  /** Demo sources, jobs and a timer (default true). */
  demo?: boolean;
  regionId?: string;
  /** Tasks of one job that run at once (default 4). */
  taskConcurrency?: number;
}

/** A failure injected by demo data: the first attempt of a matching task fails this way. */
export interface FailureRule {
  sourceId: number;
  db: string;
  table?: string;
  kind: FailureKind;
}

export type FailureKind =
  | 'accessDenied'
  | 'serviceLinkedRole'
  | 'quotaNotBound'
  | 'typeMismatch'
  | 'tableNotFound'
  | 'connectionRefused'
  | 'countMismatch';

const FIRST_IDS = {
  source: 2000015,
  scan: 301,
  db: 1,
  table: 501,
  partition: 10001,
  job: 1,
  task: 7601,
  log: 90001,
  async: 5501,
  timer: 1,
  timerLog: 1,
};
type IdKind = keyof typeof FIRST_IDS;

export class MmsModel {
  readonly seed: number;
  readonly rng: Rng;
  readonly regionId: string;
  readonly taskConcurrency: number;
  /** The account that owns the target projects (appears in Access Denied messages). */
  readonly accountId = '1688003712345678';

  readonly sources = new Map<number, SourceRec>();
  readonly scans = new Map<number, ScanRec>();
  readonly dbs = new Map<number, DbRec>();
  readonly tables = new Map<number, TableRec>();
  readonly partitions = new Map<number, PartitionRec>();
  readonly jobs = new Map<number, JobRec>();
  readonly tasks = new Map<number, TaskRec>();
  readonly taskLogs = new Map<number, TaskLogRec[]>();
  readonly asyncTasks = new Map<number, AsyncTaskRec>();
  readonly timers = new Map<number, TimerRec>();
  readonly timerLogs = new Map<number, TimerLogRec[]>();
  readonly plannedFailures: Array<{ match: TaskMatch; failure: PlannedFailure }> = [];
  readonly failureRules: FailureRule[] = [];

  // Indexes kept beside the maps, so bulk sources (thousands of tables) stay cheap to list.
  readonly dbIdsBySource = new Map<number, number[]>();
  readonly tableIdsByDb = new Map<number, number[]>();
  readonly partitionIdsByTable = new Map<number, number[]>();

  steps = 0;
  private readonly ids = { ...FIRST_IDS };
  private readonly clock: () => number;
  /** While seeding demo history the clock is virtual and each step moves it on. */
  private virtual: { at: number; stepMs: number } | null = null;

  constructor(opts: ModelOptions = {}) {
    this.seed = opts.seed ?? 42;
    this.rng = new Rng(this.seed);
    this.clock = opts.now ?? Date.now;
    this.regionId = opts.regionId ?? 'cn-hangzhou';
    this.taskConcurrency = opts.taskConcurrency ?? 4;
    if (opts.demo ?? true) seedDemo(this);
  }

  now(): number {
    return this.virtual?.at ?? this.clock();
  }

  /** Runs `fn` on a virtual clock starting at `at`, moving `stepMs` per step (demo history). */
  atTime<T>(at: number, stepMs: number, fn: () => T): T {
    const saved = this.virtual;
    this.virtual = { at, stepMs };
    try {
      return fn();
    } finally {
      this.virtual = saved;
    }
  }

  nextId(kind: IdKind): number {
    const id = this.ids[kind];
    this.ids[kind] = id + 1;
    return id;
  }

  // ---- stepping ----

  step(n = 1): void {
    for (let i = 0; i < n; i++) {
      if (this.virtual) this.virtual.at += this.virtual.stepMs;
      this.steps++;
      stepModel(this);
    }
  }

  /** Steps until no scan, async task or unstopped job has work left; returns the steps taken. */
  runUntilIdle(maxSteps = 10_000): number {
    let n = 0;
    while (n < maxSteps && isBusy(this)) {
      this.step();
      n++;
    }
    return n;
  }

  busy(): boolean {
    return isBusy(this);
  }

  failTask(match: TaskMatch, failure: PlannedFailure): void {
    this.plannedFailures.push({ match: { ...match }, failure: { ...failure } });
  }

  addSource(spec: SourceSpec): number {
    return addSource(this, spec);
  }

  addBulkSource(name: string, tableCount: number): number {
    return addBulkSource(this, name, tableCount);
  }

  // ---- indexes ----

  index(map: Map<number, number[]>, key: number, id: number): void {
    const list = map.get(key);
    if (list) list.push(id);
    else map.set(key, [id]);
  }

  dbsOf(sourceId: number): DbRec[] {
    return (this.dbIdsBySource.get(sourceId) ?? []).map((id) => this.dbs.get(id)!);
  }

  tablesOf(dbId: number): TableRec[] {
    return (this.tableIdsByDb.get(dbId) ?? []).map((id) => this.tables.get(id)!);
  }

  tablesOfSource(sourceId: number): TableRec[] {
    return this.dbsOf(sourceId).flatMap((db) => this.tablesOf(db.id));
  }

  partitionsOf(tableId: number): PartitionRec[] {
    return (this.partitionIdsByTable.get(tableId) ?? []).map((id) => this.partitions.get(id)!);
  }

  tasksOf(job: JobRec): TaskRec[] {
    return job.taskIds.map((id) => this.tasks.get(id)!);
  }

  logsOf(taskId: number): TaskLogRec[] {
    return this.taskLogs.get(taskId) ?? [];
  }

  // ---- lookups that answer 404 the way the backend does ----

  source(sid: number): SourceRec {
    const s = this.sources.get(sid);
    if (!s) throw notFound(`datasource ${sid}`);
    return s;
  }

  db(sid: number, id: number): DbRec {
    return owned(this.dbs.get(id), sid, `db ${id}`);
  }

  dbByName(sid: number, name: string): DbRec | undefined {
    return this.dbsOf(sid).find((d) => d.name.toLowerCase() === name.toLowerCase());
  }

  table(sid: number, id: number): TableRec {
    return owned(this.tables.get(id), sid, `table ${id}`);
  }

  partition(sid: number, id: number): PartitionRec {
    return owned(this.partitions.get(id), sid, `partition ${id}`);
  }

  scan(sid: number, id: number): ScanRec {
    return owned(this.scans.get(id), sid, `scan ${id}`);
  }

  job(sid: number, id: number): JobRec {
    return owned(this.jobs.get(id), sid, `job ${id}`);
  }

  task(sid: number, id: number): TaskRec {
    return owned(this.tasks.get(id), sid, `task ${id}`);
  }

  asyncTask(sid: number, id: number): AsyncTaskRec {
    return owned(this.asyncTasks.get(id), sid, `async task ${id}`);
  }

  timer(sid: number, id: number): TimerRec {
    return owned(this.timers.get(id), sid, `timer ${id}`);
  }

  // ---- removal ----

  removeJob(job: JobRec): void {
    for (const id of job.taskIds) {
      this.tasks.delete(id);
      this.taskLogs.delete(id);
    }
    this.jobs.delete(job.id);
  }

  removeSource(sid: number): void {
    for (const job of [...this.jobs.values()]) if (job.sourceId === sid) this.removeJob(job);
    for (const timer of [...this.timers.values()]) {
      if (timer.sourceId !== sid) continue;
      this.timers.delete(timer.id);
      this.timerLogs.delete(timer.id);
    }
    for (const scan of [...this.scans.values()]) if (scan.sourceId === sid) this.scans.delete(scan.id);
    for (const db of this.dbsOf(sid)) {
      for (const table of this.tablesOf(db.id)) {
        for (const pid of this.partitionIdsByTable.get(table.id) ?? []) this.partitions.delete(pid);
        this.partitionIdsByTable.delete(table.id);
        this.tables.delete(table.id);
      }
      this.tableIdsByDb.delete(db.id);
      this.dbs.delete(db.id);
    }
    this.dbIdsBySource.delete(sid);
    this.sources.delete(sid);
  }
}

/** A child resource exists only under its own source: another source's id is a 404, as on MMS. */
function owned<T extends { sourceId: number }>(rec: T | undefined, sid: number, what: string): T {
  if (!rec || rec.sourceId !== sid) throw notFound(what);
  return rec;
}
