// `/mms watch · unwatch · watching · status · audit`, end to end.
import { describe, expect, it } from 'vitest';
import {
  ask,
  buttonValue,
  confirm,
  HIVE,
  HIVE_ID,
  mmsWrites,
  OPERATOR,
  OPERATOR2,
  press,
  requestCard,
  sharedBot,
  textOf,
  USAGE,
  VIEWER,
} from './support.js';

const OTHER = 'C0OTHER001';

const h = sharedBot();

describe('/mms watch · watching · status · unwatch', () => {
  it('watch a job in this channel; watching and status show it', async () => {
    const t = textOf(await ask(h, `watch ${HIVE} sales_orders_2025`));
    expect(t).toContain('Watching job sales_orders_2025 (#3) of hive-prod in this channel');
    expect(textOf(await ask(h, `watch ${HIVE} 3`))).toContain('is already watched in this channel');

    const watching = await ask(h, 'watching');
    expect(textOf(watching)).toContain('Watched in this channel: 1');
    expect(textOf(watching)).toMatch(/\*sales_orders_2025\* · job · hive-prod · cn-hangzhou/);
    expect(buttonValue(watching, 'Job sales_orders_2025')).toBe(`job ${HIVE_ID} 3`);
    const { reply } = await press(h, buttonValue(watching, 'Job sales_orders_2025'));
    expect(textOf(reply!)).toContain('Job sales_orders_2025 (#3)');

    expect(textOf(await ask(h, 'status'))).toContain('sales_orders_2025');
    expect(textOf(await ask(h, 'watching', { channel: OTHER }))).toContain('Watched in this channel: 0');
  });

  it('unwatch; unwatching again says it was not watched', async () => {
    expect(textOf(await ask(h, `unwatch ${HIVE} 3`))).toContain(
      'Stopped watching job sales_orders_2025 (#3)',
    );
    const again = textOf(await ask(h, `unwatch ${HIVE} 3`));
    expect(again).toMatch(USAGE);
    expect(again).toContain('is not watched in this channel');
    expect(textOf(await ask(h, 'watching'))).toContain('Watched in this channel: 0');
  });

  it('bad input', async () => {
    expect(textOf(await ask(h, `watch ${HIVE}`))).toContain('missing &lt;job&gt;');
    expect(textOf(await ask(h, `watch ${HIVE} 999`))).toContain('No job matches "999"');
    expect(textOf(await ask(h, 'watch hive-prd 3'))).toContain('Did you mean hive-prod?');
    expect(textOf(await ask(h, 'watching all'))).toMatch(/Too many arguments for `watching`/);
    expect(textOf(await ask(h, 'status --verbose'))).toMatch(/`status` has no option `--verbose`/);
    expect(textOf(await ask(h, `unwatch ${HIVE} 3 --region cn-shangai`))).toContain(
      'Did you mean `cn-shanghai`',
    );
  });

  it('watch is a read: it writes nothing to MMS', () => {
    expect(mmsWrites(h)).toEqual([]);
  });
});

describe('/mms audit', () => {
  it('operators see who asked, who confirmed, what ran', async () => {
    const { card, id } = await requestCard(h, `stop ${HIVE} 3`, { user: VIEWER });
    await confirm(h, card, id, OPERATOR2);
    const t = textOf(await ask(h, 'audit', { user: OPERATOR }));
    expect(t).toContain('requested');
    expect(t).toContain('confirmed');
    expect(t).toContain('ran');
    expect(t).toContain(VIEWER);
    expect(t).toContain(OPERATOR2);
    expect(t).toContain('stop');
    const one = textOf(await ask(h, 'audit 1', { user: OPERATOR }));
    expect(one).toContain('last 1');
  });

  it('non-operators are refused', async () => {
    const t = textOf(await ask(h, 'audit', { user: VIEWER }));
    expect(t).toMatch(USAGE);
    expect(t).toMatch(/operators only/);
  });

  it('bad n', async () => {
    for (const n of ['0', '500', 'ten']) {
      expect(textOf(await ask(h, `audit ${n}`)), n).toContain('[n] must be a number from 1 to 100');
    }
  });
});
