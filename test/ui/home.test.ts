import { describe, expect, it } from 'vitest';
import { type HomeItem, homeView } from '../../src/ui/home.js';
import { expectNoInjection, INJECT } from './inject.js';
import { assertWithinLimits, textOf } from './limits.js';

const since = Date.UTC(2025, 5, 3, 10, 42);
const item: HomeItem = {
  kind: 'job',
  label: 'orders_mig',
  objectId: 10,
  sourceName: 'hive-prod',
  region: 'cn-hangzhou',
  status: 'DOING',
  done: 1,
  total: 4,
  lastEvent: 'started',
  unreachable: { since, kind: 'throttled' },
  link: 'https://example.slack.com/archives/C1/p1',
};

describe('homeView', () => {
  it('shows "unreachable since" and "updated" as Slack dates', () => {
    const v = homeView({ active: [item], failures: [], updated: since + 60_000 });
    const text = textOf(v);
    expect(text).toContain(
      `⚠️ MMS unreachable since <!date^${since / 1000}^{date_short_pretty} {time}|2025-06-03 10:42 UTC> (throttled); retrying`,
    );
    expect(text).toContain(`Updated <!date^${since / 1000 + 60}^{time}|2025-06-03 10:43 UTC>`);
    assertWithinLimits(v);
  });
  it('keeps the kind of trouble and every other field escaped', () => {
    const v = homeView({
      active: [
        {
          ...item,
          label: INJECT,
          sourceName: INJECT,
          region: INJECT,
          status: INJECT,
          lastEvent: INJECT,
          unreachable: { since, kind: INJECT },
        },
      ],
      failures: [],
      updated: since,
    });
    expectNoInjection(v);
    expect(textOf(v)).toContain('&lt;!channel&gt;');
  });
});
