import { describe, expect, it } from 'vitest';
import { ACTION_CANCEL, ACTION_CONFIRM } from '../../src/ui/actions.js';
import { confirmCard, type PendingView } from '../../src/ui/confirm.js';
import { ctx } from './fixtures.js';
import { expectNoInjection, INJECT } from './inject.js';
import { assertWithinLimits, buttons, textOf } from './limits.js';

const view: PendingView = {
  id: 'pc_01HZX',
  title: 'Create migration job',
  region: 'cn-hangzhou',
  params: [
    { label: 'Source', value: 'hive-prod (#2000015)' },
    { label: 'Database', value: 'sales' },
    { label: 'Tables', value: 'orders,order_items' },
    { label: 'Partition filter', value: "orders: ds >= '20250101'" },
    { label: 'Job name', value: 'sales_orders_2025' },
    { label: 'Verification', value: 'on' },
  ],
  warnings: [
    'Stop writes to the source tables first, or counts drift and verification fails.',
    'The job starts at once.',
  ],
  requestedBy: 'U0123ABC',
  expiresAt: new Date(ctx.now.getTime() + 600_000),
  secondApprover: false,
  state: 'pending',
};

describe('confirmCard', () => {
  it('pending: title, every parameter in order, warnings, requester, expiry, Confirm and Cancel', () => {
    const m = confirmCard(view, ctx);
    assertWithinLimits(m);
    expect(m.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Create migration job' } });
    const t = textOf(m);
    let last = -1;
    for (const p of view.params) {
      const at = t.indexOf(`*${p.label}:*`);
      expect(at).toBeGreaterThan(last);
      last = at;
    }
    expect(t).toContain('`sales`');
    expect(t).toContain('`orders`, `order_items`');
    expect(t).toContain('ds &gt;= ');
    expect(t).toContain('*Region:* `cn-hangzhou`');
    expect(t).toContain('⚠️ Stop writes to the source tables first');
    expect(t).toContain('⚠️ The job starts at once.');
    expect(t).toContain('Requested by <@U0123ABC>');
    // A Slack date, never a countdown that goes stale while the card sits in the channel.
    expect(t).toMatch(/expires <!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^>]+>/);
    expect(t).not.toMatch(/\(in \d+m/);
    expect(t).not.toContain('second operator');
    const b = buttons(m);
    expect(b).toEqual([
      { text: 'Confirm', actionId: ACTION_CONFIRM, value: 'pc_01HZX', style: 'primary' },
      { text: 'Cancel', actionId: ACTION_CANCEL, value: 'pc_01HZX' },
    ]);
  });
  it('second approver note', () => {
    expect(textOf(confirmCard({ ...view, secondApprover: true }, ctx))).toContain('Needs a second operator');
  });
  it('500 table names: under limits, summarised, and the count stated', () => {
    const names = Array.from({ length: 500 }, (_, i) => `fact_sales_table_number_${i}`);
    const m = confirmCard(
      { ...view, params: [...view.params, { label: 'Tables', value: names.join(',') }] },
      ctx,
    );
    assertWithinLimits(m);
    const t = textOf(m);
    expect(t).toContain('500 in total');
    expect(t).toContain('fact_sales_table_number_0');
    expect(t).not.toContain('fact_sales_table_number_499');
    expect(buttons(m).map((b) => b.actionId)).toEqual([ACTION_CONFIRM, ACTION_CANCEL]);
  });
  it('many long parameters still fit with the buttons', () => {
    const params = Array.from({ length: 40 }, (_, i) => ({
      label: `Param ${i}`,
      value: `${'v '.repeat(2000)}${i}`,
    }));
    const m = confirmCard({ ...view, params }, ctx);
    assertWithinLimits(m);
    expect(buttons(m)).toHaveLength(2);
  });
  it('escapes values, warnings, titles and non-id users', () => {
    const m = confirmCard(
      {
        ...view,
        title: INJECT,
        params: [{ label: INJECT, value: INJECT }],
        warnings: [INJECT],
        requestedBy: '<!channel>',
      },
      ctx,
    );
    assertWithinLimits(m);
    expectNoInjection(m);
    expect(textOf(m)).toContain('Requested by &lt;!channel&gt;');
  });

  const states: Array<[PendingView['state'], RegExp]> = [
    ['running', /Running.*confirmed by <@U0999>/],
    ['done', /Done.*confirmed by <@U0999>/],
    ['failed', /Failed.*confirmed by <@U0999>/],
    ['cancelled', /Cancelled.*by <@U0999>.*Nothing was run/],
    ['expired', /Expired.*nothing was run/],
    ['changed', /Not run: things changed since this card was shown/],
    ['rejected', /Not run: rejected/],
  ];
  for (const [state, re] of states) {
    it(`${state}: no buttons, says what happened`, () => {
      const m = confirmCard(
        { ...view, state, actedBy: 'U0999', outcome: 'job #10 created', changes: ['job 10 is now DONE'] },
        ctx,
      );
      assertWithinLimits(m);
      expect(buttons(m)).toEqual([]);
      expect(textOf(m)).toMatch(re);
      expect(textOf(m)).toContain('sales_orders_2025');
    });
  }
  it('outcome and changes are shown, escaped', () => {
    const done = confirmCard(
      { ...view, state: 'done', actedBy: 'U0999', outcome: `created job #10 ${INJECT}` },
      ctx,
    );
    expect(textOf(done)).toContain('created job #10');
    expectNoInjection(done);
    const changed = confirmCard(
      { ...view, state: 'changed', changes: ['job 10 was stopped by someone', INJECT] },
      ctx,
    );
    expect(textOf(changed)).toContain('• job 10 was stopped by someone');
    expectNoInjection(changed);
  });
});
