// Page values → view.state.values as Slack sends them.
import { describe, expect, it } from 'vitest';
import { stateValues } from '../../src/sandbox/view-state.js';
import { formArgs, migrateFormView } from '../../src/slack/views.js';

const meta = { sourceId: 2000015, sourceName: 'hive-prod', region: 'cn-hangzhou', channel: 'C0DATA0001' };
const dbs = [{ name: 'sales' }, { name: 'finance' }] as Parameters<typeof migrateFormView>[1];
const tables = [{ name: 'orders' }, { name: 'customers' }] as NonNullable<
  Parameters<typeof migrateFormView>[2]
>['tables'];

describe('stateValues', () => {
  it('shapes each element type like Slack, options with their labels, missing inputs empty', () => {
    const view = migrateFormView(meta, dbs, { db: 'sales', tables });
    const values = stateValues(view, {
      db: { mms_migrate_db: 'sales' },
      tables: { tables: ['orders', 'customers'] },
      options: { options: ['schema', 'verify'] },
      name: { name: 'q1' },
      ignored: { x: 'y' },
    });
    expect(values['db']).toEqual({
      mms_migrate_db: {
        type: 'static_select',
        selected_option: { text: { type: 'plain_text', text: 'sales', emoji: true }, value: 'sales' },
      },
    });
    expect(values['tables']?.['tables']).toMatchObject({
      type: 'multi_static_select',
      selected_options: [{ value: 'orders' }, { value: 'customers' }],
    });
    expect(values['options']?.['options']).toMatchObject({
      type: 'checkboxes',
      selected_options: [{ value: 'schema', text: { text: 'Migrate schema' } }, { value: 'verify' }],
    });
    expect(values['name']).toEqual({ name: { type: 'plain_text_input', value: 'q1' } });
    expect(values['include']).toEqual({ include: { type: 'plain_text_input', value: null } });
    expect(values['ignored']).toBeUndefined();
  });

  it('gives what the bot reads from a real submission', () => {
    const view = migrateFormView(meta, dbs, { db: 'sales', tables });
    const values = stateValues(view, {
      db: { mms_migrate_db: 'sales' },
      tables: { tables: ['orders'] },
      options: { options: ['schema', 'data'] },
    });
    expect(formArgs(meta, values as Parameters<typeof formArgs>[1])).toMatchObject({
      source: '2000015',
      db: 'sales',
      tables: 'orders',
      'no-verify': true,
      'schema-only': false,
      'data-only': false,
    });
  });
});
