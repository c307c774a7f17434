// Task log lines and the SQL MMS shows in them (`action`): DDL on the target, the copy, the counts.
import { parsePartitionValue } from '../mms/partition-filter.js';
import type { MmsModel } from './model.js';
import type { PartitionRec, SourceRec, TableRec, TaskRec } from './types.js';

export function addTaskLog(m: MmsModel, task: TaskRec, status: string, action: string, msg: string): void {
  const log = {
    id: m.nextId('log'),
    taskId: task.id,
    sourceId: task.sourceId,
    status,
    action,
    msg,
    createTime: m.now(),
  };
  const list = m.taskLogs.get(task.id);
  if (list) list.push(log);
  else m.taskLogs.set(task.id, [log]);
}

export function dstRef(task: TaskRec): string {
  return [task.dstDbName, task.dstSchemaName, task.dstTableName].filter(Boolean).join('.');
}

export function srcRef(source: SourceRec | undefined, task: TaskRec): string {
  if (source?.type === 'BIGQUERY') {
    const project = source.config.find((c) => c.key === 'bigquery.project.id')?.value || source.name;
    return `\`${project}.${task.srcDbName}.${task.srcTableName}\``;
  }
  return `${task.srcDbName}.${task.srcTableName}`;
}

const mcType = (t: string): string =>
  ({ INT64: 'BIGINT', FLOAT64: 'DOUBLE', NUMERIC: 'DECIMAL(38,9)', BOOL: 'BOOLEAN', JSON: 'JSON' })[t] ??
  t.toUpperCase();

export function createSchemaSql(task: TaskRec): string {
  return `create schema if not exists ${task.dstDbName}.${task.dstSchemaName};`;
}

export function createTableSql(task: TaskRec, table: TableRec | undefined): string {
  const columns = (table?.columns ?? []).map((c) => `\`${c.name}\` ${mcType(c.type)}`).join(', ');
  const parts = table?.partitionColumns ?? [];
  const partitioned = parts.length
    ? ` partitioned by (${parts.map((c) => `\`${c.name}\` STRING`).join(', ')})`
    : '';
  return `create table if not exists ${dstRef(task)} (${columns})${partitioned} lifecycle 36500;`;
}

/** The WHERE clause that selects the task's partitions: its filter, or its explicit partition list. */
export function whereClause(m: MmsModel, task: TaskRec): string {
  if (task.partitionFilter) return ` where ${task.partitionFilter}`;
  const all = m.partitionIdsByTable.get(task.tableId) ?? [];
  if (task.partitionIds.length === 0 || task.partitionIds.length === all.length) return '';
  const specs = task.partitionIds
    .map((id) => m.partitions.get(id))
    .filter((p): p is PartitionRec => !!p)
    .map((p) =>
      Object.entries(parsePartitionValue(p.value))
        .map(([k, v]) => `${k}='${v}'`)
        .join(' and '),
    );
  return ` where ${specs.map((s) => `(${s})`).join(' or ')}`;
}

export function insertSql(
  m: MmsModel,
  task: TaskRec,
  table: TableRec | undefined,
  source?: SourceRec,
): string {
  const parts = table?.partitionColumns ?? [];
  const spec = parts.length ? ` partition (${parts.map((c) => c.name).join(', ')})` : '';
  const columns = [...(table?.columns ?? []), ...parts].map((c) => `\`${c.name}\``).join(', ');
  return `insert overwrite table ${dstRef(task)}${spec} select ${columns} from ${srcRef(source, task)}${whereClause(m, task)};`;
}

export function countSql(ref: string, where: string): string {
  return `select count(*) from ${ref}${where};`;
}

/** Rows the task moves: its partitions' rows, or the table's. */
export function taskRows(m: MmsModel, task: TaskRec): number {
  const table = m.tables.get(task.tableId);
  if (!table?.hasPartitions) return table?.numRows ?? 0;
  return task.partitionIds.reduce((n, id) => n + (m.partitions.get(id)?.numRows ?? 0), 0);
}
