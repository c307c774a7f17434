// Pieces every operation shares: argument schemas, name resolution with user-facing errors, paging.
import { z } from 'zod';
import type { Paging } from '../mms/client.js';
import { MmsError } from '../mms/errors.js';
import {
  must,
  ResolveError,
  resolveDb,
  resolveJob,
  resolveSource,
  resolveTable,
  resolveTimer,
} from '../mms/resolve.js';
import {
  type DataSource,
  type Db,
  type Job,
  type Page,
  type Scan,
  scanState,
  type Table,
  type Timer,
} from '../mms/schemas.js';
import { arg } from '../ui/actions.js';
import { esc, mdLink, slackDate } from '../ui/escape.js';
import { messageLink } from '../ui/events.js';
import { cardEventPlain } from '../ui/jobs.js';
import type { Pager } from '../ui/types.js';
import { type OpContext, type PositionalSpec, UsageError } from './types.js';

export const PAGE_SIZE = 20;

export const sourcePos: PositionalSpec = { name: 'source', required: true, help: 'data source name or id' };
export const jobPos: PositionalSpec = { name: 'job', required: true, help: 'job name or id' };
export const taskPos: PositionalSpec = { name: 'task', required: true, help: 'task id' };
export const timerPos: PositionalSpec = { name: 'timer', required: true, help: 'timer name or id' };
export const dbPos: PositionalSpec = { name: 'db', required: true, help: 'source database name' };

/** A required positional: the message names it and says what it holds. */
export const req = (name: string, what: string) =>
  z
    .string({ error: `missing <${name}>: ${what}` })
    .trim()
    .min(1, `missing <${name}>: ${what}`);

export const opt = z.string().trim().min(1).optional();

export const idArg = (name: string) =>
  z
    .string({ error: `missing <${name}>: a numeric ${name} id` })
    .trim()
    .regex(/^\d{1,15}$/, `<${name}> must be a numeric ${name} id`)
    .transform(Number);

export const page = z
  .string()
  .regex(/^\d{1,5}$/, '--page takes a page number (1, 2, …)')
  .transform(Number)
  .refine((n) => n >= 1, '--page starts at 1')
  .optional();

export const bool = z.boolean().optional().default(false);

/** Comma-separated names; empty entries dropped. */
export const nameList = (flag: string) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .refine((l) => l.length > 0, `--${flag} takes a comma-separated list of names`)
    .refine(
      (l) => l.every((n) => /^[\w.$-]{1,256}$/.test(n)),
      `--${flag}: names may hold letters, digits, _ . $ -`,
    )
    .optional();

export function paging(p: number | undefined): Required<Paging> {
  return { pageNum: p ?? 1, pageSize: PAGE_SIZE };
}

/**
 * The pager of a list; renderers add `--region` to its command when needed. Without a `total` from MMS
 * the count is a lower bound, one more than seen when the page was full, so Next is still offered.
 */
export function pager(_ctx: OpContext, command: string, page: Page<unknown>): Pager {
  const known = page.totalKnown !== false;
  const seen = (page.pageNum - 1) * PAGE_SIZE + page.items.length;
  const total = known ? page.total : seen + (page.items.length >= PAGE_SIZE ? 1 : 0);
  return {
    command,
    pageNum: page.pageNum,
    pageSize: PAGE_SIZE,
    total,
    ...(known ? {} : { totalKnown: false }),
  };
}

export async function source(ctx: OpContext, input: string): Promise<DataSource> {
  return must('source', await resolveSource(ctx.mms, input)).item;
}

export async function job(ctx: OpContext, sid: number, input: string): Promise<Job> {
  return must('job', await resolveJob(ctx.mms, sid, input)).item;
}

export async function timer(ctx: OpContext, sid: number, input: string): Promise<Timer> {
  return must('timer', await resolveTimer(ctx.mms, sid, input)).item;
}

export async function db(ctx: OpContext, sid: number, input: string): Promise<Db> {
  const r = await resolveDb(ctx.mms, sid, input);
  // Commands take databases by name, not id: several candidates are offered by name.
  if (r.kind === 'ambiguous') {
    throw new ResolveError('database', {
      ...r,
      candidates: r.candidates.map((d) => ({ id: d.id, name: d.name, token: d.name })),
    });
  }
  return must('database', r).item;
}

/** A table by its exact name in a database given by its exact name (an empty listing may mean a typo). */
export async function tableNamed(
  ctx: OpContext,
  s: DataSource,
  dbName: string,
  input: string,
): Promise<Table> {
  await dbNamed(ctx, s, dbName);
  const r = await resolveTable(ctx.mms, s.id, dbName, input);
  const hit =
    r.kind === 'found' ? r.item : r.kind === 'ambiguous' ? r.candidates.find((t) => t.name === input) : null;
  if (hit?.name === input) return hit;
  const near =
    r.kind === 'found' ? [r.item.name] : r.kind === 'ambiguous' ? r.candidates.map((t) => t.name) : r.near;
  throw new UsageError(
    `No table named "${input}" in ${dbName} of ${ref(s)}.`,
    near.length
      ? `Did you mean ${near
          .slice(0, 3)
          .map((n) => `\`${dbName}.${n}\``)
          .join(', ')}?`
      : undefined,
    {
      kind: 'bad-argument',
      next: [{ text: `Tables of ${dbName}`, command: `tables ${s.id} ${arg(dbName)}` }],
    },
  );
}

/** A database by its exact name; a near one is only suggested (commands pass the name to MMS as typed). */
export async function dbNamed(ctx: OpContext, s: DataSource, input: string): Promise<Db> {
  const d = await db(ctx, s.id, input);
  if (d.name !== input) {
    throw new UsageError(`No database named "${input}" in ${ref(s)}.`, `Did you mean \`${d.name}\`?`, {
      kind: 'bad-argument',
      next: [{ text: `Databases of ${s.name}`, command: `dbs ${s.id}` }],
    });
  }
  return d;
}

export const ref = (s: { id: number; name: string }) => `${s.name} (#${s.id})`;

/**
 * For a write the job's state no longer fits (often a button pressed on an older message of its thread):
 * a link to the job's card, which shows what happened and the buttons that fit now. The card in this
 * channel first, else one elsewhere; undefined when the job has no card.
 */
export function jobCardNote(ctx: OpContext, sid: number, jobId: number): string | undefined {
  const cards = ctx.services.watches.forObject('job', ctx.region, sid, jobId).filter((w) => w.cardTs);
  const w = cards.find((x) => x.channel === ctx.channel) ?? cards[0];
  if (!w?.cardTs) return undefined;
  const card = mdLink(messageLink(w.channel, w.cardTs), 'its card');
  const last = w.glance?.last;
  const said = last
    ? ` Last on its card: ${esc(cardEventPlain(last))} · ${slackDate(new Date(last.at))}.`
    : '';
  return `The job has moved on.${said} See ${card} for what happened and the buttons that fit it now.`;
}

/**
 * The source's last scan, read from the scan itself (GetMmsFetchMetadataJob): GetMmsDataSource has no
 * scan state, and sources resolved by id come from it. Null when the source was never scanned or MMS no
 * longer knows the scan.
 */
export async function lastScan(ctx: OpContext, s: DataSource): Promise<Scan | null> {
  if (s.scanId === null || s.scanId === undefined) return null;
  try {
    return await ctx.mms.getFetchMetadataJob(s.id, s.scanId);
  } catch (e) {
    if (e instanceof MmsError && e.kind === 'not-found') return null;
    throw e;
  }
}

/** What the last scan of a source is doing: null when there is none. */
export async function lastScanState(
  ctx: OpContext,
  s: DataSource,
): Promise<{ scan: Scan; state: 'running' | 'done' | 'failed' } | null> {
  const scan = await lastScan(ctx, s);
  return scan ? { scan, state: scanState(scan) } : null;
}

/** The sum of the values MMS reported; null when it reported none. */
export function sumOf(values: Array<number | null | undefined>): number | null {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return known.length ? known.reduce((a, b) => a + b, 0) : null;
}
