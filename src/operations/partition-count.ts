// How many partitions a `migrate --partitions` filter matches, counted when the card is made: MMS does not
// evaluate filters before the job exists, so each named table's partitions are listed and the filter is
// read with MMS's grammar (mms/partition-filter.ts). Bounded: a plan never reads more than a few pages.
import { listAll } from '../mms/client.js';
import { MmsError } from '../mms/errors.js';
import {
  compilePartitionFilter,
  PartitionFilterError,
  type PartitionPredicate,
  parsePartitionValue,
} from '../mms/partition-filter.js';
import type { Partition, Table } from '../mms/schemas.js';
import { truncate } from '../ui/escape.js';
import { exactCount, humanBytes } from '../ui/format.js';
import { sumOf } from './common.js';
import type { OpContext } from './types.js';

/** Beyond these the card says "not counted" rather than make the plan slow. */
export const COUNT_LIMITS = {
  tables: 20,
  partitions: 5000,
  /** ListMmsPartitions calls, all tables together. */
  pages: 25,
  pageSize: 500,
};

export interface PartitionCount {
  /** The card line's value. */
  value: string;
  /** Named tables of which the filter matches no partition (in the order named); empty when not counted. */
  empty: string[];
  /** Every named table was counted and none has a partition the filter matches. */
  nothing: boolean;
}

/** A card line with no count behind it: no table is said to match nothing. */
const uncounted = (value: string): PartitionCount => ({ value, empty: [], nothing: false });
const notCounted = (why: string) => uncounted(`not counted: ${why}`);
const couldNot = (why: string) => uncounted(`could not check: ${why}`);
const couldNotMms = (why: string) => uncounted(`could not check (MMS: ${why})`);

/** The listing would go past the partitions or the pages a plan reads. */
class OverBudget extends Error {}

/** `a, b, c, +2 more`: names until about `room` characters are used. */
export function listWithMore(names: readonly string[], room = 160): string {
  const shown: string[] = [];
  let len = 0;
  for (const n of names) {
    const s = truncate(n, 60);
    if (shown.length > 0 && len + s.length + 2 > room) break;
    shown.push(s);
    len += s.length + 2;
  }
  const more = names.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? `, +${exactCount(more)} more` : ''}`;
}

/** The partition columns of a table, as MMS's schema says, else as its partitions' values say. */
function columnsOf(t: Table, parts: readonly Partition[] | null): string[] | null {
  const declared = (t.schema?.partitions ?? []).map((c) => c?.name).filter((n): n is string => !!n);
  if (declared.length) return declared;
  if (!parts) return null;
  return [...new Set(parts.flatMap((p) => Object.keys(parsePartitionValue(p.value))))];
}

/** The filter compiled for one table's columns, or what the card says when it does not compile. */
function compileFor(filter: string, table: string, columns: readonly string[]): PartitionPredicate | string {
  try {
    return compilePartitionFilter(filter, columns);
  } catch (e) {
    if (!(e instanceof PartitionFilterError)) throw e;
    return e.column !== undefined
      ? `${truncate(table, 60)}: ${truncate(e.reason, 200)}`
      : `the filter does not read as MMS's syntax here (${truncate(e.reason, 120)}); MMS judges it when the job is created`;
  }
}

/**
 * Lists each table's partitions and counts those `filter` matches. Never throws for what MMS or the filter
 * does: the card says "could not check" and why, and the plan goes on.
 */
export async function countPartitions(
  ctx: OpContext,
  sourceId: number,
  dbName: string,
  tables: readonly Table[],
  filter: string,
): Promise<PartitionCount> {
  const L = COUNT_LIMITS;
  if (tables.length > L.tables) return notCounted(`more than ${L.tables} tables`);
  const known = tables.reduce((n, t) => n + (typeof t.partitions === 'number' ? t.partitions : 0), 0);
  if (known > L.partitions)
    return notCounted(
      `the tables hold ${exactCount(known)} partitions, more than the ${exactCount(L.partitions)} counted when the card is made`,
    );

  // A filter our grammar cannot read fails the same way on every table: say so before listing anything.
  // Compiled here for the tables whose schema names their partition columns; the others once listed.
  const declared: Array<PartitionPredicate | null> = [];
  for (const t of tables) {
    const cols = columnsOf(t, null);
    const compiled = cols ? compileFor(filter, t.name, cols) : null;
    if (typeof compiled === 'string') return couldNot(compiled);
    declared.push(compiled);
  }

  let pagesLeft = L.pages;
  let budget = L.partitions;
  const per: Array<{ name: string; matched: Partition[]; total: number }> = [];
  for (const [i, t] of tables.entries()) {
    let parts: Partition[];
    try {
      parts = await listAll(
        (pg) => {
          if (pagesLeft-- <= 0) throw new OverBudget(`more than ${L.pages} pages of partitions to read`);
          return ctx.mms.listPartitions(sourceId, { dbName, tableId: t.id, ...pg });
        },
        { pageSize: L.pageSize, max: budget + 1 },
      );
    } catch (e) {
      if (e instanceof OverBudget) return notCounted(`${e.message} when the card is made`);
      if (e instanceof MmsError)
        return couldNotMms(truncate(e.code ? `${e.code}, ${e.message}` : e.message, 120));
      throw e;
    }
    parts = parts.filter((p) => p.tableId == null || p.tableId === t.id);
    if (parts.length > budget)
      return notCounted(`more than ${exactCount(L.partitions)} partitions to read when the card is made`);
    budget -= parts.length;
    // A table without partitions has no columns to name: nothing to match, not a wrong filter.
    if (parts.length === 0 && !declared[i]) {
      per.push({ name: t.name, matched: [], total: 0 });
      continue;
    }
    const pred = declared[i] ?? compileFor(filter, t.name, columnsOf(t, parts) ?? []);
    if (typeof pred === 'string') return couldNot(pred);
    per.push({
      name: t.name,
      matched: parts.filter((p) => pred(parsePartitionValue(p.value))),
      total: parts.length,
    });
  }

  const matched = per.flatMap((p) => p.matched);
  const total = per.reduce((n, p) => n + p.total, 0);
  let value = `${exactCount(matched.length)} of ${exactCount(total)}`;
  if (per.length > 1) {
    const entries = per.map(
      (p) => `${truncate(p.name, 40)} ${exactCount(p.matched.length)} of ${exactCount(p.total)}`,
    );
    value += ` (${listWithMore(entries, 200)})`;
  }
  const size = sumOf(matched.map((p) => p.size));
  const rows = sumOf(matched.map((p) => p.numRows));
  if (matched.length && (size !== null || rows !== null)) {
    const what = [
      size === null ? null : humanBytes(size),
      rows === null ? null : `${exactCount(rows)} rows`,
    ].filter(Boolean);
    value += `; ${what.join(', ')} (as of the last scan)`;
  }
  const empty = per.filter((p) => p.matched.length === 0).map((p) => p.name);
  return { value, empty, nothing: matched.length === 0 };
}
