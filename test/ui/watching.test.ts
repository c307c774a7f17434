// `/mms status`: what is watched now and, as on the Home tab, the jobs that failed lately.
import { describe, expect, it } from 'vitest';
import type { Watch } from '../../src/store/watches.js';
import { recentFailures, watchListMessage } from '../../src/ui/watching.js';
import { ctx } from './fixtures.js';
import { assertWithinLimits, textOf } from './limits.js';

const watch = (id: number, state: unknown, active = true): Watch => ({
  id,
  kind: 'job',
  region: 'cn-hangzhou',
  sourceId: 2000015,
  sourceName: 'hive-prod',
  objectId: 100 + id,
  channel: 'C0DATA0001',
  label: `job_${id}`,
  cardTs: null,
  state,
  active,
  createdBy: null,
  createdAt: 0,
  updatedAt: 0,
});

describe('status', () => {
  it('lists the active watches by name with their status, and the recent failures', () => {
    const running = watch(1, { job: { name: 'sales_q1', status: 'DOING' } });
    const failed = watch(
      2,
      { job: { name: 'finance_nightly', status: 'FAILED' }, summary: '2 tables failed' },
      false,
    );
    const done = watch(3, { job: { name: 'hr_full', status: 'DONE' } }, false);
    expect(recentFailures([failed, done, running])).toEqual([failed]);
    const m = watchListMessage('Active in this workspace', [running], ctx, recentFailures([failed, done]));
    assertWithinLimits(m);
    const t = textOf(m);
    expect(t).toContain('*sales_q1* · job · hive-prod');
    expect(t).toContain('DOING');
    expect(t).toContain('Recent failures');
    expect(t).toContain('*finance_nightly* · hive-prod');
    expect(t).toContain('2 tables failed');
    expect(t).not.toContain('hr_full');
  });

  it('nothing watched and nothing failed says so, without contradicting the Home tab', () => {
    const t = textOf(watchListMessage('Active in this workspace', [], ctx, []));
    expect(t).toContain('Nothing is watched now');
    expect(t).toContain('No recent failures');
  });
});
