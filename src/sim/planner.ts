// From a CreateMmsJob body to a plan (which tables and partitions, which phases) and from a plan to a
// job with one task per table (or table plus partition set).
import { compilePartitionFilter, parsePartitionValue } from '../mms/partition-filter.js';
import { invalid } from './errors.js';
import type { MmsModel } from './model.js';
import type { BodyParams } from './params.js';
import type { JobPlan, JobRec, JobRequest, Phase, SourceRec, TableRec } from './types.js';

/** CreateMmsJob and CreateMmsTimer share these fields; `name` and `srcDbName` are required. */
export function parseJobRequest(b: BodyParams): JobRequest {
  const req: JobRequest = { name: b.requiredStr('name'), srcDbName: b.requiredStr('srcDbName') };
  const set = <K extends keyof JobRequest>(k: K, v: JobRequest[K] | undefined) => {
    if (v !== undefined) req[k] = v;
  };
  set('srcSchemaName', b.str('srcSchemaName'));
  set('dstDbName', b.str('dstDbName'));
  set('dstSchemaName', b.str('dstSchemaName'));
  set('tables', b.strArray('tables'));
  set('partitions', b.intArray('partitions'));
  set('tableBlackList', b.strArray('tableBlackList'));
  set('tableWhiteList', b.strArray('tableWhiteList'));
  set('partitionFilters', b.strRecord('partitionFilters'));
  set('tableMapping', b.strRecord('tableMapping'));
  set('columnMapping', b.record('columnMapping'));
  set('schemaOnly', b.bool('schemaOnly'));
  set('enableSchemaMigration', b.bool('enableSchemaMigration'));
  set('enableDataMigration', b.bool('enableDataMigration'));
  set('enableVerification', b.bool('enableVerification'));
  set('increment', b.bool('increment'));
  set('eta', b.str('eta'));
  set('taskType', b.str('taskType'));
  if (b.has('others')) req.others = b.any('others');
  return req;
}

export function phasesOf(req: JobRequest): Phase[] {
  if (req.schemaOnly) return ['SCHEMA'];
  const phases: Phase[] = [];
  if (req.enableSchemaMigration !== false) phases.push('SCHEMA');
  if (req.enableDataMigration !== false) phases.push('DATA');
  if (req.enableVerification !== false) phases.push('VERIFICATION');
  return phases;
}

const lower = (xs: string[] | undefined) => new Set((xs ?? []).map((x) => x.toLowerCase()));

export function planJob(m: MmsModel, source: SourceRec, req: JobRequest): JobPlan {
  if (source.status !== 'STARTED') throw invalid(`datasource ${source.name} is stopped`);
  const db = m.dbByName(source.id, req.srcDbName);
  if (!db)
    throw invalid(`invalid srcDbName: database ${req.srcDbName} not found in datasource ${source.name}`);
  const phases = phasesOf(req);
  if (phases.length === 0) {
    throw invalid('invalid parameter: schema migration, data migration and verification are all disabled');
  }
  const all = m.tablesOf(db.id);
  const byName = new Map(all.map((t) => [t.name.toLowerCase(), t]));

  // Explicit partition ids pick their tables too.
  const explicit = new Map<number, number[]>();
  for (const pid of req.partitions ?? []) {
    const p = m.partitions.get(pid);
    if (!p || p.dbId !== db.id) throw invalid(`invalid partitions: partition ${pid} not found in ${db.name}`);
    const list = explicit.get(p.tableId);
    if (list) list.push(pid);
    else explicit.set(p.tableId, [pid]);
  }

  let scope: TableRec[];
  if (req.tables?.length) {
    scope = req.tables.map((name) => {
      const t = byName.get(name.toLowerCase());
      if (!t) throw invalid(`invalid tables: table ${db.name}.${name} not found`);
      return t;
    });
    for (const tableId of explicit.keys()) {
      const t = m.tables.get(tableId);
      if (t && !scope.includes(t)) scope.push(t);
    }
  } else if (explicit.size > 0) {
    scope = [...explicit.keys()].map((id) => m.tables.get(id)!);
  } else {
    // Whole db: when both lists are set only the blacklist counts (MMS.md §3).
    const black = lower(req.tableBlackList);
    const white = lower(req.tableWhiteList);
    scope = all.filter((t) =>
      black.size > 0 ? !black.has(t.name.toLowerCase()) : white.size === 0 || white.has(t.name.toLowerCase()),
    );
  }
  scope = [...new Set(scope)].sort((a, b) => a.id - b.id);

  const filters = new Map<number, string>();
  for (const [name, expr] of Object.entries(req.partitionFilters ?? {})) {
    const t = byName.get(name.toLowerCase());
    if (!t || !scope.includes(t))
      throw invalid(`invalid partitionFilters: table ${name} is not in the job's scope`);
    if (!t.hasPartitions) throw invalid(`invalid partitionFilters: table ${name} has no partitions`);
    try {
      compilePartitionFilter(
        expr,
        t.partitionColumns.map((c) => c.name),
      );
    } catch (e) {
      throw invalid(`invalid partitionFilters.${name}: ${(e as Error).message}`);
    }
    filters.set(t.id, expr);
  }

  const items = scope.map((t) => {
    const filter = filters.get(t.id) ?? null;
    let partitionIds = explicit.get(t.id) ?? m.partitionIdsByTable.get(t.id) ?? [];
    if (filter !== null) {
      const pred = compilePartitionFilter(
        filter,
        t.partitionColumns.map((c) => c.name),
      );
      partitionIds = partitionIds.filter((id) =>
        pred(parsePartitionValue(m.partitions.get(id)?.value ?? '')),
      );
    }
    return { tableId: t.id, partitionIds: [...partitionIds], filter };
  });

  const type =
    req.partitions?.length || req.partitionFilters
      ? 'Partitions'
      : req.tables?.length
        ? 'Tables'
        : 'Database';
  return { sourceId: source.id, request: req, dbId: db.id, type, phases, items };
}

/** The options a job echoes back in `config`. */
export function jobConfig(source: SourceRec, req: JobRequest, phases: Phase[]): Record<string, unknown> {
  const { name: _n, srcDbName: _s, srcSchemaName: _ss, dstDbName: _d, dstSchemaName: _ds, ...options } = req;
  return {
    ...options,
    schemaOnly: req.schemaOnly ?? false,
    increment: req.increment ?? false,
    enableSchemaMigration: phases.includes('SCHEMA'),
    enableDataMigration: phases.includes('DATA'),
    enableVerification: phases.includes('VERIFICATION'),
    taskType: req.taskType ?? source.type,
  };
}

export function createJob(m: MmsModel, plan: JobPlan, timerId: number | null = null): JobRec {
  const source = m.source(plan.sourceId);
  const db = m.dbs.get(plan.dbId)!;
  const req = plan.request;
  const now = m.now();
  const job: JobRec = {
    id: m.nextId('job'),
    sourceId: source.id,
    name: req.name,
    dbId: db.id,
    srcDbName: db.name,
    srcSchemaName: req.srcSchemaName ?? null,
    dstDbName: req.dstDbName ?? db.dstProjectName,
    dstSchemaName: req.dstSchemaName ?? db.dstSchemaName,
    type: plan.type,
    stopped: false,
    timerId,
    createTime: now,
    updateTime: now,
    startTime: null,
    endTime: null,
    config: jobConfig(source, req, plan.phases),
    phases: plan.phases,
    taskIds: [],
  };
  m.jobs.set(job.id, job);
  for (const item of plan.items) {
    const table = m.tables.get(item.tableId)!;
    const id = m.nextId('task');
    m.tasks.set(id, {
      id,
      jobId: job.id,
      sourceId: source.id,
      dbId: db.id,
      tableId: table.id,
      srcDbName: db.name,
      srcTableName: table.name,
      dstDbName: req.dstDbName ?? table.dstProjectName,
      dstSchemaName: req.dstSchemaName ?? table.dstSchemaName,
      dstTableName: req.tableMapping?.[table.name] ?? table.dstName,
      partitionIds: item.partitionIds,
      partitionFilter: item.filter,
      type: String(job.config['taskType']),
      status: 'INIT',
      retriedTimes: 0,
      startTime: null,
      endTime: null,
      createTime: now,
      updateTime: now,
      phaseSteps: 0,
    });
    job.taskIds.push(id);
  }
  return job;
}

/** Partition values of a task, for the `partition` field and filter (`p1=1/p2=abc`). */
export function taskPartitionValues(m: MmsModel, partitionIds: number[]): string[] {
  return partitionIds.map((id) => m.partitions.get(id)?.value ?? '').filter(Boolean);
}
