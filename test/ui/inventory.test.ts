import { describe, expect, it } from 'vitest';
import { dbsMessage, partitionsMessage, tablesMessage } from '../../src/ui/inventory.js';
import { ctx, makeDb, makePartition, makeTable, offCtx, page, pager, source } from './fixtures.js';
import { expectNoInjection, INJECT } from './inject.js';
import { assertWithinLimits, runCommands, textOf } from './limits.js';

describe('dbsMessage', () => {
  it('lines with status, counts, size; a button per db to its tables', () => {
    const dbs = [makeDb(1, { status: 'DONE', dstProjectName: 'mc_sales' }), makeDb(2)];
    const m = dbsMessage(source, page(dbs), pager('dbs 2000015', 1, 20, 2), ctx);
    assertWithinLimits(m);
    expect(textOf(m)).toContain('db_1');
    expect(textOf(m)).toContain('mc_sales');
    const cmds = runCommands(m);
    expect(cmds).toContain('tables 2000015 db_1');
    expect(cmds).toContain('tables 2000015 db_2');
    expect(cmds.some((c) => c.includes('--page'))).toBe(false);
  });
  it('paging buttons rerun the command with --page', () => {
    const m = dbsMessage(source, page([makeDb(1)], 3, 20, 100), pager('dbs 2000015', 3, 20, 100), ctx);
    const cmds = runCommands(m);
    expect(cmds).toContain('dbs 2000015 --page 2');
    expect(cmds).toContain('dbs 2000015 --page 4');
    expect(textOf(m)).toContain('Page 3 of 5');
  });
  it('no Prev on the first page, no Next on the last', () => {
    const first = runCommands(dbsMessage(source, page([makeDb(1)]), pager('dbs 2000015', 1, 20, 40), ctx));
    expect(first).toContain('dbs 2000015 --page 2');
    expect(first.some((c) => c.endsWith('--page 0'))).toBe(false);
    const last = runCommands(dbsMessage(source, page([makeDb(1)]), pager('dbs 2000015', 2, 20, 40), ctx));
    expect(last).toContain('dbs 2000015 --page 1');
    expect(last.some((c) => c.endsWith('--page 3'))).toBe(false);
  });
  it('--region appended to drill-down and paging commands only off the default region', () => {
    const m = dbsMessage(source, page([makeDb(1)], 1, 20, 40), pager('dbs 2000015', 1, 20, 40), offCtx);
    const cmds = runCommands(m);
    expect(cmds).toContain('tables 2000015 db_1 --region cn-shanghai');
    expect(cmds).toContain('dbs 2000015 --page 2 --region cn-shanghai');
    for (const c of cmds) expect(c).toContain('--region cn-shanghai');
    const already = dbsMessage(
      source,
      page([makeDb(1)], 1, 20, 40),
      pager('dbs 2000015 --region cn-shanghai', 1, 20, 40),
      offCtx,
    );
    expect(runCommands(already)).toContain('dbs 2000015 --region cn-shanghai --page 2');
  });
});

describe('tablesMessage', () => {
  it('5000 tables in one page object stay within limits and say how many are shown', () => {
    const tables = Array.from({ length: 5000 }, (_, i) => makeTable(i));
    const m = tablesMessage(
      source,
      'sales',
      page(tables, 1, 5000, 5000),
      pager('tables 2000015 sales', 1, 5000, 5000),
      ctx,
    );
    assertWithinLimits(m);
    expect(textOf(m)).toMatch(/Showing [\d,]+ of the 5,000 on this page/);
  });
  it('partitioned tables drill into partitions; migrate this db', () => {
    const m = tablesMessage(
      source,
      'sales',
      page([makeTable(1), makeTable(2)]),
      pager('tables 2000015 sales', 1, 20, 2),
      ctx,
    );
    const cmds = runCommands(m);
    expect(cmds).toContain('partitions 2000015 sales.table_2');
    expect(cmds).not.toContain('partitions 2000015 sales.table_1');
    expect(cmds).toContain('migrate 2000015 sales');
    expect(textOf(m)).toContain('partitioned');
    expect(textOf(m)).toContain('1.2M rows');
    expect(textOf(m)).toContain('3.4 GB');
  });
  it('escapes table names from MMS', () => {
    const m = tablesMessage(
      source,
      INJECT,
      page([makeTable(2, { name: INJECT })]),
      pager('tables 2000015 x', 1, 20, 1),
      ctx,
    );
    assertWithinLimits(m);
    expectNoInjection(m);
  });
});

describe('partitionsMessage', () => {
  it('lists partition values with paging and a back button', () => {
    const parts = Array.from({ length: 3000 }, (_, i) => makePartition(i));
    const m = partitionsMessage(
      source,
      'sales',
      'orders',
      page(parts, 2, 3000, 9000),
      pager('partitions 2000015 sales.orders', 2, 3000, 9000),
      ctx,
    );
    assertWithinLimits(m);
    const cmds = runCommands(m);
    expect(cmds).toContain('partitions 2000015 sales.orders --page 1');
    expect(cmds).toContain('partitions 2000015 sales.orders --page 3');
    expect(cmds).toContain('tables 2000015 sales');
    expect(cmds).toContain('migrate 2000015 sales --tables orders');
    expect(textOf(m)).toContain('ds=20250000');
  });
});
