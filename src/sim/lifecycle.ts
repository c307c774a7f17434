// One step of the world: scans progress, each unstopped job advances its running tasks by one transition
// and starts queued ones, async tasks finish. Order inside a step is fixed (scans, jobs, async tasks), so
// a job created by an async task in step N starts its first tasks in step N+1.
import { describeFailure, FAILURE_PHASE, partitionFilterEmpty } from './failures.js';
import { generatedInventory, materializeDb } from './inventory.js';
import {
  addTaskLog,
  countSql,
  createSchemaSql,
  createTableSql,
  dstRef,
  insertSql,
  srcRef,
  taskRows,
  whereClause,
} from './logs.js';
import type { MmsModel } from './model.js';
import { createJob } from './planner.js';
import { isActive } from './status.js';
import { compactTime } from './time.js';
import type { AsyncTaskRec, JobRec, Phase, PlannedFailure, ScanRec, TaskRec, TaskStatus } from './types.js';

/** Scan progress per step (of 10000); the step after the last one finishes the scan. */
const SCAN_PROGRESS = [3000, 6000, 9000];
/** TASK_CREATE takes this many steps; STOP_JOB and UPDATE_DATASOURCE take one. */
const CREATE_STEPS = 2;

export function stepModel(m: MmsModel): void {
  for (const scan of m.scans.values()) if (scan.status === 'SCAN_DOING') advanceScan(m, scan);
  for (const job of m.jobs.values()) advanceJob(m, job);
  for (const t of m.asyncTasks.values()) if (t.running) advanceAsync(m, t);
}

export function isBusy(m: MmsModel): boolean {
  for (const scan of m.scans.values()) if (scan.status === 'SCAN_DOING') return true;
  for (const t of m.asyncTasks.values()) if (t.running) return true;
  for (const job of m.jobs.values()) if (!job.stopped && job.endTime === null) return true;
  return false;
}

// ---- scans ----

function advanceScan(m: MmsModel, scan: ScanRec): void {
  const source = m.sources.get(scan.sourceId);
  scan.steps++;
  if (!source || (source.failScan && scan.steps >= 2)) {
    finishScan(m, scan, source ? source.failScan : `datasource ${scan.sourceId} was deleted`);
    return;
  }
  const progress = SCAN_PROGRESS[scan.steps - 1];
  if (progress !== undefined) {
    scan.progress = progress;
    return;
  }
  // Reveal what the scan found: pending inventory, or a made-up one for an API-created source.
  const pending = source.pending ?? [];
  source.pending = null;
  const known = new Set(m.dbsOf(source.id).map((d) => d.name.toLowerCase()));
  for (const spec of pending) if (!known.has(spec.name.toLowerCase())) materializeDb(m, source, spec);
  let dbs = m.dbsOf(source.id);
  if (scan.dbName !== null) {
    const wanted = scan.dbName.toLowerCase();
    dbs = dbs.filter((d) => d.name.toLowerCase() === wanted);
    if (dbs.length === 0) {
      finishScan(m, scan, `database ${scan.dbName} not found in ${source.name}`);
      return;
    }
  }
  let tables = dbs.flatMap((d) => m.tablesOf(d.id));
  if (scan.tableNames.length) {
    const names = new Set(scan.tableNames.map((n) => n.toLowerCase()));
    tables = tables.filter((t) => names.has(t.name.toLowerCase()));
  }
  const partitions = tables.reduce((n, t) => n + (m.partitionIdsByTable.get(t.id)?.length ?? 0), 0);
  scan.result = JSON.stringify({ databases: dbs.length, tables: tables.length, partitions });
  finishScan(m, scan, null);
}

function finishScan(m: MmsModel, scan: ScanRec, error: string | null): void {
  scan.status = error === null ? 'SCAN_DONE' : 'SCAN_FAILED';
  if (error === null) scan.progress = 10000;
  scan.errorMsg = error;
  scan.endTime = m.now();
  const source = m.sources.get(scan.sourceId);
  if (source) source.lastUpdateTime = m.now();
}

/** Used when a source created through the API is scanned for the first time. */
export function ensureInventory(m: MmsModel, sourceId: number): void {
  const source = m.sources.get(sourceId);
  if (source && source.pending === null && m.dbsOf(sourceId).length === 0)
    source.pending = generatedInventory(m);
}

// ---- async tasks ----

function advanceAsync(m: MmsModel, t: AsyncTaskRec): void {
  t.steps++;
  if (t.type === 'TASK_CREATE' && t.steps < CREATE_STEPS) {
    t.progress = Math.round((100 * t.steps) / CREATE_STEPS);
    return;
  }
  let error = t.failWith;
  if (t.type === 'TASK_CREATE' && t.plan) {
    if (!m.sources.has(t.plan.sourceId)) error = `datasource ${t.plan.sourceId} not found`;
    else if (t.plan.items.length === 0)
      error = 'no table matches the job scope (check tableWhiteList/tableBlackList)';
    else t.objectId = createJob(m, t.plan).id;
  }
  t.status = error ? 'FAILED' : 'DONE';
  t.errorMsg = error;
  t.running = false;
  t.progress = error ? t.progress : 100;
  t.endTime = m.now();
}

// ---- jobs and tasks ----

/**
 * Per-job run state, so a step costs O(running tasks) even for jobs of thousands of tasks: the tasks
 * holding run slots, and a cursor before which no task is INIT. Rebuilt by a scan when missing
 * (first step, or after a retry requeued tasks).
 */
interface RunState {
  active: Set<number>;
  cursor: number;
}
const runStates = new WeakMap<JobRec, RunState>();

/** Forget a job's run state; call after changing task statuses outside a step (retries). */
export function resetRunState(job: JobRec): void {
  runStates.delete(job);
}

function runState(m: MmsModel, job: JobRec): RunState {
  let rs = runStates.get(job);
  if (!rs) {
    const tasks = m.tasksOf(job);
    const firstInit = tasks.findIndex((t) => t.status === 'INIT');
    rs = {
      active: new Set(tasks.filter((t) => isActive(t.status)).map((t) => t.id)),
      cursor: firstInit < 0 ? tasks.length : firstInit,
    };
    runStates.set(job, rs);
  }
  return rs;
}

function advanceJob(m: MmsModel, job: JobRec): void {
  // endTime is set when the last task settles and cleared by a retry.
  if (job.stopped || job.endTime !== null) return;
  const rs = runState(m, job);
  let changed = false;
  for (const id of [...rs.active]) {
    const task = m.tasks.get(id);
    if (task) advanceTask(m, job, task);
    if (!task || !isActive(task.status)) rs.active.delete(id);
    changed = true;
  }
  const first = job.phases[0];
  while (first && rs.active.size < m.taskConcurrency && rs.cursor < job.taskIds.length) {
    const task = m.tasks.get(job.taskIds[rs.cursor++] ?? -1);
    if (task?.status !== 'INIT') continue;
    task.startTime = m.now();
    task.endTime = null;
    job.startTime ??= m.now();
    setTable(m, task, 'DOING');
    enterPhase(m, task, first);
    rs.active.add(task.id);
    changed = true;
  }
  if (changed) job.updateTime = m.now();
  if (rs.active.size === 0 && rs.cursor >= job.taskIds.length) job.endTime = m.now();
}

const doing = (p: Phase) => `${p}_DOING` as TaskStatus;
const done = (p: Phase) => `${p}_DONE` as TaskStatus;
const failed = (p: Phase) => `${p}_FAILED` as TaskStatus;

function phaseOf(status: TaskStatus): Phase | null {
  const p = status.split('_')[0];
  return p === 'SCHEMA' || p === 'DATA' || p === 'VERIFICATION' ? p : null;
}

/** Steps a phase takes: the copy grows with the table (1 step < 1M rows, 2 < 10M, 3 beyond). */
function phaseLength(m: MmsModel, task: TaskRec, phase: Phase): number {
  if (phase !== 'DATA') return 1;
  const rows = taskRows(m, task);
  return 1 + (rows >= 1_000_000 ? 1 : 0) + (rows >= 10_000_000 ? 1 : 0);
}

function advanceTask(m: MmsModel, job: JobRec, task: TaskRec): void {
  const phase = phaseOf(task.status);
  if (!phase) return;
  task.updateTime = m.now();
  if (task.status === done(phase)) {
    const next = job.phases[job.phases.indexOf(phase) + 1];
    if (next) enterPhase(m, task, next);
    else finishTask(m, job, task);
    return;
  }
  task.phaseSteps++;
  const length = phaseLength(m, task, phase);
  if (task.phaseSteps < length) {
    const rows = Math.floor((taskRows(m, task) * task.phaseSteps) / length);
    const pct = Math.floor((100 * task.phaseSteps) / length);
    addTaskLog(m, task, doing(phase), 'tunnel upload', `${pct}% done, ${rows} rows transferred`);
    return;
  }
  const failure = takeFailure(m, job, task, phase);
  if (failure) failTask(m, task, phase, failure);
  else completePhase(m, task, phase);
}

function enterPhase(m: MmsModel, task: TaskRec, phase: Phase): void {
  const table = m.tables.get(task.tableId);
  const source = m.sources.get(task.sourceId);
  task.status = doing(phase);
  task.phaseSteps = 0;
  task.updateTime = m.now();
  if (phase === 'SCHEMA') {
    if (task.dstSchemaName) addTaskLog(m, task, task.status, createSchemaSql(task), 'ok');
    addTaskLog(m, task, task.status, createTableSql(task, table), 'submitted');
  } else if (phase === 'DATA') {
    for (const id of task.partitionIds) setPartition(m, id, 'DOING');
    const instance = `${compactTime(m.now())}${m.rng.chars(3, '0123456789')}g${m.rng.chars(10, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
    addTaskLog(m, task, task.status, insertSql(m, task, table, source), `submitted, instance id ${instance}`);
  } else {
    addTaskLog(
      m,
      task,
      task.status,
      countSql(srcRef(source, task), whereClause(m, task)),
      'counting source rows',
    );
  }
}

function completePhase(m: MmsModel, task: TaskRec, phase: Phase): void {
  const table = m.tables.get(task.tableId);
  const source = m.sources.get(task.sourceId);
  task.status = done(phase);
  const rows = taskRows(m, task);
  if (phase === 'SCHEMA') addTaskLog(m, task, task.status, createTableSql(task, table), 'ok');
  else if (phase === 'DATA') {
    for (const id of task.partitionIds) setPartition(m, id, 'DONE');
    addTaskLog(m, task, task.status, insertSql(m, task, table, source), `ok, ${rows} rows written`);
  } else {
    addTaskLog(
      m,
      task,
      task.status,
      countSql(dstRef(task), whereClause(m, task)),
      `source count ${rows}, destination count ${rows}`,
    );
  }
}

function finishTask(m: MmsModel, job: JobRec, task: TaskRec): void {
  task.status = 'DONE';
  task.endTime = m.now();
  const table = m.tables.get(task.tableId);
  const partial =
    job.phases.includes('DATA') &&
    table?.hasPartitions &&
    m.partitionsOf(table.id).some((p) => p.status !== 'DONE');
  setTable(m, task, partial ? 'PART_DONE' : 'DONE');
  addTaskLog(m, task, 'DONE', 'finish', 'task finished');
}

function failTask(m: MmsModel, task: TaskRec, phase: Phase, failure: PlannedFailure): void {
  task.status = failed(phase);
  task.endTime = m.now();
  if (phase === 'DATA') for (const id of task.partitionIds) setPartition(m, id, 'FAILED');
  setTable(m, task, 'FAILED');
  addTaskLog(m, task, task.status, failure.action ?? phaseAction(m, task, phase), failure.msg);
}

/** The statement a phase runs, for failures planned without an explicit action. */
function phaseAction(m: MmsModel, task: TaskRec, phase: Phase): string {
  const table = m.tables.get(task.tableId);
  const source = m.sources.get(task.sourceId);
  if (phase === 'SCHEMA') return createTableSql(task, table);
  if (phase === 'DATA') return insertSql(m, task, table, source);
  return countSql(srcRef(source, task), whereClause(m, task));
}

/** A planned failure (failTask) wins; then demo rules, which strike a task's first attempt only. */
function takeFailure(m: MmsModel, job: JobRec, task: TaskRec, phase: Phase): PlannedFailure | null {
  const i = m.plannedFailures.findIndex(
    ({ match, failure }) =>
      failure.phase === phase &&
      (match.jobId === undefined || match.jobId === job.id) &&
      (match.taskId === undefined || match.taskId === task.id) &&
      (match.table === undefined || match.table.toLowerCase() === task.srcTableName.toLowerCase()),
  );
  if (i >= 0) {
    const [planned] = m.plannedFailures.splice(i, 1);
    if (planned) return planned.failure;
  }
  if (phase === 'DATA' && task.partitionFilter !== null && task.partitionIds.length === 0) {
    return partitionFilterEmpty(m, task);
  }
  if (task.retriedTimes > 0) return null;
  const rule = m.failureRules.find(
    (r) =>
      r.sourceId === task.sourceId &&
      FAILURE_PHASE[r.kind] === phase &&
      r.db.toLowerCase() === task.srcDbName.toLowerCase() &&
      (r.table === undefined || r.table.toLowerCase() === task.srcTableName.toLowerCase()),
  );
  return rule ? describeFailure(m, rule.kind, task) : null;
}

function setTable(m: MmsModel, task: TaskRec, status: 'DOING' | 'DONE' | 'FAILED' | 'PART_DONE'): void {
  const table = m.tables.get(task.tableId);
  if (!table) return;
  table.status = status;
  table.updateTime = m.now();
}

function setPartition(m: MmsModel, id: number, status: 'DOING' | 'DONE' | 'FAILED'): void {
  const p = m.partitions.get(id);
  if (!p) return;
  p.status = status;
  p.updateTime = m.now();
  if (status === 'DONE') p.updated = false;
}
