// The migrate form: bare `/mms migrate <source>` (or the Migrate button) opens it; choosing a database
// loads its tables; submitting leads to the same confirmation card as the typed command.
import type { App, BlockAction, StaticSelectAction, ViewSubmitAction } from '@slack/bolt';
import type { KnownBlock, Option, PlainTextOption, View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { parseJson } from '../json.js';
import type { Logger } from '../log.js';
import { must, resolveSource } from '../mms/resolve.js';
import type { Db, Table } from '../mms/schemas.js';
import { migrate } from '../operations/migrate.js';
import { type OpContext, UsageError } from '../operations/types.js';
import { esc, truncate } from '../ui/escape.js';
import { forModal } from '../ui/message.js';
import type { Dispatcher } from './dispatch.js';

export const MIGRATE_CALLBACK = 'mms_migrate';
const DB_ACTION = 'mms_migrate_db';
const MAX_OPTIONS = 100;

const Meta = z.object({
  sourceId: z.number(),
  sourceName: z.string(),
  region: z.string(),
  channel: z.string(),
});
type Meta = z.infer<typeof Meta>;

const plain = (text: string) => ({ type: 'plain_text' as const, text: truncate(text, 75), emoji: true });
const option = (name: string): PlainTextOption => ({ text: plain(name), value: truncate(name, 75) });

function baseView(meta: Meta | null, blocks: KnownBlock[], submit: boolean): View {
  return {
    type: 'modal',
    callback_id: MIGRATE_CALLBACK,
    title: plain('Migrate'),
    close: plain('Cancel'),
    ...(submit ? { submit: plain('Review') } : {}),
    private_metadata: meta ? JSON.stringify(meta) : '',
    blocks: forModal(blocks),
  };
}

const textInput = (id: string, label: string, placeholder: string, multiline = false): KnownBlock => ({
  type: 'input',
  block_id: id,
  optional: true,
  label: plain(label),
  element: {
    type: 'plain_text_input',
    action_id: id,
    multiline,
    max_length: 3000,
    placeholder: plain(placeholder),
  },
});

/** The form; `tables` is the chosen database's table list when it is short enough for a menu. */
export function migrateFormView(
  meta: Meta,
  dbs: Db[],
  chosen?: { db: string; tables: Table[] | null },
  notice?: string,
): View {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `Source *${meta.sourceName.replace(/[<>&]/g, '')}* (#${meta.sourceId}) · ${meta.region}`,
      },
    },
  ];
  if (dbs.length > 0 && dbs.length <= MAX_OPTIONS) {
    const initial = chosen ? dbs.find((d) => d.name === chosen.db) : undefined;
    blocks.push({
      type: 'input',
      block_id: 'db',
      dispatch_action: true,
      label: plain('Database'),
      element: {
        type: 'static_select',
        action_id: DB_ACTION,
        placeholder: plain('Choose a database'),
        options: dbs.map((d) => option(d.name)),
        ...(initial ? { initial_option: option(initial.name) } : {}),
      },
    });
  } else {
    blocks.push({
      type: 'input',
      block_id: 'db',
      label: plain('Database'),
      element: { type: 'plain_text_input', action_id: 'db', placeholder: plain('Source database name') },
    });
  }
  if (notice) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `:warning: ${esc(truncate(notice, 500))}` }],
    });
  }
  const tables = chosen?.tables;
  if (tables && tables.length > 0 && tables.length <= MAX_OPTIONS) {
    blocks.push({
      type: 'input',
      block_id: 'tables',
      optional: true,
      label: plain('Tables (empty: the whole database)'),
      element: {
        type: 'multi_static_select',
        action_id: 'tables',
        placeholder: plain('All tables'),
        options: tables.map((t) => option(t.name)),
      },
    });
  } else {
    blocks.push(textInput('tables', 'Tables (empty: the whole database)', 'orders, order_items'));
  }
  blocks.push(
    textInput('include', 'Whole database, only these tables (whitelist)', 'a, b'),
    textInput('exclude', 'Whole database, except these tables (blacklist)', 'tmp_load, tmp_stage'),
    textInput('partitions', 'Partition filter (with Tables)', "ds >= '20250101'"),
    {
      type: 'input',
      block_id: 'options',
      optional: true,
      label: plain('Options'),
      element: {
        type: 'checkboxes',
        action_id: 'options',
        options: OPTIONS,
        initial_options: OPTIONS.slice(0, 3),
      },
    },
    textInput('name', 'Job name (empty: <db>_<date>_<time>)', 'sales_full_2025'),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: '⚠️ Stop writes to the source tables first. *Review* shows a confirmation card; the job starts only when an operator confirms.',
        },
      ],
    },
  );
  return baseView(meta, blocks, true);
}

const OPTIONS: PlainTextOption[] = [
  { text: plain('Migrate schema'), value: 'schema' },
  { text: plain('Migrate data'), value: 'data' },
  { text: plain('Verify row counts'), value: 'verify' },
  { text: plain('Incremental'), value: 'increment' },
];

function messageView(text: string): View {
  return baseView(null, [{ type: 'section', text: { type: 'mrkdwn', text } }], false);
}

/** Opens the form at once (trigger ids live 3 s), then fills it when MMS answers. */
export async function openMigrateForm(
  client: WebClient,
  ctx: OpContext,
  sourceInput: string,
  triggerId: string,
) {
  let opened: Awaited<ReturnType<WebClient['views']['open']>>;
  try {
    opened = await client.views.open({
      trigger_id: triggerId,
      view: messageView(':hourglass_flowing_sand: Loading databases…'),
    });
  } catch (e) {
    // An expired trigger (3 s) or a refused view: say so, and offer the typed command instead.
    const why = (e as { data?: { error?: unknown } }).data?.error;
    throw new UsageError(
      `Slack did not open the migrate form${typeof why === 'string' ? ` (${why})` : ''}.`,
      `Run it again, or type the options: \`migrate ${sourceInput} <db> [--tables a,b] [--name <n>]\`.`,
    );
  }
  const viewId = opened.view?.id;
  if (!viewId) return;
  try {
    const s = must('source', await resolveSource(ctx.mms, sourceInput)).item;
    const dbs = await ctx.mms.listDbs(s.id, { pageNum: 1, pageSize: MAX_OPTIONS + 1 });
    const meta = { sourceId: s.id, sourceName: s.name, region: ctx.region, channel: ctx.channel };
    const view =
      dbs.items.length === 0
        ? messageView(`Source *${s.name}* has no scanned databases yet. Run \`/mms scan ${s.id}\` first.`)
        : migrateFormView(meta, dbs.items);
    await client.views.update({ view_id: viewId, view });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    await client.views.update({
      view_id: viewId,
      view: messageView(`:warning: ${msg.replace(/[<>&]/g, '')}`),
    });
  }
}

export interface MigrateFormDeps {
  dispatcher: Dispatcher;
  logger: Logger;
}

type Values = Record<
  string,
  Record<string, { value?: string | null; selected_option?: Option | null; selected_options?: Option[] }>
>;

/** Form values → the same raw arguments the typed command gives. */
export function formArgs(meta: Meta, values: Values): Record<string, string | boolean | undefined> {
  const text = (id: string) => {
    const v = values[id]?.[id];
    return v?.value?.trim() || undefined;
  };
  const db = values['db']?.[DB_ACTION]?.selected_option?.value ?? text('db');
  const tableSel = values['tables']?.['tables']?.selected_options;
  const opts = new Set((values['options']?.['options']?.selected_options ?? []).map((o) => o.value));
  const schema = opts.has('schema');
  const data = opts.has('data');
  return {
    source: String(meta.sourceId),
    db,
    tables: tableSel?.length ? tableSel.map((o) => o.value).join(',') : text('tables')?.replace(/\s+/g, ''),
    include: text('include')?.replace(/\s+/g, ''),
    exclude: text('exclude')?.replace(/\s+/g, ''),
    partitions: text('partitions'),
    name: text('name'),
    'no-verify': !opts.has('verify'),
    'schema-only': schema && !data,
    'data-only': data && !schema,
    increment: opts.has('increment'),
  };
}

const FIELD_OF: Array<[RegExp, string]> = [
  [/--tables|--include|--exclude|selects no tables/, 'tables'],
  [/--partitions/, 'partitions'],
  [/--name/, 'name'],
  [/schema-only|data-only/, 'options'],
  [/<db>/, 'db'],
];

export function registerMigrateForm(app: App, d: MigrateFormDeps): void {
  app.action<BlockAction<StaticSelectAction>>(DB_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const meta = Meta.safeParse(parseJson(body.view?.private_metadata));
    if (!meta.success || !body.view) return;
    const ctx = d.dispatcher.context(meta.data.region, { user: body.user.id, channel: meta.data.channel });
    const db = action.selected_option.value;
    const dbs = await ctx.mms
      .listDbs(meta.data.sourceId, { pageNum: 1, pageSize: MAX_OPTIONS + 1 })
      .catch(() => null);
    let notice: string | undefined;
    const tables = await ctx.mms
      .listTables(meta.data.sourceId, { dbName: db, onlyName: true, pageNum: 1, pageSize: MAX_OPTIONS + 1 })
      .catch((e: unknown) => {
        // The form stays usable: tables can still be typed.
        notice = `Could not load the tables of ${db} (${e instanceof Error ? e.message : String(e)}); type them instead.`;
        return null;
      });
    await client.views
      .update({
        view_id: body.view.id,
        hash: body.view.hash,
        view: migrateFormView(
          meta.data,
          dbs?.items ?? [{ id: 0, name: db }],
          { db, tables: tables?.items ?? null },
          notice,
        ),
      })
      .catch((err: unknown) => d.logger.warn({ err }, 'cannot update the migrate form'));
  });

  app.view<ViewSubmitAction>(MIGRATE_CALLBACK, async ({ ack, body, view, client }) => {
    const meta = Meta.safeParse(parseJson(view.private_metadata));
    if (!meta.success) {
      await ack({
        response_action: 'errors',
        errors: { db: 'This form is out of date; run /mms migrate again.' },
      });
      return;
    }
    const values = view.state.values as Values;
    const parsed = migrate.params.safeParse(formArgs(meta.data, values));
    const missingDb = parsed.success && !parsed.data.db;
    // Neither box ticked would otherwise read as "both" (no --schema-only, no --data-only): never guess.
    const chosen = new Set((values['options']?.['options']?.selected_options ?? []).map((o) => o.value));
    const nothingToDo = !chosen.has('schema') && !chosen.has('data');
    if (!parsed.success || missingDb || nothingToDo) {
      const errors: Record<string, string> = {};
      if (missingDb) errors['db'] = 'Choose a database.';
      if (nothingToDo) errors['options'] = 'Tick Migrate schema, Migrate data, or both.';
      for (const issue of parsed.success ? [] : parsed.error.issues) {
        const field = typeof issue.path[0] === 'string' && issue.path[0] !== 'source' ? issue.path[0] : null;
        // A message that starts with a flag is about that flag's field ("--partitions needs --tables").
        const lead = /^--(tables|include|exclude|partitions|name)\b/.exec(issue.message)?.[1];
        const target = field ?? lead ?? FIELD_OF.find(([re]) => re.test(issue.message))?.[1] ?? 'tables';
        const block =
          target === 'no-verify' || target === 'schema-only' || target === 'data-only' ? 'options' : target;
        errors[block] ??= issue.message.replace(/^--[\w-]+:?\s*/, '');
      }
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const who = { user: body.user.id, channel: meta.data.channel, team: body.team?.id };
    const ctx = d.dispatcher.context(meta.data.region, who);
    try {
      const answer = await d.dispatcher.requestWrite(ctx, migrate, parsed.data, who, client);
      if (answer.kind === 'reply')
        await client.chat.postEphemeral({ channel: who.channel, user: who.user, ...answer.message });
    } catch (e) {
      const msg = d.dispatcher.failure(e, meta.data.region, `migrate ${meta.data.sourceId}`);
      await client.chat
        .postEphemeral({ channel: who.channel, user: who.user, ...msg })
        .catch((err: unknown) => {
          d.logger.warn({ err }, 'cannot tell the user why the migrate form failed');
        });
    }
  });
}
