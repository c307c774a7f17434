// Filtering, sorting and paging for the List* actions.
import type { Page, Sorter } from './params.js';

/** SQL LIKE '%needle%' as MMS applies it to names: case-insensitive substring; no needle matches all. */
export const like = (value: string | null | undefined, needle: string | undefined): boolean =>
  needle === undefined || (value ?? '').toLowerCase().includes(needle.toLowerCase());

/** Exact but case-insensitive; no wanted value matches all. */
export const same = (value: string | null | undefined, wanted: string | undefined): boolean =>
  wanted === undefined || (value ?? '').toLowerCase() === wanted.toLowerCase();

export type SortKey = string | number | null;

export function sortBy<T extends { id: number }>(
  items: T[],
  sorters: Sorter[],
  key: (item: T, field: string) => SortKey,
  newestFirst = false,
): T[] {
  const byId = (a: T, b: T) => (newestFirst ? b.id - a.id : a.id - b.id);
  return [...items].sort((a, b) => {
    for (const s of sorters) {
      const c = compare(key(a, s.field), key(b, s.field));
      if (c !== 0) return s.desc ? -c : c;
    }
    return byId(a, b);
  });
}

function compare(a: SortKey, b: SortKey): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

export interface ListPage<T> {
  objectList: T[];
  pageNum: number;
  pageSize: number;
  total: number;
}

/** `page` null: everything in one page (ListMmsDataSources with no paging parameters). */
export function paginate<T>(items: T[], page: Page | null): ListPage<T> {
  if (page === null) return { objectList: items, pageNum: 1, pageSize: items.length, total: items.length };
  const start = (page.pageNum - 1) * page.pageSize;
  return {
    objectList: items.slice(start, start + page.pageSize),
    pageNum: page.pageNum,
    pageSize: page.pageSize,
    total: items.length,
  };
}
