// `/mms status`: what is watched now and, as on the Home tab, the jobs that failed lately.
import { describe, expect, it } from 'vitest';
import type { Watch, WatchGlance } from '../../src/store/watches.js';
import { recentFailures, watchListMessage } from '../../src/ui/watching.js';
import { ctx } from './fixtures.js';
import { assertWithinLimits, textOf } from './limits.js';

const glance = (g: Partial<WatchGlance>): WatchGlance => ({
  status: null,
  stopped: false,
  done: null,
  total: null,
  failed: 0,
  percent: null,
  ended: null,
  moved: null,
  ...g,
});

const watch = (id: number, label: string, g: Partial<WatchGlance>, active = true): Watch => ({
  id,
  kind: 'job',
  region: 'cn-hangzhou',
  sourceId: 2000015,
  sourceName: 'hive-prod',
  objectId: 100 + id,
  channel: 'C0DATA0001',
  label,
  cardTs: null,
  state: { glance: g },
  glance: glance(g),
  active,
  createdBy: null,
  createdAt: 0,
  updatedAt: 0,
});

describe('status', () => {
  it('lists the active watches by name with their status, and the recent failures', () => {
    const running = watch(1, 'sales_q1', { status: 'DOING', done: 1, total: 5 });
    const failed = watch(
      2,
      'finance_nightly',
      { status: 'FAILED', done: 3, total: 5, failed: 2, ended: 'finished' },
      false,
    );
    const done = watch(3, 'hr_full', { status: 'DONE', done: 5, total: 5, ended: 'finished' }, false);
    expect(recentFailures([failed, done, running])).toEqual([failed]);
    const m = watchListMessage('Active in this workspace', [running], ctx, recentFailures([failed, done]));
    assertWithinLimits(m);
    const t = textOf(m);
    expect(t).toContain('*sales_q1* · job · hive-prod');
    expect(t).toContain('DOING');
    expect(t).toContain('Recent failures');
    expect(t).toContain('*finance_nightly* · hive-prod');
    expect(t).toContain('3/5 tasks done, 2 failed');
    expect(t).not.toContain('hr_full');
  });

  it('nothing watched and nothing failed says so, without contradicting the Home tab', () => {
    const t = textOf(watchListMessage('Active in this workspace', [], ctx, []));
    expect(t).toContain('Nothing is watched now');
    expect(t).toContain('No recent failures');
  });
});
