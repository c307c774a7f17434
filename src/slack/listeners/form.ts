// The migrate form: `/mms migrate` (or `migrate <source>`, or a Migrate… button) opens it; choosing a
// source loads its databases, choosing a database its tables; submitting leads to the same confirmation
// card as the typed command. Where the card goes is what the bot recorded when it opened the form (the
// form store), never what the modal's private_metadata claims.
import type { BlockAction, StaticSelectAction, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { parseJson } from '../../json.js';
import type { Logger } from '../../log.js';
import { must, resolveSource } from '../../mms/resolve.js';
import type { DataSource } from '../../mms/schemas.js';
import { migrate } from '../../operations/migrate.js';
import { type OpContext, UsageError } from '../../operations/types.js';
import type { FormStore, OpenForm } from '../../store/forms.js';
import { arg } from '../../ui/actions.js';
import { esc, inlineCode } from '../../ui/escape.js';
import { LIMITS } from '../../ui/kit.js';
import {
  DB_ACTION,
  FIELD,
  type FormIssue,
  fieldErrors,
  formMessageView,
  MIGRATE_CALLBACK,
  type MigrateFormModel,
  migrateFormView,
  type Scope,
  SOURCE_ACTION,
} from '../../ui/migrate-form.js';
import type { Dispatcher, FormOpener } from '../dispatch.js';
import type { Listeners } from './listeners.js';

export interface FormDeps {
  dispatcher: Dispatcher;
  logger: Logger;
  forms: FormStore;
}

/** What the bot puts in private_metadata: the form's id, and the source once one is chosen. */
const Metadata = z.object({
  form: z.string().min(8).max(64),
  source: z.object({ id: z.number().int(), name: z.string(), type: z.string().nullish() }).optional(),
});
type Metadata = z.infer<typeof Metadata>;

const metadata = (m: Metadata) => JSON.stringify(m);

/** A listing that fits a menu (one more than fits tells there are too many). */
const MENU = { pageNum: 1, pageSize: LIMITS.menuOptions + 1 };

/** Opens the form at once (trigger ids live 3 s), then fills it when MMS answers. */
export function migrateFormOpener(d: FormDeps): FormOpener {
  return async (client, ctx, params, triggerId) => {
    const sourceInput = (params as { source?: string }).source;
    const id = d.forms.open({
      kind: 'migrate',
      user: ctx.user,
      channel: ctx.channel,
      team: ctx.team ?? null,
      region: ctx.region,
    });
    let opened: Awaited<ReturnType<WebClient['views']['open']>>;
    try {
      opened = await client.views.open({
        trigger_id: triggerId,
        view: formMessageView(metadata({ form: id }), ':hourglass_flowing_sand: Loading…'),
      });
    } catch (e) {
      // An expired trigger (3 s) or a refused view: say so, and offer the typed command instead.
      d.forms.close(id);
      const why = (e as { data?: { error?: unknown } }).data?.error;
      throw new UsageError(
        `Slack did not open the migrate form${typeof why === 'string' ? ` (${why})` : ''}.`,
        `Run it again, or type the options: \`migrate ${sourceInput ?? '<source>'} <db> [--tables a,b] [--name <n>]\`.`,
      );
    }
    const viewId = opened.view?.id;
    if (!viewId) return;
    let view: ReturnType<typeof migrateFormView>;
    try {
      view = sourceInput ? await sourceForm(ctx, id, sourceInput) : await sourcesForm(ctx, id);
    } catch (e) {
      view = formMessageView(
        metadata({ form: id }),
        `:warning: ${esc(e instanceof Error ? e.message : String(e))}`,
      );
    }
    await client.views
      .update({ view_id: viewId, view })
      .catch((err: unknown) => d.logger.warn({ err }, 'cannot fill the migrate form'));
  };
}

/** Opened without a source: pick one first. */
async function sourcesForm(ctx: OpContext, id: string) {
  const sources = await ctx.mms.listDataSources(MENU);
  if (sources.items.length === 0)
    return formMessageView(metadata({ form: id }), 'There are no data sources in this region yet.');
  if (sources.items.length > LIMITS.menuOptions)
    return formMessageView(
      metadata({ form: id }),
      `There are more data sources than a menu holds. Type ${inlineCode('/mms migrate <source>')} to open the form for one.`,
    );
  return migrateFormView({
    metadata: metadata({ form: id }),
    region: ctx.region,
    sources: sources.items.map((s) => ({ id: s.id, name: s.name })),
    dbs: [],
  });
}

/** A source chosen (typed, or from the menu): its databases. */
async function sourceForm(ctx: OpContext, id: string, sourceInput: string, all?: DataSource[]) {
  const s = must('source', await resolveSource(ctx.mms, sourceInput)).item;
  const source = { id: s.id, name: s.name, type: s.type ?? null };
  const dbs = await ctx.mms.listDbs(s.id, MENU);
  if (dbs.items.length === 0) {
    return formMessageView(
      metadata({ form: id, source }),
      `Source *${esc(s.name)}* has no scanned databases yet. Run ${inlineCode(`/mms scan ${arg(s.name)}`)} first.`,
    );
  }
  return migrateFormView({
    metadata: metadata({ form: id, source }),
    region: ctx.region,
    source,
    ...(all ? { sources: all.map((x) => ({ id: x.id, name: x.name })) } : {}),
    dbs: dbs.items.length > LIMITS.menuOptions ? [] : dbs.items.map((x) => x.name),
  });
}

/** The form this action or submission belongs to, as the bot recorded it; null when unknown or not theirs. */
function recorded(d: FormDeps, privateMetadata: string | undefined, user: string) {
  const meta = Metadata.safeParse(parseJson(privateMetadata));
  if (!meta.success) return null;
  const form = d.forms.get(meta.data.form);
  if (form?.kind !== 'migrate' || form.user !== user) return null;
  return { meta: meta.data, form };
}

const context = (d: FormDeps, form: OpenForm) =>
  d.dispatcher.context(form.region, { user: form.user, channel: form.channel, team: form.team ?? undefined });

/** The view's state as Slack sends it: per block, per action, the element's value. */
const StateValues = z.record(
  z.string(),
  z.record(
    z.string(),
    z.looseObject({
      value: z.string().nullish(),
      selected_option: z.object({ value: z.string() }).nullish(),
      selected_options: z.array(z.object({ value: z.string() })).nullish(),
    }),
  ),
);
type StateValues = z.infer<typeof StateValues>;

/** Form values → the same raw arguments the typed command gives. */
export function formArgs(
  sourceId: number,
  values: StateValues,
): Record<string, string | boolean | undefined> {
  const el = (block: string, action: string = block) => values[block]?.[action];
  const text = (id: string) => el(id)?.value?.trim() || undefined;
  const db = el(FIELD.db, DB_ACTION)?.selected_option?.value ?? text(FIELD.db);
  const picked = el(FIELD.tables)?.selected_options;
  const tables = picked?.length
    ? picked.map((o) => o.value).join(',')
    : text(FIELD.tables)?.replace(/\s+/g, '');
  const scope = (el(FIELD.scope)?.selected_option?.value ?? 'all') as Scope;
  const opts = new Set((el(FIELD.options)?.selected_options ?? []).map((o) => o.value));
  const schema = opts.has('schema');
  const data = opts.has('data');
  return {
    source: String(sourceId),
    db,
    tables: scope === 'only' ? tables : undefined,
    exclude: scope === 'except' ? tables : undefined,
    partitions: text(FIELD.partitions),
    name: text(FIELD.name),
    'no-verify': !opts.has('verify'),
    'schema-only': schema && !data,
    'data-only': data && !schema,
    increment: opts.has('increment'),
  };
}

export function registerMigrateForm(on: Listeners, d: FormDeps): void {
  on.action<BlockAction<StaticSelectAction>>(SOURCE_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const r = recorded(d, body.view?.private_metadata, body.user.id);
    if (!r || !body.view) return;
    const ctx = context(d, r.form);
    const all = await ctx.mms
      .listDataSources(MENU)
      .then((p) => p.items)
      .catch(() => undefined);
    const view = await sourceForm(ctx, r.form.id, action.selected_option.value, all).catch((e: unknown) =>
      formMessageView(
        metadata({ form: r.form.id }),
        `:warning: ${esc(e instanceof Error ? e.message : String(e))}`,
      ),
    );
    await client.views
      .update({ view_id: body.view.id, hash: body.view.hash, view })
      .catch((err: unknown) => d.logger.warn({ err }, 'cannot update the migrate form'));
  });

  on.action<BlockAction<StaticSelectAction>>(DB_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const r = recorded(d, body.view?.private_metadata, body.user.id);
    if (!r?.meta.source || !body.view) return;
    const source = r.meta.source;
    const ctx = context(d, r.form);
    const db = action.selected_option.value;
    const dbs = await ctx.mms.listDbs(source.id, MENU).catch(() => null);
    let notice: string | undefined;
    const tables = await ctx.mms
      .listTables(source.id, { dbName: db, onlyName: true, ...MENU })
      .catch((e: unknown) => {
        // The form stays usable: tables can still be typed.
        notice = `Could not load the tables of ${db} (${e instanceof Error ? e.message : String(e)}); type them instead.`;
        return null;
      });
    const hadSources = body.view.blocks.some((b) => b.block_id === FIELD.source);
    const sources = hadSources
      ? await ctx.mms
          .listDataSources(MENU)
          .then((p) => p.items.map((s) => ({ id: s.id, name: s.name })))
          .catch(() => [{ id: source.id, name: source.name }])
      : undefined;
    const model: MigrateFormModel = {
      metadata: metadata(r.meta),
      region: r.form.region,
      source,
      ...(sources ? { sources } : {}),
      dbs: dbs?.items.map((x) => x.name) ?? [db],
      db,
      tables: tables && tables.items.length <= LIMITS.menuOptions ? tables.items.map((t) => t.name) : null,
      ...(notice ? { notice } : {}),
    };
    await client.views
      .update({ view_id: body.view.id, hash: body.view.hash, view: migrateFormView(model) })
      .catch((err: unknown) => d.logger.warn({ err }, 'cannot update the migrate form'));
  });

  on.view<ViewSubmitAction>(MIGRATE_CALLBACK, async ({ ack, body, view, client }) => {
    const r = recorded(d, view.private_metadata, body.user.id);
    const ids = view.blocks.map((b) => b.block_id).filter((b): b is string => Boolean(b));
    // Errors must name blocks the view has; a view sent without its blocks is taken to have them all.
    const fields = new Set<string>(ids.length ? ids : Object.values(FIELD));
    const first = ids.includes(FIELD.source) ? FIELD.source : FIELD.db;
    if (!r) {
      await ack({
        response_action: 'errors',
        errors: { [first]: 'This form is out of date; run /mms migrate again.' },
      });
      return;
    }
    if (!r.meta.source) {
      await ack({ response_action: 'errors', errors: { [first]: 'Choose a data source.' } });
      return;
    }
    const state = StateValues.safeParse(view.state.values);
    const values = state.success ? state.data : {};
    const args = formArgs(r.meta.source.id, values);
    const parsed = migrate.params.safeParse(args);
    const issues: FormIssue[] = parsed.success
      ? []
      : parsed.error.issues.map((i) => ({
          path: i.path,
          reason: (i as { params?: { reason?: string } }).params?.reason,
        }));
    if (!args.db) issues.push({ path: [FIELD.db] });
    // Neither box ticked would otherwise read as "both" (no schema-only, no data-only): never guess.
    const ticked = new Set(
      (values[FIELD.options]?.[FIELD.options]?.selected_options ?? []).map((o) => o.value),
    );
    if (!ticked.has('schema') && !ticked.has('data')) issues.push({ path: [FIELD.options] });
    const scope = values[FIELD.scope]?.[FIELD.scope]?.selected_option?.value ?? 'all';
    if (scope !== 'all' && !hasTables(values)) issues.push({ path: [FIELD.tables], reason: 'none-picked' });
    if (scope === 'all' && hasTables(values)) issues.push({ path: [FIELD.tables], reason: 'scope-all' });
    if (!parsed.success || issues.length > 0) {
      await ack({ response_action: 'errors', errors: fieldErrors(issues, fields) });
      return;
    }
    await ack();
    d.forms.close(r.form.id);
    const who = { user: r.form.user, channel: r.form.channel, team: r.form.team ?? undefined };
    const ctx = context(d, r.form);
    try {
      const answer = await d.dispatcher.requestWrite(ctx, migrate, parsed.data, who, client);
      if (answer.kind === 'reply')
        await client.chat.postEphemeral({ channel: who.channel, user: who.user, ...answer.message });
    } catch (e) {
      const msg = d.dispatcher.failure(e, r.form.region, `migrate ${r.meta.source.id}`);
      await client.chat
        .postEphemeral({ channel: who.channel, user: who.user, ...msg })
        .catch((err: unknown) => {
          d.logger.warn({ err }, 'cannot tell the user why the migrate form failed');
        });
    }
  });
}

function hasTables(values: StateValues): boolean {
  const t = values[FIELD.tables]?.[FIELD.tables];
  return Boolean(t?.selected_options?.length || t?.value?.trim());
}
