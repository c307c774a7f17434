// The rows and size a job moved, as the card, the summary, `/mms status` and App Home draw them from data.
import { describe, expect, it } from 'vitest';
import { summarizeDiagnoses } from '../../src/diagnosis/diagnose.js';
import { Job } from '../../src/mms/schemas.js';
import type { Watch, WatchGlance } from '../../src/store/watches.js';
import { summaryMessage } from '../../src/ui/events.js';
import { homeView } from '../../src/ui/home.js';
import { jobCard } from '../../src/ui/jobs.js';
import type { MovedSizes } from '../../src/ui/sizes.js';
import { watchListMessage } from '../../src/ui/watching.js';
import { ctx, job } from './fixtures.js';
import { assertWithinLimits, textOf } from './limits.js';

const GB = 1024 ** 3;
const mid: MovedSizes = { rows: 3_400_000, bytes: 1.2 * GB, totalRows: 12_000_000, totalBytes: 4.5 * GB };
const all: MovedSizes = { rows: 12_000_000, bytes: 4.5 * GB, totalRows: 12_000_000, totalBytes: 4.5 * GB };

const card = (moved: MovedSizes | null | undefined, o: Record<string, unknown> = {}) =>
  jobCard({
    source: { id: 2000015, name: 'hive-prod' },
    job,
    counts: { DONE: 1, DATA_DOING: 1 },
    region: 'cn-hangzhou',
    elapsedMs: 600_000,
    etaMs: 600_000,
    last: null,
    unreachable: null,
    finished: false,
    moved,
    ...o,
  });

describe('job card sizes', () => {
  it('says what moved of all, and that the sizes are the source scan’s', () => {
    const m = card(mid);
    assertWithinLimits(m);
    expect(textOf(m)).toContain(
      '1 of 2 tables done\n📦 Moved 1.2 GB, 3.4M rows of 4.5 GB, 12M rows (source sizes from the last scan)',
    );
  });
  it('all moved: the total alone', () => {
    const t = textOf(card(all, { finished: true, job: Job.parse({ ...job, status: 'DONE', taskDone: 2 }) }));
    expect(t).toContain('📦 Moved 4.5 GB, 12M rows (source sizes from the last scan)');
    expect(t).not.toContain(' of 4.5 GB');
  });
  it('nothing moved yet reads 0 of the total; only the figures MMS reported', () => {
    expect(textOf(card({ rows: 0, bytes: 0, totalRows: 500, totalBytes: 2048 }))).toContain(
      '📦 Moved 0 B, 0 rows of 2.0 KB, 500 rows',
    );
    expect(textOf(card({ rows: null, bytes: 1024, totalRows: null, totalBytes: 4096 }))).toContain(
      '📦 Moved 1.0 KB of 4.0 KB (source',
    );
    expect(textOf(card({ rows: 10, bytes: null, totalRows: 40, totalBytes: null }))).toContain(
      '📦 Moved 10 rows of 40 rows (source',
    );
  });
  it('says as of when while the figure lags the tables done', () => {
    expect(textOf(card({ ...mid, asOf: Date.UTC(2025, 5, 3, 10, 42) }))).toContain(
      '(tables done as of <!date^1748947320^{time}|2025-06-03 10:42 UTC>; source sizes from the last scan)',
    );
  });
  it('says how many tables had no size', () => {
    expect(textOf(card({ ...mid, unsized: 2 }))).toContain(
      '(source sizes from the last scan; 2 tables without a size left out)',
    );
  });
  it('draws no size line when MMS reported none, nor while the job is starting', () => {
    for (const moved of [null, undefined, { rows: null, bytes: null, totalRows: null, totalBytes: null }])
      expect(textOf(card(moved))).not.toContain('📦');
    expect(textOf(card(mid, { starting: true }))).not.toContain('📦');
  });
});

describe('summary sizes', () => {
  const view = {
    job: { id: 10, name: 'sales_orders_2025', status: 'DONE', taskNum: 2, taskDone: 2 },
    counts: { DONE: 2 },
    durationMs: 600_000,
    failures: summarizeDiagnoses([]),
    undiagnosed: 0,
    verification: true,
  };
  const ectx = {
    source: { id: 2000015, name: 'hive-prod' },
    region: 'cn-hangzhou',
    defaultRegion: 'cn-hangzhou',
  };
  it('the completion message says what moved', () => {
    const m = summaryMessage({ ...view, moved: all }, ectx);
    assertWithinLimits(m);
    expect(textOf(m)).toContain('📦 Moved 4.5 GB, 12M rows (source sizes from the last scan)');
    expect(textOf(summaryMessage({ ...view, moved: null }, ectx))).not.toContain('📦');
  });
});

describe('one-line readers', () => {
  const glance = (moved: WatchGlance['moved']): WatchGlance => ({
    status: 'DOING',
    stopped: false,
    done: 1,
    total: 2,
    failed: 0,
    percent: null,
    ended: null,
    moved,
  });
  const watch = (moved: WatchGlance['moved']): Watch => ({
    id: 1,
    kind: 'job',
    region: 'cn-hangzhou',
    sourceId: 2000015,
    sourceName: 'hive-prod',
    objectId: 10,
    channel: 'C0DATA0001',
    label: 'sales_orders_2025',
    cardTs: null,
    state: {},
    glance: glance(moved),
    active: true,
    createdBy: null,
    createdAt: 0,
    updatedAt: 0,
  });
  it('/mms status and /mms watching add the bytes moved to the progress line', () => {
    const t = textOf(watchListMessage('Watched', [watch(mid)], ctx));
    expect(t).toContain('1/2 tasks done, 1.2 GB of 4.5 GB moved');
    expect(textOf(watchListMessage('Watched', [watch(null)], ctx))).not.toContain('moved');
    expect(
      textOf(watchListMessage('Watched', [watch({ ...mid, bytes: null, totalBytes: null })], ctx)),
    ).toContain('3.4M of 12M rows moved');
  });
  it('App Home adds them to the job line', () => {
    const item = {
      kind: 'job' as const,
      label: 'sales_orders_2025',
      objectId: 10,
      sourceName: 'hive-prod',
      region: 'cn-hangzhou',
      status: 'DOING',
      done: 1,
      total: 2,
      lastEvent: null,
      unreachable: null,
      link: null,
    };
    const home = (moved: MovedSizes | null) =>
      JSON.stringify(
        homeView({ active: [{ ...item, moved }], failures: [], updated: Date.UTC(2026, 10, 29, 10, 42) }),
      );
    expect(home(mid)).toContain('1/2 · 1.2 GB of 4.5 GB moved');
    expect(home(null)).not.toContain('moved');
  });
});
