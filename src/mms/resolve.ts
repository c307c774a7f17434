// Names → ids as MMS matches them (MMS.md §6.2): MMS filters with LIKE, so hits are re-filtered here.
// An exact match wins; one fuzzy hit is used (and said); several are listed; none names near names.
// All-digit input is an id, confirmed with a Get.
import type { MmsClient } from './client.js';
import { MmsError } from './errors.js';
import type { DataSource, Db, Job, Table, Timer } from './schemas.js';

export type ResolveKind = 'source' | 'job' | 'timer' | 'database' | 'table';

export type Resolution<T> =
  | { kind: 'found'; item: T; how: 'id' | 'exact' | 'fuzzy' }
  | { kind: 'ambiguous'; input: string; candidates: T[] }
  | { kind: 'not-found'; input: string; near: string[] };

/** Thrown by the `must*` helpers; the Slack layer renders it as buttons or a "did you mean". */
export class ResolveError extends Error {
  override readonly name = 'ResolveError';
  constructor(
    readonly what: ResolveKind,
    /** A candidate's `token` (when set) is what to type instead of its id, e.g. `task:7680`. */
    readonly resolution: Exclude<Resolution<{ id: number; name: string; token?: string }>, { kind: 'found' }>,
  ) {
    super(
      resolution.kind === 'ambiguous'
        ? `"${resolution.input}" matches ${resolution.candidates.length} ${what}s`
        : `no ${what} named "${resolution.input}"${resolution.near.length ? ` (did you mean ${resolution.near.join(', ')}?)` : ''}`,
    );
  }
}

const isId = (s: string) => /^\d{1,15}$/.test(s);

interface Named {
  id: number;
  name: string;
}

async function resolveNamed<T extends Named>(
  input: string,
  getById: (id: number) => Promise<T>,
  search: (name: string) => Promise<T[]>,
  everything: () => Promise<T[]>,
): Promise<Resolution<T>> {
  const text = input.trim();
  if (isId(text)) {
    try {
      return { kind: 'found', item: await getById(Number(text)), how: 'id' };
    } catch (e) {
      if (!(e instanceof MmsError && e.kind === 'not-found')) throw e;
    }
    // An all-digit name is possible, but only an exact one: a fuzzy hit for an unknown id ("12" in
    // "sales_2012") must never stand in for it.
    const named = (await search(text)).filter((h) => h.name === text);
    if (named.length === 1) return { kind: 'found', item: named[0]!, how: 'exact' };
    if (named.length > 1) return { kind: 'ambiguous', input: text, candidates: named };
    return { kind: 'not-found', input: text, near: [] };
  }
  const hits = (await search(text)).filter((h) => h.name.toLowerCase().includes(text.toLowerCase()));
  const exact = hits.filter((h) => h.name === text);
  if (exact.length === 1) return { kind: 'found', item: exact[0]!, how: 'exact' };
  const exactCi = hits.filter((h) => h.name.toLowerCase() === text.toLowerCase());
  if (exactCi.length === 1) return { kind: 'found', item: exactCi[0]!, how: 'exact' };
  if (hits.length === 1) return { kind: 'found', item: hits[0]!, how: 'fuzzy' };
  if (hits.length > 1) return { kind: 'ambiguous', input: text, candidates: hits };
  return {
    kind: 'not-found',
    input: text,
    near: nearNames(
      text,
      (await everything()).map((x) => x.name),
    ),
  };
}

/** Up to three names within a small edit distance, closest first. */
export function nearNames(input: string, names: string[], limit = 3): string[] {
  const a = input.toLowerCase();
  const max = Math.max(2, Math.floor(a.length / 3));
  return [...new Set(names)]
    .map((n) => ({ n, d: distance(a, n.toLowerCase()) }))
    .filter((x) => x.d <= max)
    .sort((x, y) => x.d - y.d || x.n.localeCompare(y.n))
    .slice(0, limit)
    .map((x) => x.n);
}

/** Levenshtein distance, two rows. */
export function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

const SEARCH_PAGE = { pageNum: 1, pageSize: 100 };

export function resolveSource(c: MmsClient, input: string): Promise<Resolution<DataSource>> {
  return resolveNamed(
    input,
    (id) => c.getDataSource(id),
    async (name) => (await c.listDataSources({ name })).items,
    async () => (await c.listDataSources()).items,
  );
}

export function resolveJob(c: MmsClient, sid: number, input: string): Promise<Resolution<Job>> {
  return resolveNamed(
    input,
    (id) => c.getJob(sid, id),
    async (name) => (await c.listJobs(sid, { name, ...SEARCH_PAGE })).items,
    async () => (await c.listJobs(sid, SEARCH_PAGE)).items,
  );
}

export function resolveTimer(c: MmsClient, sid: number, input: string): Promise<Resolution<Timer>> {
  return resolveNamed(
    input,
    (id) => c.getTimer(sid, id),
    async (name) => (await c.listTimers(sid, { name, ...SEARCH_PAGE })).items,
    async () => (await c.listTimers(sid, SEARCH_PAGE)).items,
  );
}

export function resolveDb(c: MmsClient, sid: number, input: string): Promise<Resolution<Db>> {
  return resolveNamed(
    input,
    (id) => c.getDb(sid, id),
    async (name) => (await c.listDbs(sid, { name, ...SEARCH_PAGE })).items,
    async () => (await c.listDbs(sid, SEARCH_PAGE)).items,
  );
}

export function resolveTable(
  c: MmsClient,
  sid: number,
  dbName: string,
  input: string,
): Promise<Resolution<Table>> {
  return resolveNamed(
    input,
    (id) => c.getTable(sid, id),
    async (name) => (await c.listTables(sid, { dbName, name, ...SEARCH_PAGE })).items,
    async () => (await c.listTables(sid, { dbName, onlyName: true, ...SEARCH_PAGE })).items,
  );
}

/** The found item, or a ResolveError to show the user. */
export function must<T extends Named>(
  what: ResolveKind,
  r: Resolution<T>,
): { item: T; how: 'id' | 'exact' | 'fuzzy' } {
  if (r.kind === 'found') return { item: r.item, how: r.how };
  throw new ResolveError(what, r);
}
