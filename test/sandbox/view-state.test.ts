// Page values → view.state.values as Slack sends them.
import { describe, expect, it } from 'vitest';
import { stateValues } from '../../src/sandbox/view-state.js';
import { formArgs } from '../../src/slack/listeners/form.js';
import { migrateFormView } from '../../src/ui/migrate-form.js';

const model = {
  metadata: '{"form":"abcdefgh12345678"}',
  region: 'cn-hangzhou',
  source: { id: 2000015, name: 'hive-prod' },
  dbs: ['sales', 'finance'],
  db: 'sales',
  tables: ['orders', 'customers'],
};

describe('stateValues', () => {
  it('shapes each element type like Slack, options with their labels, missing inputs empty', () => {
    const view = migrateFormView(model);
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
    expect(values['partitions']).toEqual({ partitions: { type: 'plain_text_input', value: null } });
    expect(values['scope']?.['scope']).toMatchObject({ type: 'radio_buttons', selected_option: null });
    expect(values['ignored']).toBeUndefined();
  });

  it('gives what the bot reads from a real submission', () => {
    const view = migrateFormView(model);
    const values = stateValues(view, {
      db: { mms_migrate_db: 'sales' },
      scope: { scope: 'only' },
      tables: { tables: ['orders'] },
      options: { options: ['schema', 'data'] },
    });
    expect(formArgs(2000015, values as Parameters<typeof formArgs>[1])).toMatchObject({
      source: '2000015',
      db: 'sales',
      tables: 'orders',
      'no-verify': true,
      'schema-only': false,
      'data-only': false,
    });
  });
});
