// Lists from an MMS that sends no `total` still page: Next is offered while pages come back full.
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, pager } from '../../src/operations/common.js';
import type { OpContext } from '../../src/operations/types.js';
import { pagerParts } from '../../src/ui/common.js';

const ctx = { region: 'cn-hangzhou', defaultRegion: 'cn-hangzhou', now: new Date() };
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));

describe('paging without a total', () => {
  it('a full page offers Next and says more follow', () => {
    const p = pager({} as OpContext, 'jobs 1', {
      items: items(PAGE_SIZE),
      pageNum: 1,
      pageSize: PAGE_SIZE,
      total: PAGE_SIZE,
      totalKnown: false,
    });
    const parts = pagerParts(p, ctx);
    expect(parts.buttons.map((b) => b.value)).toEqual(['jobs 1 --page 2']);
    expect(parts.note).toBe('Page 1 · more follow');
  });

  it('a short page is the last one', () => {
    const p = pager({} as OpContext, 'jobs 1', {
      items: items(3),
      pageNum: 2,
      pageSize: 3,
      total: 3,
      totalKnown: false,
    });
    const parts = pagerParts(p, ctx);
    expect(parts.buttons.map((b) => b.value)).toEqual(['jobs 1 --page 1']);
    expect(parts.note).toBe('Page 2');
  });

  it('a known total is used as is', () => {
    const p = pager({} as OpContext, 'jobs 1', {
      items: items(PAGE_SIZE),
      pageNum: 1,
      pageSize: PAGE_SIZE,
      total: 75,
    });
    expect(pagerParts(p, ctx).note).toBe('Page 1 of 4 · 75 in total');
  });
});
