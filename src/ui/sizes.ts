// How much of a job's data is in, in words: the source sizes of its tables (MMS's table inventory, `numRows`
// and `size` as of the source's last metadata scan), those of the tables whose tasks are all done of all.
import { slackDate } from './escape.js';
import { exactCount, humanBytes, humanCount } from './format.js';

export interface MovedSizes {
  /** Rows and bytes of the tables whose tasks are all done; null: MMS reported none. */
  rows: number | null;
  bytes: number | null;
  /** Rows and bytes of all the tables the job's tasks cover; null: MMS reported none. */
  totalRows: number | null;
  totalBytes: number | null;
  /** Tables MMS gave no size or no row count for (left out of the sums). */
  unsized?: number;
  /** Epoch ms: the tables done are as of then, when more tasks finished since (the figure lags). */
  asOf?: number | null;
}

const known = (m: MovedSizes | null | undefined): m is MovedSizes =>
  !!m && (m.totalBytes !== null || m.totalRows !== null);

/** `1.2 GB, 3.4M rows`, or whichever of the two MMS reported. */
function pair(bytes: number | null, rows: number | null): string {
  const parts: string[] = [];
  if (bytes !== null) parts.push(humanBytes(bytes));
  if (rows !== null) parts.push(`${humanCount(rows)} rows`);
  return parts.join(', ');
}

const all = (m: MovedSizes): boolean =>
  (m.bytes ?? 0) === (m.totalBytes ?? 0) && (m.rows ?? 0) === (m.totalRows ?? 0);

/**
 * The card's and the summary's line: `📦 Moved 1.2 GB, 3.4M rows of 4.5 GB, 12M rows (source sizes from the
 * last scan)`, or `📦 Moved 4.5 GB, 12M rows (…)` when every table is in; when the figure lags the tasks
 * done, since when. null when MMS reported no size.
 */
export function movedLine(m: MovedSizes | null | undefined): string | null {
  if (!known(m)) return null;
  const moved = pair(
    m.bytes ?? (m.totalBytes === null ? null : 0),
    m.rows ?? (m.totalRows === null ? null : 0),
  );
  const of = all(m) ? '' : ` of ${pair(m.totalBytes, m.totalRows)}`;
  const n = m.unsized ?? 0;
  const notes = [
    ...(typeof m.asOf === 'number' ? [`tables done as of ${slackDate(new Date(m.asOf), '{time}')}`] : []),
    'source sizes from the last scan',
    ...(n > 0 ? [`${exactCount(n)} table${n === 1 ? '' : 's'} without a size left out`] : []),
  ];
  return `📦 Moved ${moved}${of} (${notes.join('; ')})`;
}

/** One line's worth (`/mms watching`, App Home): `1.2 GB of 4.5 GB moved`, or in rows; null: none reported. */
export function movedShort(m: MovedSizes | null | undefined): string | null {
  if (!known(m)) return null;
  if (m.totalBytes !== null) return `${humanBytes(m.bytes ?? 0)} of ${humanBytes(m.totalBytes)} moved`;
  return `${humanCount(m.rows ?? 0)} of ${humanCount(m.totalRows)} rows moved`;
}
