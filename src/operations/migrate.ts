// Creating migration jobs (`migrate`) and timers (`schedule`): scope and options are parsed once here.
import { z } from 'zod';
import type { JobSpec, TimerSpec } from '../mms/client.js';
import { listAll } from '../mms/client.js';
import { MmsError } from '../mms/errors.js';
import { nearNames } from '../mms/resolve.js';
import type { DataSource, Db } from '../mms/schemas.js';
import { arg } from '../ui/actions.js';
import { exactCount, humanBytes, regionZone, utcOffset } from '../ui/format.js';
import {
  bool,
  dbPos,
  lastScanState,
  nameList,
  ref,
  db as resolveDbArg,
  source,
  sourcePos,
  sumOf,
} from './common.js';
import { countPartitions, listWithMore } from './partition-count.js';
import type { FlagSpec, OpContext, Plan } from './types.js';
import { UsageError, type WriteOp } from './types.js';

export const MIGRATE_FLAGS: Record<string, FlagSpec> = {
  tables: { type: 'string', hint: 'a,b', help: 'only these tables (default: the whole database)' },
  include: { type: 'string', hint: 'a,b', help: 'whole database, only these tables (whitelist)' },
  exclude: { type: 'string', hint: 'a,b', help: 'whole database, except these tables (blacklist)' },
  partitions: {
    type: 'string',
    hint: '<filter>',
    help: 'partition filter for --tables, e.g. "ds >= \'20250101\'"',
  },
  name: { type: 'string', hint: '<n>', help: 'job name (default: <db>_<date>_<time>)' },
  'no-verify': { type: 'boolean', help: 'skip the row-count verification' },
  'schema-only': { type: 'boolean', help: 'create target tables only, copy no data' },
  'data-only': { type: 'boolean', help: 'copy data into existing target tables' },
  increment: { type: 'boolean', help: 'incremental: only partitions changed since the last run' },
};

const jobName = z
  .string()
  .trim()
  .regex(/^[A-Za-z][\w.-]{0,127}$/, '--name must start with a letter and hold letters, digits, _ . - (≤128)')
  .optional();

export const ScopeFlags = z
  .object({
    // Both optional here so that bare `migrate` (or `migrate <source>`) can open the form; a plan without
    // them is refused.
    source: z.string().trim().min(1).optional(),
    db: z.string().trim().min(1).optional(),
    tables: nameList('tables'),
    include: nameList('include'),
    exclude: nameList('exclude'),
    partitions: z.string().trim().min(1).max(2000, '--partitions filter is too long (max 2000)').optional(),
    name: jobName,
    'no-verify': bool,
    'schema-only': bool,
    'data-only': bool,
    increment: bool,
  })
  .superRefine((o, ctx) => {
    // Each issue names the parameter it is about (`path`) and why (`params.reason`): the form maps that
    // to its own fields and words, never the message text.
    const bad = (param: string, reason: string, message: string) =>
      ctx.addIssue({ code: 'custom', message, path: [param], params: { reason } });
    if (o['schema-only'] && o['data-only'])
      bad('schema-only', 'conflict', '--schema-only and --data-only exclude each other');
    if (o.tables && (o.include || o.exclude))
      bad('tables', 'conflict', 'use --tables, or --include/--exclude on the whole database, not both');
    if (o.partitions && !o.tables)
      bad(
        'partitions',
        'needs-tables',
        '--partitions needs --tables: the filter applies to the tables you name',
      );
    if (o['schema-only'] && o.partitions)
      bad('partitions', 'schema-only', '--partitions copies data; it makes no sense with --schema-only');
  });
export type ScopeFlags = z.infer<typeof ScopeFlags>;

/** Job options from the flags; shared by `migrate` and `schedule`. */
function options(o: ScopeFlags) {
  return {
    tables: o.tables,
    tableWhiteList: o.include,
    tableBlackList: o.exclude,
    partitionFilters:
      o.partitions && o.tables ? Object.fromEntries(o.tables.map((t) => [t, o.partitions!])) : undefined,
    enableSchemaMigration: !o['data-only'],
    enableDataMigration: !o['schema-only'],
    enableVerification: !o['no-verify'] && !o['schema-only'],
  };
}

const onOff = (b: boolean | undefined) => (b ? 'on' : 'off');

interface Scope {
  source: DataSource;
  db: Db;
  tableCount: number;
  params: Array<{ label: string; value: string }>;
  warnings: string[];
}

/**
 * Resolves and checks everything a job or timer will name; throws a UsageError on the first problem.
 * `countFilter`: count the partitions a `--partitions` filter matches now (a job's card; a timer's filter
 * is about partitions still to come).
 */
async function checkScope(ctx: OpContext, o: ScopeFlags, countFilter = false): Promise<Scope> {
  if (!o.source)
    throw new UsageError(
      'missing <source>: a data source name or id',
      'Or run `/mms migrate` alone for the form.',
    );
  if (!o.db)
    throw new UsageError(
      'missing <db>: the source database to migrate',
      'Or run `/mms migrate <source>` alone for the form.',
      { kind: 'missing', next: [{ text: 'Open the migrate form', command: `migrate ${arg(o.source)}` }] },
    );
  const s = await source(ctx, o.source);
  const scanned = (s.dbNum ?? 0) > 0 || s.scanId;
  if (!scanned) {
    throw new UsageError(
      `Source ${ref(s)} has not been scanned yet.`,
      `Run \`/mms scan ${arg(s.name)}\` first.`,
      {
        kind: 'not-ready',
        next: [{ text: `Scan ${s.name}`, command: `scan ${s.id}` }],
      },
    );
  }
  const last = await lastScanState(ctx, s);
  if (!((s.dbNum ?? 0) > 0) && last?.state === 'failed') {
    throw new UsageError(
      `The last metadata scan of ${ref(s)} (#${s.scanId}) failed, so it has no databases to migrate.`,
      `See \`/mms source ${arg(s.name)}\` for why, then run \`/mms scan ${arg(s.name)}\`.`,
      {
        kind: 'not-ready',
        next: [
          { text: `Source ${s.name}`, command: `source ${s.id}` },
          { text: `Scan ${s.name}`, command: `scan ${s.id}` },
        ],
      },
    );
  }
  if (last?.state === 'running') {
    throw new UsageError(
      `A metadata scan of ${ref(s)} is still running; wait for it to finish.`,
      'Its progress is posted here when you watch it; try again once it is done.',
      { kind: 'not-ready', next: [{ text: `Source ${s.name}`, command: `source ${s.id}` }] },
    );
  }
  const d = await resolveDbArg(ctx, s.id, o.db);
  const dbName = o.db;
  if (d.name !== dbName) {
    throw new UsageError(`No database named "${o.db}" in ${ref(s)}.`, `Did you mean \`${d.name}\`?`, {
      kind: 'bad-argument',
      next: [{ text: `Databases of ${s.name}`, command: `dbs ${s.id}` }],
    });
  }
  // Every table with its size, rows and status: what is in scope, how big, and what is already migrated.
  const all = await listAll((pg) => ctx.mms.listTables(s.id, { dbName: d.name, ...pg }));
  const names = all.map((t) => t.name);
  const known = new Set(names);
  const named = [...(o.tables ?? []), ...(o.include ?? []), ...(o.exclude ?? [])];
  const missing = named.filter((t) => !known.has(t));
  if (missing.length) {
    const near = missing.flatMap((m) => nearNames(m, names, 1).map((n) => `${m} → ${n}?`));
    throw new UsageError(
      `Not in ${d.name}: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ` (+${missing.length - 20} more)` : ''}.`,
      near.length ? `Did you mean: ${near.join(', ')}` : `See \`/mms tables ${arg(s.name)} ${arg(d.name)}\`.`,
      {
        kind: 'bad-argument',
        next: [{ text: `Tables of ${d.name}`, command: `tables ${s.id} ${arg(d.name)}` }],
      },
    );
  }
  if (o.partitions && o.tables) {
    // A partition filter only means something for partitioned tables; say so before the card, not after.
    const partitioned = new Set(
      (
        await listAll((pg) =>
          ctx.mms.listTables(s.id, { dbName: d.name, hasPartitions: true, onlyName: true, ...pg }),
        )
      ).map((t) => t.name),
    );
    const flat = o.tables.filter((t) => !partitioned.has(t));
    if (flat.length) {
      throw new UsageError(
        `--partitions applies to partitioned tables, and ${flat.join(', ')} ${flat.length === 1 ? 'has' : 'have'} no partitions.`,
        'Migrate those tables in a separate job without --partitions.',
        { kind: 'bad-argument' },
      );
    }
  }
  const picked = o.tables ?? o.include;
  const left = new Set(o.exclude ?? []);
  const inScope = all.filter((t) => (picked ? picked.includes(t.name) : !left.has(t.name)));
  const tableCount = inScope.length;
  if (tableCount <= 0)
    throw new UsageError(
      'That scope selects no tables.',
      'Name fewer tables to leave out, or others to take.',
      {
        kind: 'bad-argument',
      },
    );

  const count =
    countFilter && o.partitions && o.tables
      ? await countPartitions(
          ctx,
          s.id,
          d.name,
          o.tables.map((n) => all.find((t) => t.name === n)!),
          o.partitions,
        )
      : null;

  const opts = options(o);
  const scope = o.tables ? (o.partitions ? 'Partitions' : 'Tables') : 'Database';
  const target = d.dstProjectName ?? s.dstProject ?? '(source default)';
  const size = sumOf(inScope.map((t) => t.size));
  const rows = sumOf(inScope.map((t) => t.numRows));
  const migrated = inScope.filter((t) => t.status === 'DONE').map((t) => t.name);
  const agent =
    s.agentIsOnline === true
      ? 'online'
      : s.agentIsOnline === false
        ? 'OFFLINE'
        : 'could not check (MMS did not say)';
  const params = [
    { label: 'Region', value: ctx.region },
    { label: 'Source', value: `${ref(s)} · ${s.type ?? ''}`.trim() },
    { label: 'Source agent', value: agent },
    { label: 'Database', value: d.name },
    { label: 'Target project', value: target },
    {
      label: 'Quota for the target',
      value: 'could not check: MMS does not report whether the target project has a bound quota',
    },
    { label: 'Scope', value: `${scope}: ${tableCount} table${tableCount === 1 ? '' : 's'}` },
    {
      label: 'Size in scope',
      value:
        size === null
          ? 'not reported by MMS'
          : `${humanBytes(size)}${rows === null ? '' : `, ${exactCount(rows)} rows`} (as of the last scan)`,
    },
    {
      label: 'Already migrated',
      value: migrated.length
        ? `${migrated.length} of ${tableCount}: ${migrated.slice(0, 10).join(', ')}${migrated.length > 10 ? ', …' : ''}`
        : 'none',
    },
  ];
  if (o.tables) params.push({ label: 'Tables', value: o.tables.join(', ') });
  if (o.include) params.push({ label: 'Whitelist (--include)', value: o.include.join(', ') });
  if (o.exclude) params.push({ label: 'Blacklist (--exclude)', value: o.exclude.join(', ') });
  if (o.partitions) params.push({ label: 'Partition filter', value: o.partitions });
  if (count) params.push({ label: 'Partitions matching the filter', value: count.value });
  params.push(
    { label: 'Schema migration', value: onOff(opts.enableSchemaMigration) },
    { label: 'Data migration', value: onOff(opts.enableDataMigration) },
    { label: 'Verification (row counts)', value: onOff(opts.enableVerification) },
    { label: 'Incremental', value: onOff(o.increment) },
  );
  const warnings = [
    'Stop writes to the source tables and partitions before confirming, or row counts drift and verification fails.',
    `Make sure ${target} has a bound quota (MaxCompute console › Quotas): MMS cannot tell, and data tasks fail without one.`,
  ];
  if (s.agentIsOnline === false)
    warnings.unshift(
      `The source's agent is offline${s.errMsg ? ` (${s.errMsg})` : ''}: the job's tasks wait until it is back. Fix it in the MMS console first.`,
    );
  if (migrated.length)
    warnings.push(
      `${migrated.length} table${migrated.length === 1 ? ' is' : 's are'} already migrated: MMS copies ${migrated.length === 1 ? 'it' : 'them'} again.`,
    );
  if (o.include && o.exclude)
    warnings.push('Both --include and --exclude are set: MMS applies only the blacklist.');
  if (count?.nothing)
    warnings.unshift(
      `The filter matches no partition of ${listWithMore(count.empty)}: the job would copy nothing.`,
    );
  else if (count?.empty.length)
    warnings.push(
      `The filter matches no partition of ${listWithMore(count.empty)}: the job copies no data of ${count.empty.length === 1 ? 'that table' : 'those tables'}.`,
    );
  return { source: s, db: d, tableCount, params, warnings };
}

/** A schedule's zone: MMS runs timers in the region's time. */
const zoneOf = (ctx: OpContext) => {
  const zone = regionZone(ctx.region);
  return `(${zone}, ${utcOffset(zone, ctx.now)})`;
};

const stamp = (d: Date) => d.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '_');

// ---- migrate ----

const JobPayload = z.object({
  sourceId: z.number(),
  sourceName: z.string(),
  spec: z.custom<JobSpec>((v) => typeof v === 'object' && v !== null && 'name' in v && 'srcDbName' in v),
});
type JobPayload = z.infer<typeof JobPayload>;

export const migrate: WriteOp<ScopeFlags, JobPayload> = {
  kind: 'write',
  name: 'migrate',
  spec: {
    name: 'migrate',
    group: 'Jobs',
    summary: 'Create a migration job (it starts at once); alone, or with only <source>, it opens a form',
    positionals: [sourcePos, dbPos],
    flags: MIGRATE_FLAGS,
    examples: [
      'migrate hive-prod',
      'migrate hive-prod sales',
      'migrate hive-prod sales --tables orders,order_items --partitions "ds >= \'20250101\'"',
      'migrate hive-prod sales --exclude tmp_load,tmp_stage --name sales_full',
    ],
  },
  params: ScopeFlags,
  payload: JobPayload,
  // `migrate` or `migrate <source>` with nothing else opens the form.
  opensForm: (o) => Object.entries(o).every(([k, v]) => k === 'source' || v === undefined || v === false),
  async plan(ctx, o): Promise<Plan<JobPayload>> {
    const scope = await checkScope(ctx, o, true);
    const name = o.name ?? `${scope.db.name}_${stamp(ctx.now)}`;
    const spec: JobSpec = {
      name,
      srcDbName: scope.db.name,
      ...options(o),
      schemaOnly: o['schema-only'] || undefined,
      increment: o.increment || undefined,
      sourceId: scope.source.id,
      sourceName: scope.source.name,
    };
    return {
      title: 'Create migration job',
      params: [{ label: 'Job name', value: name }, ...scope.params],
      warnings: ['The job starts as soon as it is created.', ...scope.warnings],
      lockKey: `migrate:${ctx.region}:${scope.source.id}:${name}`,
      payload: { sourceId: scope.source.id, sourceName: scope.source.name, spec },
    };
  },
  async recheck(ctx, x) {
    const changes: string[] = [];
    const s = await ctx.mms.getDataSource(x.sourceId);
    if (s.name !== x.sourceName) changes.push(`the source is now named ${s.name} (was ${x.sourceName})`);
    if ((await lastScanState(ctx, s))?.state === 'running')
      changes.push('a metadata scan of the source started');
    if (await existingJob(ctx, x)) changes.push(`a job named ${x.spec.name} now exists`);
    return changes;
  },
  async execute(ctx, x) {
    try {
      const { asyncTaskId } = await ctx.mms.createJob(x.sourceId, x.spec);
      return {
        ok: true,
        text: `Job ${x.spec.name} is being created; it starts at once. Progress will be posted here. (MMS async task ${asyncTaskId})`,
        watch: {
          kind: 'async',
          sourceId: x.sourceId,
          sourceName: x.sourceName,
          objectId: asyncTaskId,
          label: x.spec.name,
        },
      };
    } catch (e) {
      // CreateMmsJob is not idempotent: after an ambiguous failure, look before saying it failed.
      if (e instanceof MmsError && (e.kind === 'network' || e.kind === 'server')) {
        const j = await existingJob(ctx, x).catch(() => null);
        if (j) {
          return {
            ok: true,
            text: `Job ${x.spec.name} (#${j.id}) was created (MMS answered with an error, but the job exists).`,
            watch: {
              kind: 'job',
              sourceId: x.sourceId,
              sourceName: x.sourceName,
              objectId: j.id,
              label: j.name,
            },
          };
        }
      }
      throw e;
    }
  },
};

async function existingJob(ctx: OpContext, x: JobPayload) {
  const res = await ctx.mms.listJobs(x.sourceId, { name: x.spec.name, pageNum: 1, pageSize: 100 });
  return res.items.find((j) => j.name === x.spec.name) ?? null;
}

// ---- schedule ----

const ScheduleFlags = z
  .object({
    daily: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, '--daily takes a time HH:MM, e.g. 02:30')
      .optional(),
    hourly: z
      .string()
      .regex(/^[0-5]?\d$/, '--hourly takes the minute past each hour, 0–59')
      .optional(),
  })
  .superRefine((o, ctx) => {
    if (!o.daily === !o.hourly)
      ctx.addIssue({ code: 'custom', message: 'give exactly one of --daily HH:MM or --hourly MM' });
  });

const ScheduleParams = z.intersection(ScopeFlags, ScheduleFlags);
type ScheduleParams = z.infer<typeof ScheduleParams>;

const TimerPayload = z.object({
  sourceId: z.number(),
  sourceName: z.string(),
  spec: z.custom<TimerSpec>((v) => typeof v === 'object' && v !== null && 'scheduleType' in v),
});
type TimerPayload = z.infer<typeof TimerPayload>;

export const schedule: WriteOp<ScheduleParams, TimerPayload> = {
  kind: 'write',
  name: 'schedule',
  spec: {
    name: 'schedule',
    group: 'Timers',
    summary: 'Create a timer that runs a migration on a schedule',
    positionals: [sourcePos, dbPos],
    flags: {
      daily: { type: 'string', hint: 'HH:MM', help: 'run every day at this time, in the region’s time zone' },
      hourly: { type: 'string', hint: 'MM', help: 'run every hour at this minute' },
      // Timers always run incremental data migrations: no --increment, no --schema-only.
      ...Object.fromEntries(
        Object.entries(MIGRATE_FLAGS).filter(([n]) => n !== 'increment' && n !== 'schema-only'),
      ),
    },
    examples: [
      'schedule hive-prod sales --daily 02:30',
      'schedule hive-prod sales --hourly 15 --tables orders',
    ],
  },
  params: ScheduleParams,
  payload: TimerPayload,
  async plan(ctx, o) {
    if (o['schema-only'] || o.increment) {
      throw new UsageError(
        'Timers run incremental data migrations: --schema-only and --increment do not apply.',
        undefined,
        { kind: 'bad-argument' },
      );
    }
    const scope = await checkScope(ctx, o);
    const scheduleType = o.daily ? 'Daily' : 'Hourly';
    const value = o.daily ?? o.hourly!.padStart(2, '0');
    const name = o.name ?? `${scope.db.name}_${scheduleType.toLowerCase()}_${value.replace(':', '')}`;
    const spec: TimerSpec = {
      name,
      srcDbName: scope.db.name,
      scheduleType,
      value,
      sourceId: scope.source.id,
      ...options(o),
    };
    return {
      title: 'Create migration timer',
      params: [
        { label: 'Timer name', value: name },
        {
          label: 'Schedule',
          value: `${o.daily ? `daily at ${value}` : `hourly at :${value}`} ${zoneOf(ctx)}`,
        },
        ...scope.params.filter((p) => p.label !== 'Incremental'),
      ],
      warnings: [
        'Each run migrates what changed since the last one; the source needs scheduled metadata refresh (console), and the timer should fire after it.',
        ...scope.warnings,
      ],
      lockKey: `schedule:${ctx.region}:${scope.source.id}:${name}`,
      payload: { sourceId: scope.source.id, sourceName: scope.source.name, spec },
    };
  },
  async recheck(ctx, x) {
    const s = await ctx.mms.getDataSource(x.sourceId);
    const changes: string[] = [];
    if (s.name !== x.sourceName) changes.push(`the source is now named ${s.name} (was ${x.sourceName})`);
    const timers = await ctx.mms.listTimers(x.sourceId, { name: x.spec.name, pageNum: 1, pageSize: 100 });
    if (timers.items.some((t) => t.name === x.spec.name))
      changes.push(`a timer named ${x.spec.name} now exists`);
    return changes;
  },
  async execute(ctx, x) {
    const { timerId } = await ctx.mms.createTimer(x.sourceId, x.spec);
    const when = `${x.spec.scheduleType === 'Daily' ? `daily at ${x.spec.value}` : `hourly at :${x.spec.value}`} ${zoneOf(ctx)}`;
    return { ok: true, text: `Timer ${x.spec.name} created: runs ${when}. (timer #${timerId})` };
  },
};
