// Turns source/db/table specs into inventory records with plausible numbers (rows, sizes, DDL times,
// columns), all drawn from the model's seeded generator.
import { parsePartitionValue } from '../mms/partition-filter.js';
import { configCatalog } from './config-items.js';
import { invalid } from './errors.js';
import type { MmsModel } from './model.js';
import { DAY } from './time.js';
import type { Column, DbRec, DbSpec, SourceRec, SourceSpec, TableRec, TableSpec } from './types.js';

export const SOURCE_TYPES = [
  'HIVE',
  'BIGQUERY',
  'MAXCOMPUTE',
  'SNOWFLAKE',
  'REDSHIFT',
  'DATABRICKS',
] as const;

/** `order_id bigint, amount decimal(18,2)` → columns (commas inside parentheses do not split). */
export function cols(text: string): Column[] {
  return text
    .split(/,\s*(?![^(<]*[)>])/)
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => {
      const i = c.indexOf(' ');
      return { name: c.slice(0, i), type: c.slice(i + 1), comment: '' };
    });
}

const COLUMN_POOL = cols(
  'created_at timestamp, updated_at timestamp, status string, amount decimal(18,2), currency string, ' +
    'region string, channel string, quantity int, price decimal(18,2), description string, is_active boolean, ' +
    'score double, tags array<string>, attrs map<string,string>, event_date date, user_id bigint, ' +
    'country_code string, source_system string, version int, remark string',
);

const BIGQUERY_TYPES: Array<[RegExp, string]> = [
  [/^(bigint|int|smallint|tinyint)$/, 'INT64'],
  [/^decimal/, 'NUMERIC'],
  [/^(double|float)$/, 'FLOAT64'],
  [/^boolean$/, 'BOOL'],
  [/^array<string>$/, 'ARRAY<STRING>'],
  [/^map</, 'JSON'],
];

/** Column types as the source system spells them (specs are written in Hive types). */
export function nativeType(sourceType: string, hiveType: string): string {
  if (sourceType === 'BIGQUERY') {
    for (const [re, t] of BIGQUERY_TYPES) if (re.test(hiveType)) return t;
    return hiveType.toUpperCase();
  }
  return sourceType === 'HIVE' ? hiveType : hiveType.toUpperCase();
}

function genericColumns(m: MmsModel, table: string): Column[] {
  const stem = table.replace(/(ies)$/, 'y').replace(/s$/, '');
  const picked = new Set<Column>();
  const n = m.rng.int(4, 9);
  while (picked.size < n) picked.add(m.rng.pick(COLUMN_POOL));
  return [{ name: `${stem}_id`, type: 'bigint', comment: 'primary key' }, ...picked];
}

export function newSource(m: MmsModel, spec: SourceSpec): SourceRec {
  const type = (spec.type ?? 'HIVE').toUpperCase();
  if (!SOURCE_TYPES.some((t) => t === type)) throw invalid(`invalid type: ${spec.type}`);
  if ([...m.sources.values()].some((s) => s.name === spec.name)) {
    throw invalid(`datasource name ${spec.name} already exists`);
  }
  const now = m.now();
  const region = spec.region ?? m.regionId;
  const dstProject = spec.dstProject ?? `mc_${spec.name.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase()}`;
  const source: SourceRec = {
    id: m.nextId('source'),
    name: spec.name,
    type,
    region,
    networklink:
      spec.networklink ?? `vpc-bp1${m.rng.chars(17, 'abcdefghijklmnopqrstuvwxyz0123456789')}:${region}`,
    dstProject,
    status: 'STARTED',
    agentIsOnline: spec.agentIsOnline ?? true,
    errMsg: spec.errMsg ?? '',
    scanId: null,
    config: spec.config ?? configCatalog(type, 'en_US', { 'mc.default.project': dstProject }) ?? [],
    createTime: now,
    lastUpdateTime: now,
    failScan: spec.failScan ?? null,
    pending: null,
  };
  m.sources.set(source.id, source);
  return source;
}

/** The public `addSource`: scanned (default) sources get their inventory at once, others on first scan. */
export function addSource(m: MmsModel, spec: SourceSpec): number {
  const source = newSource(m, spec);
  const dbs = spec.dbs ?? [];
  if (spec.scanned === false) source.pending = dbs;
  else for (const db of dbs) materializeDb(m, source, db);
  return source.id;
}

/** One scanned Hive source whose single db `bulk_db` holds `tableCount` tables (limits, benchmarks). */
export function addBulkSource(m: MmsModel, name: string, tableCount: number): number {
  const width = String(tableCount).length;
  const tables: TableSpec[] = [];
  for (let i = 1; i <= tableCount; i++) {
    tables.push({
      name: `t_${String(i).padStart(width, '0')}`,
      numRows: 1000 + ((i * 7919) % 900_000),
      columns: cols('id bigint, payload string, updated_at timestamp'),
    });
  }
  return addSource(m, { name, type: 'HIVE', dbs: [{ name: 'bulk_db', tables }] });
}

export function materializeDb(m: MmsModel, source: SourceRec, spec: DbSpec): DbRec {
  const now = m.now();
  const db: DbRec = {
    id: m.nextId('db'),
    sourceId: source.id,
    name: spec.name,
    dstProjectName: spec.dstProjectName ?? source.dstProject,
    dstName: spec.dstSchemaName ?? null,
    dstSchemaName: spec.dstSchemaName ?? null,
    createTime: now,
    updateTime: now,
  };
  m.dbs.set(db.id, db);
  m.index(m.dbIdsBySource, source.id, db.id);
  for (const t of spec.tables) materializeTable(m, source, db, t);
  return db;
}

function materializeTable(m: MmsModel, source: SourceRec, db: DbRec, spec: TableSpec): TableRec {
  const now = m.now();
  const values = (spec.partitions ?? []).map((v) => (v.includes('=') ? v : `ds=${v}`));
  const partKeys = Object.keys(parsePartitionValue(values[0] ?? ''));
  const numRows = spec.numRows ?? Math.floor(10 ** (2 + m.rng.next() * 5));
  const rowBytes = m.rng.int(60, 320);
  const columns = (spec.columns ?? genericColumns(m, spec.name)).map((c) => ({
    ...c,
    type: nativeType(source.type, c.type),
  }));
  const table: TableRec = {
    id: m.nextId('table'),
    sourceId: source.id,
    dbId: db.id,
    dbName: db.name,
    name: spec.name,
    type: spec.type ?? (source.type === 'BIGQUERY' ? 'TABLE' : 'MANAGED_TABLE'),
    hasPartitions: values.length > 0,
    dstProjectName: db.dstProjectName,
    dstSchemaName: db.dstSchemaName,
    dstName: spec.name,
    status: 'INIT',
    lastDdlTime: now - m.rng.int(1, 400) * DAY - m.rng.int(0, DAY),
    numRows,
    size: numRows * rowBytes,
    columns,
    partitionColumns: partKeys.map((k) => ({
      name: k,
      type: nativeType(source.type, 'string'),
      comment: '',
    })),
    updateTime: now,
  };
  m.tables.set(table.id, table);
  m.index(m.tableIdsByDb, db.id, table.id);

  // Spread the rows over the partitions unevenly, keeping the total exact.
  const weights = values.map(() => 0.6 + m.rng.next() * 0.8);
  const sum = weights.reduce((a, b) => a + b, 0);
  let left = numRows;
  values.forEach((value, i) => {
    const rows = i === values.length - 1 ? left : Math.floor((numRows * (weights[i] ?? 1)) / sum);
    left -= rows;
    const id = m.nextId('partition');
    m.partitions.set(id, {
      id,
      sourceId: source.id,
      dbId: db.id,
      dbName: db.name,
      tableId: table.id,
      tableName: table.name,
      value,
      dstValue: value,
      status: 'INIT',
      numRows: rows,
      size: rows * rowBytes,
      lastDdlTime: partitionTime(value) ?? table.lastDdlTime,
      updated: i === values.length - 1,
      updateTime: now,
    });
    m.index(m.partitionIdsByTable, table.id, id);
  });
  return table;
}

/** A daily partition's date (yyyyMMdd in its first key) as its last DDL time, 03:00 UTC+8 next day. */
function partitionTime(value: string): number | null {
  const first = Object.values(parsePartitionValue(value))[0] ?? '';
  const d = /^(\d{4})(\d{2})(\d{2})?$/.exec(first);
  if (!d) return null;
  return Date.parse(`${d[1]}-${d[2]}-${d[3] ?? '01'}T03:00:00+08:00`) + DAY;
}

/** Daily partition values: `daily('ds', '20250101', 3)` → ds=20250101, ds=20250102, ds=20250103. */
export function daily(key: string, start: string, days: number): string[] {
  const t0 = Date.UTC(Number(start.slice(0, 4)), Number(start.slice(4, 6)) - 1, Number(start.slice(6, 8)));
  return Array.from({ length: days }, (_, i) => {
    const d = new Date(t0 + i * DAY).toISOString().slice(0, 10).replace(/-/g, '');
    return `${key}=${d}`;
  });
}

/** Monthly partition values: `monthly('month', '202301', 2)` → month=202301, month=202302. */
export function monthly(key: string, start: string, months: number): string[] {
  const y0 = Number(start.slice(0, 4));
  const m0 = Number(start.slice(4, 6)) - 1;
  return Array.from({ length: months }, (_, i) => {
    const y = y0 + Math.floor((m0 + i) / 12);
    const mo = ((m0 + i) % 12) + 1;
    return `${key}=${y}${String(mo).padStart(2, '0')}`;
  });
}

/** Hourly partition values under a day key: dt=20250105/hour=00 … */
export function hourly(dayKey: string, day: string, days: number): string[] {
  return daily(dayKey, day, days).flatMap((d) =>
    Array.from({ length: 24 }, (_, h) => `${d}/hour=${String(h).padStart(2, '0')}`),
  );
}

/** A small made-up inventory, revealed by the first scan of a source created through the API. */
export function generatedInventory(m: MmsModel): DbSpec[] {
  const names = ['ods', 'dwd', 'dws', 'ads', 'dim'];
  const subjects = ['user', 'order', 'item', 'payment', 'session', 'device', 'coupon', 'store'];
  return Array.from({ length: m.rng.int(1, 3) }, (_, i) => ({
    name: names[i] ?? `db${i}`,
    tables: Array.from({ length: m.rng.int(3, 6) }, (_, j) => ({
      name: `${names[i] ?? 'db'}_${subjects[(i * 3 + j) % subjects.length]}_${j}`,
    })),
  }));
}
