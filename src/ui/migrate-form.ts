// The migrate form (a modal): source, database, one scope choice with a table picker filled once a
// database is chosen, partition filter, options, job name. Pure: data → view; field errors from zod issue
// paths, in the form's own words (the typed command's messages name flags the form does not have).
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { esc, truncate } from './escape.js';
import {
  checkboxes,
  context,
  input,
  LIMITS,
  modal,
  multiSelect,
  option,
  radios,
  section,
  staticSelect,
  textInput,
} from './kit.js';
import { forModal } from './message.js';
import type { SourceRef } from './types.js';

export const MIGRATE_CALLBACK = 'mms_migrate';
export const SOURCE_ACTION = 'mms_migrate_source';
export const DB_ACTION = 'mms_migrate_db';

/** Block ids of the form's fields (each field's action id is the same, but for the two dispatching selects). */
export const FIELD = {
  source: 'source',
  db: 'db',
  scope: 'scope',
  tables: 'tables',
  partitions: 'partitions',
  options: 'options',
  name: 'name',
} as const;
export type Field = (typeof FIELD)[keyof typeof FIELD];

export type Scope = 'all' | 'only' | 'except';
const SCOPES: Array<[Scope, string]> = [
  ['all', 'The whole database'],
  ['only', 'Only these tables'],
  ['except', 'All tables except these'],
];
export const SCOPE_OPTIONS: PlainTextOption[] = SCOPES.map(([value, text]) => option(text, value));

export const JOB_OPTIONS: PlainTextOption[] = [
  option('Migrate schema', 'schema'),
  option('Migrate data', 'data'),
  option('Verify row counts', 'verify'),
  option('Incremental', 'increment'),
];

export interface MigrateFormModel {
  /** Opaque: what the listener put in private_metadata. */
  metadata: string;
  region: string;
  /** The chosen source; absent when the form was opened without one (then `sources` lists them). */
  source?: SourceRef & { type?: string | null };
  sources?: SourceRef[];
  /** The source's databases (names); empty or too many for a menu → a text field. */
  dbs: string[];
  db?: string;
  /** The chosen database's tables; null when MMS could not list them or there are too many: typed. */
  tables?: string[] | null;
  notice?: string;
}

/** The form; every field after the database appears once there is a source. */
export function migrateFormView(m: MigrateFormModel): ModalView {
  const blocks: KnownBlock[] = [];
  if (m.source) {
    blocks.push(
      section(
        `Source *${esc(m.source.name)}*${m.source.type ? ` · ${esc(m.source.type)}` : ''} · region ${esc(m.region)}`,
      ),
    );
  }
  if (m.sources) {
    const initial = m.source ? option(m.source.name, String(m.source.id)) : undefined;
    blocks.push(
      input(
        FIELD.source,
        'Data source',
        staticSelect(
          SOURCE_ACTION,
          'Choose a data source',
          m.sources.map((s) => option(s.name, String(s.id))),
          initial,
        ),
        { dispatchAction: true },
      ),
    );
  }
  if (!m.source) {
    blocks.push(context(['Choose the data source to migrate from; its databases load next.']));
    return view(m, blocks, true);
  }
  if (m.dbs.length > 0 && m.dbs.length <= LIMITS.menuOptions) {
    blocks.push(
      input(
        FIELD.db,
        'Database',
        staticSelect(
          DB_ACTION,
          'Choose a database',
          m.dbs.map((d) => option(d)),
          m.db && m.dbs.includes(m.db) ? option(m.db) : undefined,
        ),
        { dispatchAction: true },
      ),
    );
  } else {
    blocks.push(input(FIELD.db, 'Database', textInput(FIELD.db, 'Source database name')));
  }
  if (m.notice) blocks.push(context([`:warning: ${esc(truncate(m.notice, 500))}`]));
  blocks.push(input(FIELD.scope, 'What to migrate', radios(FIELD.scope, SCOPE_OPTIONS, SCOPE_OPTIONS[0])));
  const tables = m.tables;
  const tableHint = 'Used with “Only these tables” or “All tables except these”.';
  if (tables && tables.length > 0 && tables.length <= LIMITS.menuOptions) {
    blocks.push(
      input(
        FIELD.tables,
        'Tables',
        multiSelect(
          FIELD.tables,
          'Pick tables',
          tables.map((t) => option(t)),
        ),
        { optional: true, hint: tableHint },
      ),
    );
  } else {
    const label = m.db ? 'Tables (names, comma-separated)' : 'Tables (choose a database to pick them)';
    blocks.push(
      input(FIELD.tables, label, textInput(FIELD.tables, 'orders, order_items'), {
        optional: true,
        hint: tableHint,
      }),
    );
  }
  blocks.push(
    input(FIELD.partitions, 'Partition filter', textInput(FIELD.partitions, "ds >= '20250101'"), {
      optional: true,
      hint: 'Only with “Only these tables”: which partitions of them to copy.',
    }),
    input(FIELD.options, 'Options', checkboxes(FIELD.options, JOB_OPTIONS, JOB_OPTIONS.slice(0, 3)), {
      optional: true,
    }),
    input(FIELD.name, 'Job name', textInput(FIELD.name, 'sales_full_2025'), {
      optional: true,
      hint: 'Empty: the database name with the date and time.',
    }),
    context([
      '⚠️ Stop writes to the source tables first. *Review* shows a confirmation card; the job starts only when an operator confirms.',
    ]),
  );
  return view(m, blocks, true);
}

/** The form showing only a message (loading, nothing to migrate, an error). `text` is mrkdwn. */
export function formMessageView(metadata: string, text: string): ModalView {
  return modal({
    callbackId: MIGRATE_CALLBACK,
    title: 'Migrate',
    close: 'Close',
    privateMetadata: metadata,
    blocks: [section(text)],
  });
}

function view(m: MigrateFormModel, blocks: KnownBlock[], submit: boolean): ModalView {
  return modal({
    callbackId: MIGRATE_CALLBACK,
    title: 'Migrate',
    close: 'Cancel',
    ...(submit ? { submit: 'Review' } : {}),
    privateMetadata: m.metadata,
    blocks: forModal(blocks),
  });
}

/** One problem with a submission, as zod reports it: where (`path`), and an optional machine reason. */
export interface FormIssue {
  path: ReadonlyArray<PropertyKey>;
  reason?: string;
}

/** Which form field each parameter of the typed command comes from. */
const FIELD_OF_PARAM: Record<string, Field> = {
  source: FIELD.source,
  db: FIELD.db,
  tables: FIELD.tables,
  include: FIELD.tables,
  exclude: FIELD.tables,
  partitions: FIELD.partitions,
  name: FIELD.name,
  'no-verify': FIELD.options,
  'schema-only': FIELD.options,
  'data-only': FIELD.options,
  increment: FIELD.options,
};

/** What to say per field, and per field and reason (`field:reason`) where one field has several. */
const WORDS: Record<string, string> = {
  source: 'Choose a data source.',
  db: 'Choose a database.',
  tables: 'Table names hold letters, digits and _ . $ - only.',
  'tables:conflict': 'Pick tables for one scope only.',
  'tables:none-left': 'That choice leaves no tables to migrate.',
  'tables:none-picked': 'Pick the tables, or choose “The whole database”.',
  'tables:scope-all':
    '“The whole database” takes no tables: choose “Only these tables” or “All tables except these”, or clear them.',
  partitions: 'The partition filter is too long (at most 2000 characters).',
  'partitions:needs-tables':
    'A partition filter applies to chosen tables: pick “Only these tables” and the tables.',
  'partitions:schema-only': 'A partition filter copies data: tick Migrate data, or clear the filter.',
  name: 'Start with a letter; then letters, digits, _ . - (at most 128).',
  options: 'Tick Migrate schema, Migrate data, or both.',
};

/** Field errors for `response_action: errors`: one per field, the first issue on it wins. */
export function fieldErrors(issues: FormIssue[], fields: ReadonlySet<string>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const param = typeof issue.path[0] === 'string' ? issue.path[0] : '';
    let field: string = FIELD_OF_PARAM[param] ?? param;
    // An error must name a field the form shows, or Slack refuses the whole answer.
    if (!fields.has(field)) field = fields.has(FIELD.tables) ? FIELD.tables : FIELD.db;
    const words = (issue.reason && WORDS[`${field}:${issue.reason}`]) ?? WORDS[field] ?? 'Check this field.';
    errors[field] ??= words;
  }
  return errors;
}
