// `migrate --partitions`: the card counts the partitions the filter matches, table by table, read from the
// simulator's inventory when the plan is made. The expected counts are worked out here from
// ListMmsPartitions by plain string comparison, not with the filter grammar the plan uses.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Partition } from '../../src/mms/schemas.js';
import { migrate, schedule } from '../../src/operations/migrate.js';
import { COUNT_LIMITS } from '../../src/operations/partition-count.js';
import type { Plan } from '../../src/operations/types.js';
import { exactCount, humanBytes } from '../../src/ui/format.js';
import { type Core, startCore } from '../core/world.js';
import { assertWithinLimits } from '../ui/limits.js';

const HIVE = 'hive-prod';
const HIVE_ID = 2000015;
const LABEL = 'Partitions matching the filter';

let core: Core;
beforeEach(async () => {
  core = await startCore();
});
afterEach(async () => {
  await core.close();
});

const days = (key: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `${key}=${from + i}`);

/** A scanned source with tables made for the edge cases. */
function addLake(): number {
  return core.sim.addSource({
    name: 'lake',
    dbs: [
      {
        name: 'ods',
        dstProjectName: 'mc_ods',
        tables: [
          { name: 'clicks', partitions: days('ds', 20250101, 10) },
          { name: 'views', partitions: days('ds', 20240101, 5) },
          { name: 'events', partitions: days('dt', 20250101, 3) },
          { name: 'wide', partitions: days('n', 1, 300) },
          { name: 'huge', partitions: days('ds', 20000000, COUNT_LIMITS.partitions + 1) },
          ...Array.from({ length: COUNT_LIMITS.tables + 1 }, (_, i) => ({
            name: `small_${String(i).padStart(2, '0')}_${'x'.repeat(90)}`,
            partitions: days('ds', 20250101, 2),
          })),
        ],
      },
    ],
  });
}

async function partitionsOf(sid: number, table: string): Promise<Partition[]> {
  const page = await core.ctx().mms.listPartitions(sid, { tableName: table, pageNum: 1, pageSize: 1000 });
  expect(page.items.length).toBe(page.total);
  return page.items;
}

const line = (plan: Plan<unknown>) => plan.params.find((p) => p.label === LABEL)?.value;
const listed = () => core.sim.calls.filter((c) => c.action === 'ListMmsPartitions').length;

async function plan(source: string, db: string, tables: string[], partitions: string) {
  return migrate.plan(core.ctx(), migrate.params.parse({ source, db, tables: tables.join(','), partitions }));
}

describe('migrate --partitions: the card counts what the filter matches', () => {
  it('per table and in total, with the size and rows of the matched partitions, equal to the inventory', async () => {
    const p = await plan(HIVE, 'sales', ['orders', 'order_items'], "ds >= '20250101'");
    const counts = [];
    const matched: Partition[] = [];
    for (const t of ['orders', 'order_items']) {
      const all = await partitionsOf(HIVE_ID, t);
      const hit = all.filter((x) => x.value >= 'ds=20250101');
      counts.push(`${t} ${hit.length} of ${all.length}`);
      matched.push(...hit);
    }
    expect(matched.length).toBeGreaterThan(0);
    const total = counts.reduce((n, c) => n + Number(c.split(' of ')[1]), 0);
    const size = matched.reduce((n, x) => n + x.size!, 0);
    const rows = matched.reduce((n, x) => n + x.numRows!, 0);
    expect(line(p)).toBe(
      `${matched.length} of ${total} (${counts.join(', ')}); ${humanBytes(size)}, ${exactCount(rows)} rows (as of the last scan)`,
    );
    // Right after the filter itself; no warning about matching nothing.
    const labels = p.params.map((x) => x.label);
    expect(labels.indexOf(LABEL)).toBe(labels.indexOf('Partition filter') + 1);
    expect(p.warnings.join('\n')).not.toMatch(/matches no partition/);
  });

  it('partitions with several keys (dt=…/hour=…)', async () => {
    const p = await plan(HIVE, 'marketing', ['web_logs'], "dt = '20250106' AND hour >= 22");
    const all = await partitionsOf(HIVE_ID, 'web_logs');
    const hit = all.filter((x) => x.value.startsWith('dt=20250106/') && x.value.slice(-2) >= '22');
    expect(hit).toHaveLength(2);
    expect(line(p)).toMatch(new RegExp(`^2 of ${all.length}; `));
  });

  it('a filter that matches no partition of any table: a warning that the job would copy nothing', async () => {
    const p = await plan(HIVE, 'sales', ['orders', 'order_items'], "ds > '20990101'");
    expect(line(p)).toBe('0 of 24 (orders 0 of 12, order_items 0 of 12)');
    expect(p.warnings).toContain(
      'The filter matches no partition of orders, order_items: the job would copy nothing.',
    );
  });

  it('a filter that matches nothing of one table says which', async () => {
    const sid = addLake();
    const p = await plan('lake', 'ods', ['clicks', 'views'], "ds >= '20250101'");
    expect(line(p)).toMatch(
      /^10 of 15 \(clicks 10 of 10, views 0 of 5\); \d+ MB, [\d,]+ rows \(as of the last scan\)$/,
    );
    expect(p.warnings).toContain(
      'The filter matches no partition of views: the job copies no data of that table.',
    );
    expect(p.warnings.join('\n')).not.toContain('copy nothing');
    expect((await partitionsOf(sid, 'views')).every((x) => x.value < 'ds=20250101')).toBe(true);
  });

  it('a filter our grammar cannot read: "could not check", the reason, and the plan goes on', async () => {
    const before = listed();
    const p = await plan(HIVE, 'sales', ['orders'], "ds LIKE '2025%'");
    expect(line(p)).toBe(
      "could not check: the filter does not read as MMS's syntax here (expected a comparison after ds); MMS judges it when the job is created",
    );
    // The filter goes to MMS as typed; the columns came from the table's schema, so nothing was listed.
    expect(p.payload.spec.partitionFilters).toEqual({ orders: "ds LIKE '2025%'" });
    expect(listed()).toBe(before);
    expect(p.warnings.join('\n')).not.toMatch(/matches no partition/);
  });

  it('a column one of the tables does not have', async () => {
    addLake();
    const p = await plan('lake', 'ods', ['clicks', 'events'], "ds >= '20250101'");
    expect(line(p)).toBe(
      'could not check: events: partition column ds does not exist (partition columns: dt)',
    );
  });

  it('MMS failing to list partitions: "could not check (MMS: …)", and the plan still succeeds', async () => {
    core.sim.injectErrors({ count: 1, status: 503, actions: ['ListMmsPartitions'] });
    const p = await plan(HIVE, 'sales', ['orders', 'order_items'], "ds >= '20250101'");
    expect(line(p)).toMatch(/^could not check \(MMS: ServiceUnavailable, .*temporary failure.*\)$/);
    expect(p.payload.spec.partitionFilters).toEqual({
      orders: "ds >= '20250101'",
      order_items: "ds >= '20250101'",
    });
    expect(p.warnings.join('\n')).not.toMatch(/matches no partition/);
  });

  it('bounded: more tables or partitions than a plan reads are "not counted", without listing', async () => {
    addLake();
    const before = listed();
    const names = Array.from(
      { length: COUNT_LIMITS.tables + 1 },
      (_, i) => `small_${String(i).padStart(2, '0')}_${'x'.repeat(90)}`,
    );
    const many = await plan('lake', 'ods', names, "ds >= '20250101'");
    expect(line(many)).toBe(`not counted: more than ${COUNT_LIMITS.tables} tables`);
    const huge = await plan('lake', 'ods', ['huge', 'clicks'], "ds >= '20250101'");
    expect(line(huge)).toBe(
      `not counted: the tables hold ${exactCount(COUNT_LIMITS.partitions + 11)} partitions, more than the ${exactCount(COUNT_LIMITS.partitions)} counted when the card is made`,
    );
    expect(listed()).toBe(before);
  });

  it('a server that answers in small pages: "not counted" after the page cap, not a slow plan', async () => {
    await core.close();
    core = await startCore({}, { maxPageSize: 10 });
    addLake();
    // 10 partitions: one page of 10.
    expect(line(await plan('lake', 'ods', ['clicks'], "ds >= '20250105'"))).toMatch(/^6 of 10; /);
    // 300 partitions, within the cap on partitions, but 30 pages of 10: it stops after the cap on pages.
    const before = listed();
    const wide = await plan('lake', 'ods', ['wide'], 'n > 100');
    expect(line(wide)).toBe(
      `not counted: more than ${COUNT_LIMITS.pages} pages of partitions to read when the card is made`,
    );
    expect(listed() - before).toBe(COUNT_LIMITS.pages);
  });

  it('twenty long table names: the line ends with "+N more" and the card fits Block Kit', async () => {
    addLake();
    const names = Array.from(
      { length: COUNT_LIMITS.tables },
      (_, i) => `small_${String(i).padStart(2, '0')}_${'x'.repeat(90)}`,
    );
    const ctx = core.ctx();
    const params = migrate.params.parse({
      source: 'lake',
      db: 'ods',
      tables: names.join(','),
      partitions: 'ds >= 1',
    });
    const value = line(await migrate.plan(ctx, params))!;
    expect(value).toMatch(/^40 of 40 \(small_00_x+… 2 of 2, small_01_x+… 2 of 2, .*, \+\d+ more\); /);
    expect(value.length).toBeLessThan(300);
    const { confirmation } = await core.flow.request(ctx, migrate, params);
    const card = core.flow.card(confirmation, ctx.render);
    assertWithinLimits(card);
    expect(JSON.stringify(card.blocks)).toContain('more)');
  });

  it('only at plan time: the re-check does not recount, and a timer’s card does not count', async () => {
    const ctx = core.ctx();
    const p = await plan(HIVE, 'sales', ['orders'], "ds >= '20250101'");
    const before = listed();
    expect(await migrate.recheck(ctx, p.payload)).toEqual([]);
    const t = await schedule.plan(
      ctx,
      schedule.params.parse({
        source: HIVE,
        db: 'sales',
        tables: 'orders',
        partitions: "ds >= '20250101'",
        daily: '02:30',
      }),
    );
    expect(line(t)).toBeUndefined();
    expect(listed()).toBe(before);
  });
});
