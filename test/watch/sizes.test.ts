// The rows and bytes a job moved, on its card, its summary and `/mms status`: the source sizes MMS's table
// inventory reports for the tables whose tasks are all done, of those of all the job's tables. Expected
// figures come from the simulator through the client (tasks and tables as MMS lists them).
import { afterEach, describe, expect, it } from 'vitest';
import { listAll } from '../../src/mms/client.js';
import { Job, Task } from '../../src/mms/schemas.js';
import { humanBytes, humanCount } from '../../src/ui/format.js';
import { watchListMessage } from '../../src/ui/watching.js';
import { movedOf } from '../../src/watch/cards.js';
import {
  MAX_SIZE_READS,
  movesWholeTables,
  SIZE_REFRESH_MS,
  type SizedTable,
  sameTables,
  sizeKey,
  sizesDue,
  sumSizes,
  tableIndex,
  tableSet,
} from '../../src/watch/job-events.js';
import { jobState } from '../../src/watch/state.js';
import type { StoredMessage } from '../helpers/slack-api.js';
import {
  CHANNEL,
  cycle,
  cycleUntil,
  type Instance,
  REGION,
  startWorld,
  textOf,
  type World,
} from './setup.js';

let w: World;
let inst: Instance;

afterEach(async () => {
  await w.close();
});

async function open(o: Parameters<typeof startWorld>[0] = {}) {
  // One task at a time, so a job spends cycles with some tables done and others not.
  w = await startWorld({ ...o, sim: { taskConcurrency: 1, ...o.sim } });
  inst = w.open();
}

async function startJob(name: string, tables: string[]) {
  const cardTs = await w.postCard();
  const asyncId = await w.createJob(name, tables);
  inst.watcher.register(w.target('async', asyncId, name, cardTs));
  return cardTs;
}

const jobWatch = (name: string) =>
  [...inst.services.watches.active('job'), ...inst.services.watches.recent(20)].find(
    (x) => x.kind === 'job' && x.label === name,
  );

const card = (ts: string): StoredMessage => w.api.messages(CHANNEL).find((m) => m.ts === ts)!;

/** What MMS says now: rows and bytes of the job's tables, and of those whose tasks are all DONE. */
async function expected(jobId: number, dbName = 'sales') {
  const tasks = await listAll((p) => w.mms.listTasks(w.sourceId, { jobId, ...p }));
  const tables = await listAll((p) => w.mms.listTables(w.sourceId, { dbName, ...p }));
  const byTable = new Map<string, string[]>();
  for (const t of tasks) byTable.set(t.srcTableName!, [...(byTable.get(t.srcTableName!) ?? []), t.status!]);
  const e = { rows: 0, bytes: 0, doneRows: 0, doneBytes: 0, done: 0, total: byTable.size };
  for (const [name, statuses] of byTable) {
    const t = tables.find((x) => x.name === name)!;
    e.rows += t.numRows!;
    e.bytes += t.size!;
    if (statuses.every((s) => s === 'DONE')) {
      e.done++;
      e.doneRows += t.numRows!;
      e.doneBytes += t.size!;
    }
  }
  return e;
}

describe('rows and size moved', () => {
  it('shows the sizes done of all mid-run, all of them at the end, from one listing per tick', async () => {
    await open();
    const tables = ['orders', 'customers', 'payments', 'shipments'];
    const cardTs = await startJob('sized_mig', tables);
    const listings: number[] = [];
    const tick = async (steps = 1) => {
      const r = await cycle(w, inst.watcher, steps);
      listings.push(r.mmsCallsByAction['ListMmsTables'] ?? 0);
    };
    for (let i = 0; i < 40 && !jobWatch('sized_mig'); i++) await tick();
    const jobId = jobWatch('sized_mig')!.objectId;

    // Mid-run: some tables done, some not. The figure follows the done tables within SIZE_REFRESH_MS.
    let mid = await expected(jobId);
    for (let i = 0; i < 40 && (mid.done < 1 || mid.done > tables.length - 2); i++) {
      await tick();
      mid = await expected(jobId);
    }
    expect(mid.done).toBeGreaterThan(0);
    expect(mid.done).toBeLessThan(tables.length - 1);
    w.clock.advance(SIZE_REFRESH_MS);
    await tick(0);
    const midLine =
      `📦 Moved ${humanBytes(mid.doneBytes)}, ${humanCount(mid.doneRows)} rows of ` +
      `${humanBytes(mid.bytes)}, ${humanCount(mid.rows)} rows (source sizes from the last scan)`;
    expect(textOf(card(cardTs))).toContain(midLine);
    // `/mms status` and `/mms watching` read the same figures from the glance.
    const watch = jobWatch('sized_mig')!;
    expect(watch.glance?.moved).toEqual({
      rows: mid.doneRows,
      bytes: mid.doneBytes,
      totalRows: mid.rows,
      totalBytes: mid.bytes,
    });
    const status = watchListMessage('Watched', [watch], {
      region: REGION,
      defaultRegion: REGION,
      now: new Date(w.clock.now()),
    });
    expect(textOf(status as StoredMessage)).toContain(
      `${humanBytes(mid.doneBytes)} of ${humanBytes(mid.bytes)} moved`,
    );

    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    const end = await expected(jobId);
    expect(end.done).toBe(tables.length);
    const endLine = `📦 Moved ${humanBytes(end.bytes)}, ${humanCount(end.rows)} rows (source sizes from the last scan)`;
    expect(textOf(card(cardTs))).toContain(endLine);
    const summary = w.api.replies(CHANNEL, cardTs).find((m) => m.reply_broadcast)!;
    expect(textOf(summary)).toContain(endLine);
    // The inventory was listed when the sets changed, never more than once a tick for the one db.
    expect(Math.max(...listings)).toBe(1);
    expect(listings.filter((n) => n > 0).length).toBeLessThan(listings.length);
  });

  it('lists a db once per tick for all the jobs on it', async () => {
    await open();
    const a = await startJob('first_mig', ['orders', 'customers']);
    const b = await startJob('second_mig', ['payments', 'refunds']);
    const perTick: number[] = [];
    for (let i = 0; i < 40 && inst.services.watches.active().length > 0; i++) {
      const r = await cycle(w, inst.watcher);
      perTick.push(r.mmsCallsByAction['ListMmsTables'] ?? 0);
    }
    expect(inst.services.watches.active()).toHaveLength(0);
    expect(Math.max(...perTick)).toBe(1);
    for (const [ts, name] of [
      [a, 'first_mig'],
      [b, 'second_mig'],
    ] as const) {
      const e = await expected(jobWatch(name)!.objectId);
      expect(textOf(card(ts))).toContain(`📦 Moved ${humanBytes(e.bytes)}, ${humanCount(e.rows)} rows`);
    }
  });

  it.each([
    ['absent', false],
    ['"null"', true],
  ])('draws no size when MMS reports none (fields %s)', async (_how, nullStrings) => {
    await open({ sim: { nullStrings } });
    for (const t of w.sim.model.tables.values()) {
      const blank = t as unknown as { numRows: number | null; size: number | null };
      blank.numRows = null;
      blank.size = null;
    }
    const cardTs = await startJob('unsized_mig', ['orders', 'customers']);
    w.sim.resetCalls();
    await cycleUntil(w, inst.watcher, () => inst.services.watches.active().length === 0);
    // The inventory was asked, and said nothing of sizes.
    expect(w.sim.calls.some((c) => c.action === 'ListMmsTables')).toBe(true);
    expect(card(cardTs).text).toMatch(/finished: DONE/);
    expect(textOf(card(cardTs))).not.toContain('📦');
    expect(textOf(w.api.replies(CHANNEL, cardTs).find((m) => m.reply_broadcast))).not.toContain('📦');
    expect(jobWatch('unsized_mig')!.glance?.moved).toBeNull();
  });
});

describe('the cost of following the sizes', () => {
  it(`reads at most ${MAX_SIZE_READS} task lists per source per cycle for them, the rest the next cycle`, async () => {
    await open({ bulkTables: 12 });
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      const name = `bulk_${i}`;
      names.push(name);
      await w.createJob(name, [
        `t_${String(2 * i + 1).padStart(2, '0')}`,
        `t_${String(2 * i + 2).padStart(2, '0')}`,
      ]);
    }
    w.sim.step(2);
    const jobs = (await w.mms.listJobs(w.sourceId, { pageNum: 1, pageSize: 50 })).items;
    expect(jobs).toHaveLength(names.length);
    for (const j of jobs) inst.watcher.register(w.target('job', j.id, j.name, null));
    // First look: every job's tasks and one listing of the db. Then every job gets one of its two tables
    // done while the watcher is not looking, and a cycle sees the progress in the job list.
    await cycle(w, inst.watcher, 0);
    const oneDone = async () =>
      (await w.mms.listJobs(w.sourceId, { pageNum: 1, pageSize: 50 })).items.every((j) => j.taskDone === 1);
    for (let i = 0; i < 40 && !(await oneDone()); i++) w.sim.step(1);
    expect(await oneDone()).toBe(true);
    await cycle(w, inst.watcher, 0);
    const cardOf = (name: string) =>
      textOf(w.api.messages(CHANNEL).find((m) => !m.thread_ts && m.text.startsWith(`Job ${name} (`)));
    // The figure lags the tasks done until their next read, and the cards say since when.
    for (const name of names)
      expect(cardOf(name)).toMatch(/📦 Moved 0 B, 0 rows of .*\(tables done as of <!date/);
    const jobReads = async () => {
      w.sim.resetCalls();
      await cycle(w, inst.watcher, 0);
      return w.sim.calls
        .filter((c) => c.action === 'ListMmsTasks' && c.query['jobId'])
        .map((c) => c.query['jobId']);
    };
    w.clock.advance(SIZE_REFRESH_MS);
    const first = await jobReads();
    const second = await jobReads();
    expect(first).toHaveLength(MAX_SIZE_READS);
    expect(second).toHaveLength(jobs.length - MAX_SIZE_READS);
    expect(new Set([...first, ...second]).size).toBe(jobs.length);
    expect(await jobReads()).toHaveLength(0);
    for (const name of names) {
      const watch = jobWatch(name)!;
      const e = await expected(watch.objectId, 'bulk_db');
      expect(watch.glance?.moved).toEqual({
        rows: e.doneRows,
        bytes: e.doneBytes,
        totalRows: e.rows,
        totalBytes: e.bytes,
      });
      expect(e.done).toBe(1);
      expect(cardOf(name)).toContain(
        `📦 Moved ${humanBytes(e.doneBytes)}, ${humanCount(e.doneRows)} rows of ${humanBytes(e.bytes)}, ` +
          `${humanCount(e.rows)} rows (source sizes from the last scan)`,
      );
    }
  });
});

describe('the sums', () => {
  const job = Job.parse({ id: 1, name: 'j', srcDbName: 'sales' });
  const task = (id: number, table: string, status: string, o: Record<string, unknown> = {}) =>
    Task.parse({ id, jobId: 1, srcDbName: 'sales', srcTableName: table, status, ...o });
  const listed = (id: number, name: string, numRows: number | null, size: number | null): SizedTable => ({
    id,
    dbName: 'sales',
    name,
    numRows,
    size,
  });

  it('a table is done when all its tasks moved their data; tables are found by id, else by name', () => {
    const tasks = [
      task(1, 'orders', 'DONE', { tableId: 11 }),
      task(2, 'orders', 'DATA_DOING', { tableId: 11 }),
      task(3, 'items', 'DONE'),
      // Resting after its data phase (verification off): its data is in.
      task(4, 'refunds', 'DATA_DONE', { running: false }),
      task(5, 'ghosts', 'DONE'),
    ];
    const set = tableSet(job, tasks);
    expect([...set.done].sort()).toEqual(['sales.ghosts', 'sales.items', 'sales.refunds']);
    const sums = sumSizes(
      set,
      tableIndex([
        listed(11, 'orders', 100, 1000),
        listed(12, 'ITEMS', 10, 200),
        listed(13, 'refunds', 5, null),
      ]),
    );
    expect(sums).toMatchObject({
      tables: 4,
      doneTables: 3,
      unsized: 2,
      rows: 115,
      bytes: 1200,
      doneRows: 15,
      doneBytes: 200,
    });
  });

  it('the key changes with the table set or the done set, and says which', () => {
    const a = sizeKey(tableSet(job, [task(1, 'orders', 'DATA_DOING'), task(2, 'items', 'DONE')]));
    const b = sizeKey(tableSet(job, [task(1, 'orders', 'DONE'), task(2, 'items', 'DONE')]));
    const c = sizeKey(tableSet(job, [task(1, 'orders', 'DONE'), task(3, 'refunds', 'DONE')]));
    expect(new Set([a, b, c]).size).toBe(3);
    expect(sameTables(a, b)).toBe(true);
    expect(sameTables(b, c)).toBe(false);
    expect(sizeKey(tableSet(job, [task(2, 'items', 'DONE'), task(1, 'orders', 'DATA_DOING')]))).toBe(a);
  });

  it('no sizes for jobs a table size would overstate', () => {
    expect(movesWholeTables(job)).toBe(true);
    for (const config of [
      { partitions: [1, 2] },
      { partitionFilters: { orders: "ds > '2025-01-01'" } },
      { increment: true },
      { schemaOnly: true },
    ])
      expect(movesWholeTables(Job.parse({ ...job, config }))).toBe(false);
  });
});

describe('when the figure lags', () => {
  const sizes = {
    of: 'k',
    tables: 4,
    doneTables: 1,
    unsized: 0,
    rows: 400,
    bytes: 4000,
    doneRows: 100,
    doneBytes: 1000,
    at: 1_000,
  };
  const running = Job.parse({ id: 1, name: 'j', status: 'DOING', taskNum: 4, taskDone: 2 });

  it('the card says as of when, while the job runs and its progress moved since', () => {
    expect(movedOf(jobState({ sizes, movedAt: 900 }))?.asOf).toBeNull();
    expect(movedOf(jobState({ sizes, movedAt: 2_000 }))?.asOf).toBe(1_000);
    expect(movedOf(jobState({ sizes, movedAt: 2_000, ended: 'finished' }))?.asOf).toBeNull();
    expect(movedOf(jobState({ sizes: { ...sizes, rows: null, bytes: null } }))).toBeNull();
  });

  it('a read for the sizes is due once more tasks are done and SIZE_REFRESH_MS passed', () => {
    const s = jobState({ sizes, counts: { DONE: 1, DATA_DOING: 3 }, tasksAt: 1_000 });
    expect(sizesDue(s, running, 1_000 + SIZE_REFRESH_MS)).toBe(true);
    expect(sizesDue(s, running, 1_000 + SIZE_REFRESH_MS - 1)).toBe(false);
    expect(sizesDue(s, Job.parse({ ...running, taskDone: 1 }), 1_000 + SIZE_REFRESH_MS)).toBe(false);
    expect(sizesDue(s, Job.parse({ ...running, stopped: true }), 1_000 + SIZE_REFRESH_MS)).toBe(false);
    expect(sizesDue({ ...s, sizes: null }, running, 1_000 + SIZE_REFRESH_MS)).toBe(false);
  });
});
