import { describe, expect, it } from 'vitest';
import { auditMessage } from '../../src/ui/audit.js';
import { ctx } from './fixtures.js';
import { expectNoInjection, INJECT } from './inject.js';
import { assertWithinLimits, textOf } from './limits.js';

describe('auditMessage', () => {
  it('one line per entry: time, user, action, operation, params, outcome', () => {
    const m = auditMessage(
      [
        {
          at: new Date('2025-06-03T02:12:45Z'),
          user: 'U0123ABC',
          action: 'confirmed',
          operation: 'migrate',
          params: 'source=2000015 db=sales',
          outcome: 'job #10 created',
        },
      ],
      ctx,
    );
    assertWithinLimits(m);
    const t = textOf(m);
    expect(t).toContain('<!date^1748916765^');
    expect(t).toContain('<@U0123ABC>');
    expect(t).toContain('*confirmed*');
    expect(t).toContain('`migrate`');
    expect(t).toContain('source=2000015 db=sales');
    expect(t).toContain('→ job #10 created');
  });
  it('stored parameters read in words, names first and ids after; never raw JSON', () => {
    const m = auditMessage(
      [
        {
          at: new Date('2025-06-03T02:12:45Z'),
          user: 'U0123ABC',
          action: 'requested',
          operation: 'migrate',
          params: JSON.stringify({
            sourceId: 2000015,
            sourceName: 'hive-prod',
            spec: { name: 'sales_q1', srcDbName: 'sales', tables: ['orders', 'order_items'] },
          }),
          outcome: '',
        },
        {
          at: new Date('2025-06-03T02:12:45Z'),
          user: 'U0123ABC',
          action: 'done',
          operation: 'retry',
          params: JSON.stringify({
            sourceId: 2000015,
            sourceName: 'hive-prod',
            jobId: 2,
            jobName: 'finance_nightly',
          }),
          outcome: 'Retry started',
        },
      ],
      ctx,
    );
    const t = textOf(m);
    expect(t).toContain(
      'source hive-prod · job sales_q1 · database sales · tables orders, order_items (source #2000015)',
    );
    expect(t).toContain('source hive-prod · job finance_nightly (source #2000015, job #2)');
    expect(t).not.toContain('{"');
    expect(t).not.toContain('sourceId');
  });

  it('many entries fit; user text is escaped', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({
      at: new Date(ctx.now.getTime() - i * 60_000),
      user: i % 2 ? 'U0123ABC' : INJECT,
      action: 'requested',
      operation: 'delete',
      params: `${INJECT} ${'p'.repeat(500)}`,
      outcome: INJECT,
    }));
    const m = auditMessage(entries, ctx);
    assertWithinLimits(m);
    expectNoInjection(m);
    expect(textOf(m)).toMatch(/Showing \d+ of 1,000/);
  });
  it('empty', () => {
    expect(textOf(auditMessage([], ctx))).toContain('No audit entries');
  });
});
