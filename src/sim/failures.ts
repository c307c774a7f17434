// Realistic failure causes, each with the phase it strikes, the action that ran and the message MMS
// would log. Demo rules and diagnosis tests rely on these texts.
import { countSql, createTableSql, dstRef, insertSql, srcRef, taskRows, whereClause } from './logs.js';
import type { FailureKind, MmsModel } from './model.js';
import type { Phase, PlannedFailure, TaskRec } from './types.js';

export const FAILURE_PHASE: Record<FailureKind, Phase> = {
  accessDenied: 'SCHEMA',
  serviceLinkedRole: 'SCHEMA',
  quotaNotBound: 'DATA',
  typeMismatch: 'DATA',
  tableNotFound: 'DATA',
  connectionRefused: 'DATA',
  countMismatch: 'VERIFICATION',
};

/** Destination rows lost in a count mismatch (1203331 → 1203117, as in MMS.md's example). */
const COUNT_DRIFT = 214;

export function describeFailure(m: MmsModel, kind: FailureKind, task: TaskRec): PlannedFailure {
  const table = m.tables.get(task.tableId);
  const source = m.sources.get(task.sourceId);
  const phase = FAILURE_PHASE[kind];
  const contextId = `${m.rng.chars(8)}-${m.rng.chars(4)}-${m.rng.chars(4)}-${m.rng.chars(4)}-${m.rng.chars(12)}`;
  switch (kind) {
    case 'accessDenied':
      return {
        phase,
        action: createTableSql(task, table),
        msg:
          `ODPS-0420095: Access Denied - Authorization Failed [4019], You have NO privilege 'odps:CreateTable' ` +
          `on {acs:odps:*:projects/${task.dstDbName}}. Context ID:${contextId}. --->Tips: ` +
          `Pricipal:RAM$${m.accountId}:role/aliyunserviceroleformaxcomputemms; ` +
          `Current Project:${task.dstDbName}; You have NO privilege on the project`,
      };
    case 'serviceLinkedRole':
      return {
        phase,
        action: createTableSql(task, table),
        msg:
          `ServiceLinkedRole not found: AliyunServiceRoleForMaxComputeMMS does not exist in account ` +
          `${m.accountId}. ErrorCode=EntityNotExist.Role, RequestId=${contextId.toUpperCase()}`,
      };
    case 'quotaNotBound':
      return {
        phase,
        action: insertSql(m, task, table, source),
        msg:
          `ODPS-0420061: Invalid parameter in HTTP request - Fail to get quota: project ${task.dstDbName} ` +
          `is not bound to any quota, please bind a compute quota to the project first. Context ID:${contextId}`,
      };
    case 'typeMismatch': {
      const col = table?.columns.find((c) => /decimal|numeric/i.test(c.type)) ?? table?.columns[1];
      const name = col?.name ?? 'amount';
      return {
        phase,
        action: insertSql(m, task, table, source),
        msg:
          `ODPS-0130071:[1,${20 + name.length}] Semantic analysis exception - column type mismatch: ` +
          `column ${name} of source type DECIMAL(38,18) cannot be inserted into column ${name} of type ` +
          `DOUBLE in table ${dstRef(task)}`,
      };
    }
    case 'tableNotFound':
      return {
        phase,
        action: insertSql(m, task, table, source),
        msg:
          `org.apache.hadoop.hive.ql.metadata.InvalidTableException: Table not found ${task.srcTableName} ` +
          `(db: ${task.srcDbName}); it was dropped at the source after the last metadata scan`,
      };
    case 'connectionRefused':
      return {
        phase,
        action: insertSql(m, task, table, source),
        msg:
          'java.net.ConnectException: Connection refused (Connection refused); ' +
          'org.apache.thrift.transport.TTransportException: Could not connect to metastore using any of the ' +
          'URIs provided: thrift://10.0.3.17:9083',
      };
    case 'countMismatch': {
      const rows = taskRows(m, task);
      return {
        phase,
        action: countSql(srcRef(source, task), whereClause(m, task)),
        msg: `source count ${rows}, destination count ${Math.max(0, rows - COUNT_DRIFT)}`,
      };
    }
  }
}

export function partitionFilterEmpty(m: MmsModel, task: TaskRec): PlannedFailure {
  const source = m.sources.get(task.sourceId);
  return {
    phase: 'DATA',
    action: countSql(srcRef(source, task), whereClause(m, task)),
    msg:
      `partition filter "${task.partitionFilter}" matched no partition of ${task.srcDbName}.` +
      `${task.srcTableName}; nothing to migrate`,
  };
}
