// Dbs, tables and partitions: listing with the filters MMS documents, and target-mapping updates.
import { invalid } from '../errors.js';
import type { MmsModel } from '../model.js';
import { like, paginate, same, sortBy } from '../query.js';
import { INVENTORY_STATUSES, type InventoryStatus, type TableRec } from '../types.js';
import { dbView, partitionView, tableView } from '../views.js';
import { type Handler, type HandlerContext, id, pageOf } from './context.js';

const inRange = (t: number, start?: number, end?: number) =>
  (start === undefined || t >= start) && (end === undefined || t <= end);

function inventoryStatus(ctx: HandlerContext): InventoryStatus | undefined {
  const v = ctx.body.str('status');
  if (v === undefined) return undefined;
  const hit = INVENTORY_STATUSES.find((s) => s === v);
  if (!hit) throw invalid(`invalid status: ${v}, expected one of ${INVENTORY_STATUSES.join(', ')}`);
  return hit;
}

function setStatus(m: MmsModel, table: TableRec, status: InventoryStatus | undefined): void {
  if (status === undefined) return;
  table.status = status;
  table.updateTime = m.now();
  const partitionStatus = status === 'PART_DONE' ? undefined : status;
  if (partitionStatus) for (const p of m.partitionsOf(table.id)) p.status = partitionStatus;
}

export const listDbs: Handler = (ctx) => {
  const q = ctx.query;
  const m = ctx.m;
  const name = q.str('name');
  const status = q.oneOf('status', INVENTORY_STATUSES);
  const sorters = q.sorterJson(['numRows', 'size', 'updateTime', 'name']);
  const views = m
    .dbsOf(id(ctx, 'sid'))
    .filter((d) => like(d.name, name))
    .map((d) => ({ id: d.id, view: dbView(m, d, true) }))
    .filter((d) => status === undefined || d.view['status'] === status);
  const sorted = sortBy(views, sorters, (d, f) => (d.view[f] as string | number | undefined) ?? null);
  return paginate(
    sorted.map((d) => d.view),
    pageOf(ctx),
  );
};

export const getDb: Handler = (ctx) => dbView(ctx.m, ctx.m.db(id(ctx, 'sid'), id(ctx, 'dbId')));

export const updateDb: Handler = (ctx) => {
  const db = ctx.m.db(id(ctx, 'sid'), id(ctx, 'dbId'));
  const dstProjectName = ctx.body.str('dstProjectName');
  const dstName = ctx.body.str('dstName');
  const status = inventoryStatus(ctx);
  for (const t of ctx.m.tablesOf(db.id)) {
    if (dstProjectName) t.dstProjectName = dstProjectName;
    if (dstName) t.dstSchemaName = dstName;
    setStatus(ctx.m, t, status);
  }
  if (dstProjectName) db.dstProjectName = dstProjectName;
  if (dstName) {
    db.dstName = dstName;
    db.dstSchemaName = dstName;
  }
  db.updateTime = ctx.m.now();
  return ctx.ack;
};

export const listTables: Handler = (ctx) => {
  const q = ctx.query;
  const m = ctx.m;
  const sid = id(ctx, 'sid');
  const dbId = q.int('dbId');
  const dbName = q.str('dbName');
  const name = q.str('name');
  const dstProjectName = q.str('dstProjectName');
  const dstSchemaName = q.str('dstSchemaName');
  const dstName = q.str('dstName');
  const type = q.str('type');
  const hasPartitions = q.bool('hasPartitions');
  const onlyName = q.bool('onlyName') ?? false;
  const statuses = q.jsonArrayOf('status', INVENTORY_STATUSES);
  const start = q.time('lastDdlTimeStart');
  const end = q.time('lastDdlTimeEnd');
  const sorters = q.sorters(['numRows', 'size', 'lastDdlTime', 'name']);
  const page = pageOf(ctx);
  const dbs = m.dbsOf(sid).filter((d) => (dbId === undefined || d.id === dbId) && same(d.name, dbName));
  const tables = dbs
    .flatMap((d) => m.tablesOf(d.id))
    .filter(
      (t) =>
        like(t.name, name) &&
        same(t.dstProjectName, dstProjectName) &&
        same(t.dstSchemaName, dstSchemaName) &&
        same(t.dstName, dstName) &&
        same(t.type, type) &&
        (hasPartitions === undefined || t.hasPartitions === hasPartitions) &&
        (statuses === undefined || statuses.includes(t.status)) &&
        inRange(t.lastDdlTime, start, end),
    );
  const sorted = sortBy(tables, sorters, (t, f) => (f === 'name' ? t.name : (t[f as 'numRows'] ?? null)));
  const result = paginate(sorted, page);
  return {
    ...result,
    objectList: result.objectList.map((t) => (onlyName ? { id: t.id, name: t.name } : tableView(m, t))),
  };
};

export const updateTables: Handler = (ctx) => {
  const m = ctx.m;
  const sid = id(ctx, 'sid');
  const b = ctx.body;
  const names = b.strArray('tableNames');
  const ids = b.intArray('tables');
  if (!names?.length && !ids?.length) throw invalid('tableNames (or tables) is required');
  const targets: TableRec[] = [];
  if (names?.length) {
    const dbName = b.requiredStr('dbName');
    const db = m.dbByName(sid, dbName);
    if (!db) throw invalid(`invalid dbName: database ${dbName} not found`);
    const byName = new Map(m.tablesOf(db.id).map((t) => [t.name.toLowerCase(), t]));
    for (const n of names) {
      const t = byName.get(n.toLowerCase());
      if (!t) throw invalid(`invalid tableNames: table ${dbName}.${n} not found`);
      targets.push(t);
    }
  }
  for (const tid of ids ?? []) targets.push(m.table(sid, tid));
  const dstProjectName = b.str('dstProjectName');
  const dstSchemaName = b.str('dstSchemaName');
  const status = inventoryStatus(ctx);
  for (const t of targets) {
    if (dstProjectName) t.dstProjectName = dstProjectName;
    if (dstSchemaName) t.dstSchemaName = dstSchemaName;
    setStatus(m, t, status);
    t.updateTime = m.now();
  }
  return ctx.ack;
};

export const getTable: Handler = (ctx) => tableView(ctx.m, ctx.m.table(id(ctx, 'sid'), id(ctx, 'tableId')));

export const updateTable: Handler = (ctx) => {
  const t = ctx.m.table(id(ctx, 'sid'), id(ctx, 'tableId'));
  const b = ctx.body;
  const dstProjectName = b.str('dstProjectName');
  const dstSchemaName = b.str('dstSchemaName');
  const dstName = b.str('dstName');
  if (dstProjectName) t.dstProjectName = dstProjectName;
  if (dstSchemaName) t.dstSchemaName = dstSchemaName;
  if (dstName) t.dstName = dstName;
  setStatus(ctx.m, t, inventoryStatus(ctx));
  t.updateTime = ctx.m.now();
  return ctx.ack;
};

export const listPartitions: Handler = (ctx) => {
  const q = ctx.query;
  const m = ctx.m;
  const sid = id(ctx, 'sid');
  const dbId = q.int('dbId');
  const dbName = q.str('dbName');
  const tableId = q.int('tableId');
  const tableName = q.str('tableName');
  const value = q.str('value');
  const updated = q.bool('updated');
  const statuses = q.jsonArrayOf('status', INVENTORY_STATUSES);
  const start = q.time('lastDdlTimeStart');
  const end = q.time('lastDdlTimeEnd');
  const sorters = q.sorters(['numRows', 'size', 'lastDdlTime', 'value']);
  const page = pageOf(ctx);
  const parts = m
    .dbsOf(sid)
    .filter((d) => (dbId === undefined || d.id === dbId) && same(d.name, dbName))
    .flatMap((d) => m.tablesOf(d.id))
    .filter((t) => (tableId === undefined || t.id === tableId) && same(t.name, tableName))
    .flatMap((t) => m.partitionsOf(t.id))
    .filter(
      (p) =>
        (value === undefined || p.value === value) &&
        (updated === undefined || p.updated === updated) &&
        (statuses === undefined || statuses.includes(p.status)) &&
        inRange(p.lastDdlTime, start, end),
    );
  const sorted = sortBy(parts, sorters, (p, f) => (f === 'value' ? p.value : (p[f as 'numRows'] ?? null)));
  const result = paginate(sorted, page);
  return { ...result, objectList: result.objectList.map(partitionView) };
};

export const getPartition: Handler = (ctx) =>
  partitionView(ctx.m.partition(id(ctx, 'sid'), id(ctx, 'partitionId')));
