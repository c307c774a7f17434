// The migrate form, end to end: bare `/mms migrate <source>` opens a modal at once (views.open) and fills it
// (views.update); choosing a database loads its tables; a bad submission answers `response_action: errors`;
// a good one posts the confirmation card in the channel the form was opened from, and only there: where
// that is comes from what the bot recorded when it opened the form, never from private_metadata.
import { describe, expect, it } from 'vitest';
import { FormStore } from '../../src/store/forms.js';
import { stateValue } from '../helpers/slack-requests.js';
import { assertWithinLimits } from '../ui/limits.js';
import {
  confirm,
  confirmId,
  HIVE,
  HIVE_ID,
  mmsWrites,
  OPERATOR,
  OPERATOR2,
  runButtons,
  sharedBot,
  textOf,
} from './support.js';

const FORM_CHANNEL = 'C0FORM0001';

type View = Record<string, unknown> & { id: string; hash: string; private_metadata: string; blocks: Block[] };
type Block = Record<string, unknown> & { block_id?: string; type: string };

const h = sharedBot();

/** Opens the form with a typed command; returns the view as it stands after the bot filled it. */
async function openForm(text: string, channel = FORM_CHANNEL): Promise<View> {
  const opens = h.api.callsTo('views.open').length;
  const updates = h.api.callsTo('views.update').length;
  const r = await h.slack.command(text, { user: OPERATOR, channel });
  expect(r.status).toBe(200);
  // The ack carries no message: the modal is the answer.
  expect(r.body === '' || r.body === undefined || (typeof r.body === 'object' && !r.body.blocks)).toBe(true);
  expect(h.api.callsTo('views.open')).toHaveLength(opens + 1);
  const open = h.api.callsTo('views.open').at(-1)!;
  expect(open.ok, JSON.stringify(open)).toBe(true);
  expect(open.args['trigger_id']).toBe(r.triggerId);
  expect(h.api.callsTo('views.update')).toHaveLength(updates + 1);
  const update = h.api.callsTo('views.update').at(-1)!;
  expect(update.ok, JSON.stringify(update)).toBe(true);
  return h.api.view(String(update.args['view_id'])) as View;
}

function block(view: View, id: string): Block | undefined {
  return view.blocks.find((b) => b.block_id === id);
}

function optionValues(b: Block | undefined): string[] {
  const el = b?.element as { options?: Array<{ value: string }> } | undefined;
  return (el?.options ?? []).map((o) => o.value);
}

const base = (db = 'sales', scope = 'all') => ({
  db: { mms_migrate_db: stateValue.select(db) },
  scope: { scope: stateValue.radio(scope) },
  tables: { tables: stateValue.multiSelect([]) },
  partitions: { partitions: stateValue.text(null) },
  options: { options: stateValue.checkboxes(['schema', 'data', 'verify']) },
  name: { name: stateValue.text(null) },
});

function submit(view: View, values: Record<string, Record<string, unknown>>, user = OPERATOR) {
  return h.slack.submitView('mms_migrate', values, {
    user,
    viewId: view.id,
    hash: view.hash,
    privateMetadata: view.private_metadata,
    view: { blocks: view.blocks },
  });
}

describe('the migrate form', () => {
  let form: View;

  it('bare `migrate <source>` opens the form with the source’s databases', async () => {
    form = await openForm(`migrate ${HIVE}`);
    expect(h.api.callsTo('views.open').at(-1)!.args['view']).toMatchObject({ type: 'modal' });
    expect(form.callback_id).toBe('mms_migrate');
    // private_metadata carries the form's id and the chosen source; where it was opened is on record.
    const meta = JSON.parse(form.private_metadata);
    expect(meta).toEqual({ form: expect.any(String), source: { id: HIVE_ID, name: HIVE, type: 'HIVE' } });
    expect(new FormStore(h.bot.db).get(meta.form)).toMatchObject({
      kind: 'migrate',
      user: OPERATOR,
      channel: FORM_CHANNEL,
      region: 'cn-hangzhou',
    });
    const scope = block(form, 'scope')!.element as { type: string; options: Array<{ value: string }> };
    expect(scope.type).toBe('radio_buttons');
    expect(scope.options.map((o) => o.value)).toEqual(['all', 'only', 'except']);
    expect(optionValues(block(form, 'db'))).toEqual(['sales', 'marketing', 'finance', 'hr', 'logistics']);
    expect(textOf(form)).toContain('Stop writes to the source tables');
    assertWithinLimits({ blocks: form.blocks }, { maxBlocks: 100 });
    expect(mmsWrites(h)).toEqual([]);
  });

  it('choosing a database loads its tables into the form', async () => {
    const updates = h.api.callsTo('views.update').length;
    const r = await h.slack.select('mms_migrate_db', 'sales', { view: form, blockId: 'db', user: OPERATOR });
    expect(r.status).toBe(200);
    expect(h.api.callsTo('views.update')).toHaveLength(updates + 1);
    const call = h.api.callsTo('views.update').at(-1)!;
    expect(call.ok, JSON.stringify(call)).toBe(true);
    expect(call.args['hash']).toBe(form.hash);
    form = h.api.view(form.id) as View;
    const tables = optionValues(block(form, 'tables'));
    expect(tables).toHaveLength(25);
    expect(tables).toEqual(expect.arrayContaining(['orders', 'order_items', 'customers']));
    const db = block(form, 'db')!.element as { initial_option?: { value: string } };
    expect(db.initial_option?.value).toBe('sales');
  });

  it('when MMS cannot list the tables, the form says so and takes typed tables', async () => {
    h.sim.injectErrors({
      count: 2,
      status: 500,
      code: 'InternalError',
      message: 'backend down',
      actions: ['ListMmsTables'],
    });
    await h.slack.select('mms_migrate_db', 'marketing', { view: form, blockId: 'db', user: OPERATOR });
    const view = h.api.view(form.id) as View;
    expect(textOf(view)).toContain('Could not load the tables of marketing');
    expect((block(view, 'tables')!.element as { type: string }).type).toBe('plain_text_input');
    form = view;
    await h.slack.select('mms_migrate_db', 'sales', { view: form, blockId: 'db', user: OPERATOR });
    form = h.api.view(form.id) as View;
  });

  it('conflicting options come back as field errors in the form’s words, and nothing is posted', async () => {
    const posts = h.api.callsTo('chat.postMessage').length;
    const conflicting = {
      ...base('sales', 'only'),
      name: { name: stateValue.text('9lives') },
    };
    const r = await submit(form, conflicting);
    expect(r.status).toBe(200);
    expect(r.body.response_action).toBe('errors');
    expect(Object.keys(r.body.errors).sort()).toEqual(['name', 'tables']);
    expect(r.body.errors.tables).toMatch(/Pick the tables/);
    expect(r.body.errors.name).toMatch(/Start with a letter/);
    // Every error names a block the form has, or Slack would reject the answer.
    for (const id of Object.keys(r.body.errors)) expect(block(form, id), id).toBeDefined();

    const wholeWithTables = await submit(form, {
      ...base(),
      tables: { tables: stateValue.multiSelect(['orders']) },
    });
    expect(wholeWithTables.body.errors).toEqual({ tables: expect.stringMatching(/takes no tables/) });

    const partitionsOnly = await submit(form, {
      ...base(),
      partitions: { partitions: stateValue.text("ds >= '20250101'") },
    });
    expect(partitionsOnly.body).toMatchObject({
      response_action: 'errors',
      errors: { partitions: expect.stringMatching(/pick “Only these tables”/) },
    });
    // The form has no flags: none of its errors names one.
    for (const body of [r.body, wholeWithTables.body, partitionsOnly.body])
      expect(JSON.stringify(body.errors)).not.toMatch(/--/);

    const noData = await submit(form, { ...base(), options: { options: stateValue.checkboxes(['verify']) } });
    expect(noData.body.response_action).toBe('errors');
    expect(Object.keys(noData.body.errors)).toEqual(['options']);

    const noDb = await submit(form, { ...base(), db: { mms_migrate_db: stateValue.select(null) } });
    expect(noDb.body).toMatchObject({ response_action: 'errors', errors: { db: 'Choose a database.' } });

    expect(h.api.callsTo('chat.postMessage')).toHaveLength(posts);
    expect(mmsWrites(h)).toEqual([]);
  });

  it('a valid submission closes the form and posts the card in the form’s channel', async () => {
    const r = await submit(form, {
      ...base('sales', 'only'),
      tables: { tables: stateValue.multiSelect(['orders', 'order_items']) },
      partitions: { partitions: stateValue.text("ds >= '20250101'") },
      name: { name: stateValue.text('sales_from_form') },
    });
    expect(r.status).toBe(200);
    expect(r.body).toBe('');
    const card = h.api.messages(FORM_CHANNEL).at(-1)!;
    const t = textOf(card);
    for (const s of [
      'Create migration job',
      '*Job name:* `sales_from_form`',
      '*Source:* hive-prod (#2000015) · HIVE',
      '*Database:* `sales`',
      '`orders`, `order_items`',
      "ds &gt;= '20250101'",
      // The form's submission goes through the same plan as the typed command.
      '*Partitions matching the filter:* 14 of 24 (orders 7 of 12, order_items 7 of 12); ',
      '*Verification (row counts):* `on`',
    ]) {
      expect(t).toContain(s);
    }
    expect(mmsWrites(h)).toEqual([]);
    const after = await confirm(h, card, confirmId(card), OPERATOR2);
    expect(mmsWrites(h)).toEqual(['CreateMmsJob']);
    expect(textOf(after)).toContain('Job sales_from_form is being created');
  });

  it('schema only, from the checkboxes', async () => {
    // A submitted form is closed: this is a new one.
    form = await openForm(`migrate ${HIVE}`);
    await submit(form, {
      ...base('hr'),
      options: { options: stateValue.checkboxes(['schema']) },
      name: { name: stateValue.text('hr_schema') },
    });
    const t = textOf(h.api.messages(FORM_CHANNEL).at(-1)!);
    expect(t).toContain('*Job name:* `hr_schema`');
    expect(t).toContain('*Data migration:* `off`');
    expect(t).toContain('*Verification (row counts):* `off`');
  });

  it('a form whose metadata was tampered with is refused', async () => {
    const r = await h.slack.submitView('mms_migrate', base(), { user: OPERATOR, privateMetadata: '{"x":1' });
    expect(r.body).toMatchObject({
      response_action: 'errors',
      errors: { db: expect.stringMatching(/out of date/) },
    });
  });
});

describe('where a submission answers', () => {
  const OTHER = 'C0OTHER0001';
  const DM = 'D0DIRECT001';
  const valid = () => ({ ...base('finance'), name: { name: stateValue.text('fin_where') } });
  const sends = () =>
    [...h.api.callsTo('chat.postMessage'), ...h.api.callsTo('chat.postEphemeral')].map((c) => ({
      channel: c.args['channel'],
      user: c.args['user'],
    }));

  it('only in the channel the bot recorded when it opened the form, whatever private_metadata claims', async () => {
    const view = await openForm(`migrate ${HIVE}`);
    const meta = JSON.parse(view.private_metadata);
    const before = sends().length;

    // Metadata in the old shape, naming another channel: not a form the bot opened.
    const forged = await h.slack.submitView('mms_migrate', valid(), {
      user: OPERATOR,
      privateMetadata: JSON.stringify({
        sourceId: HIVE_ID,
        sourceName: HIVE,
        region: 'cn-hangzhou',
        channel: OTHER,
      }),
      view: { blocks: view.blocks },
    });
    expect(forged.body).toMatchObject({
      response_action: 'errors',
      errors: { db: expect.stringMatching(/out of date/) },
    });

    // The form's id, submitted by someone else: not theirs.
    const stranger = await h.slack.submitView('mms_migrate', valid(), {
      user: OPERATOR2,
      privateMetadata: view.private_metadata,
      view: { blocks: view.blocks },
    });
    expect(stranger.body).toMatchObject({ response_action: 'errors' });
    expect(sends()).toHaveLength(before);

    // The form's id with claims of another channel, a DM, another user and region: ignored.
    const claims = {
      ...meta,
      channel: OTHER,
      channel_id: DM,
      user: OPERATOR2,
      region: 'cn-shanghai',
      response_url: 'https://hooks.slack.com/x',
    };
    const r = await h.slack.submitView('mms_migrate', valid(), {
      user: OPERATOR,
      privateMetadata: JSON.stringify(claims),
      view: { blocks: view.blocks },
    });
    expect(r.body).toBe('');
    const sent = sends().slice(before);
    expect(sent).toEqual([{ channel: FORM_CHANNEL, user: undefined }]);
    expect(h.api.messages(OTHER)).toEqual([]);
    expect(h.api.messages(DM)).toEqual([]);
    const card = textOf(h.api.messages(FORM_CHANNEL).at(-1)!);
    expect(card).toContain('*Job name:* `fin_where`');
    expect(card).toContain('*Region:* `cn-hangzhou`');

    // Submitted once: the same form again is refused.
    const again = await submit(view, valid());
    expect(again.body).toMatchObject({ response_action: 'errors' });
  });
});

describe('opening the form', () => {
  it('`/mms migrate` alone opens it with a source menu; choosing a source loads its databases', async () => {
    const view = await openForm('migrate');
    const source = block(view, 'source')!.element as { type: string; options: Array<{ value: string }> };
    expect(source.type).toBe('static_select');
    expect(source.options.map((o) => o.value)).toContain(String(HIVE_ID));
    expect(block(view, 'db')).toBeUndefined();
    const early = await submit(view, {});
    expect(early.body).toMatchObject({
      response_action: 'errors',
      errors: { source: 'Choose a data source.' },
    });
    await h.slack.select('mms_migrate_source', String(HIVE_ID), { view, blockId: 'source', user: OPERATOR });
    const filled = h.api.view(view.id) as View;
    expect(optionValues(block(filled, 'db'))).toContain('finance');
    expect(JSON.parse(filled.private_metadata).source).toMatchObject({ id: HIVE_ID, name: HIVE });
    expect(filled.submit).toBeDefined();
  });

  it('the Migrate… button of a source opens it too', async () => {
    const source = await h.slack.command(`source ${HIVE}`, { user: OPERATOR });
    const value = runButtons(source.body).find((b) => b.text === 'Migrate…')!.value;
    const opens = h.api.callsTo('views.open').length;
    await h.slack.click('mms_run', value, { user: OPERATOR });
    expect(h.api.callsTo('views.open')).toHaveLength(opens + 1);
    const view = h.api.view(String(h.api.callsTo('views.update').at(-1)!.args['view_id']))!;
    expect(optionValues(block(view as View, 'db'))).toContain('finance');
  });

  it('--region carries through the form to the card', async () => {
    const view = await openForm(`migrate ${HIVE} --region cn-shanghai`);
    expect(textOf(view)).toContain('region cn-shanghai');
    await submit(view, { ...base('finance'), name: { name: stateValue.text('fin_sh') } });
    const t = textOf(h.api.messages(FORM_CHANNEL).at(-1)!);
    expect(t).toContain('*Job name:* `fin_sh`');
    expect(t).toContain('*Region:* `cn-shanghai`');
  });

  it('an unscanned source says to scan it', async () => {
    const view = await openForm('migrate mc-legacy');
    expect(textOf(view)).toContain('has no scanned databases yet');
    expect(textOf(view)).toContain('/mms scan mc-legacy');
    expect(view.submit).toBeUndefined();
  });

  it('an unknown source says so in the form', async () => {
    const view = await openForm('migrate hive-prd');
    expect(textOf(view)).toMatch(/hive-prd/);
    expect(textOf(view)).toMatch(/hive-prod/);
  });

  it('an MMS error while filling the form is shown in it', async () => {
    h.sim.injectErrors({ count: 1, status: 403, code: 'Forbidden.RAM', actions: ['ListMmsDbs'] });
    const view = await openForm(`migrate ${HIVE}`);
    expect(textOf(view)).toMatch(/not authorized|Forbidden/);
  });
});
