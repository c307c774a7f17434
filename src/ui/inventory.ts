// Scanned metadata: databases, tables and partitions of a source.
import type { Db, Page, Partition, Table } from '../mms/schemas.js';
import { cmd, runButton, withRegion } from './actions.js';
import { label, listMessage, sourceLabel } from './common.js';
import { esc, inlineCode } from './escape.js';
import { exactCount, humanBytes, humanCount, statusEmoji } from './format.js';
import type { Pager, RenderCtx, SlackMessage, SourceRef } from './types.js';

const rowsAndSize = (numRows: number | null | undefined, size: number | null | undefined): string[] => [
  typeof numRows === 'number' ? `${humanCount(numRows)} rows` : '',
  typeof size === 'number' ? humanBytes(size) : '',
];

const statusPart = (s: string | null | undefined): string => (s ? esc(s) : '');

function target(project: string | null | undefined, schema?: string | null, name?: string | null): string {
  const parts = [project, schema, name].filter((p): p is string => !!p);
  return parts.length ? `→ ${inlineCode(parts.join('.'))}` : '';
}

const join = (parts: string[]): string => parts.filter((p) => p !== '').join(' · ');

export function dbsMessage(source: SourceRef, page: Page<Db>, pager: Pager, ctx: RenderCtx): SlackMessage {
  const sid = source.id;
  return listMessage({
    text: `Databases of ${esc(source.name)}: ${page.items.length} shown of ${page.total}`,
    title: `Databases · ${source.name}`,
    intro: `Source ${sourceLabel(source)} · press a database to see its tables`,
    items: page.items.map((db) => ({
      line: join([
        `${statusEmoji(db.status)} *${esc(db.name)}*`,
        statusPart(db.status),
        typeof db.tables === 'number'
          ? `${exactCount(db.tables)} tables` +
            (db.tablesDone || db.tablesFailed
              ? ` (${exactCount(db.tablesDone ?? 0)} done, ${exactCount(db.tablesFailed ?? 0)} failed)`
              : '')
          : '',
        ...rowsAndSize(db.numRows, db.size),
        target(db.dstProjectName, null, db.dstName && db.dstName !== db.dstProjectName ? db.dstName : null),
      ]),
      drill: runButton(label(db.name), withRegion(cmd.tables(sid, db.name), ctx)),
    })),
    empty: 'No databases yet. Run a scan to load the inventory.',
    pager,
    ctx,
    extra: [
      runButton('Scan metadata', withRegion(cmd.scan(sid), ctx)),
      runButton('Source', withRegion(cmd.source(sid), ctx)),
    ],
    // `dbs` takes no name filter: only paging narrows it.
    narrow: '`--page`',
  });
}

export function tablesMessage(
  source: SourceRef,
  dbName: string,
  page: Page<Table>,
  pager: Pager,
  ctx: RenderCtx,
): SlackMessage {
  const sid = source.id;
  return listMessage({
    text: `Tables of ${esc(source.name)} › ${esc(dbName)}: ${page.items.length} shown of ${page.total}`,
    title: `Tables · ${source.name} › ${dbName}`,
    intro:
      `Source ${sourceLabel(source)} · database *${esc(dbName)}*` +
      ' · press a partitioned table to see its partitions',
    items: page.items.map((t) => ({
      line: join([
        `${statusEmoji(t.status)} *${esc(t.name)}*`,
        statusPart(t.status),
        t.hasPartitions ? 'partitioned' : '',
        ...rowsAndSize(t.numRows, t.size),
        target(t.dstProjectName, t.dstSchemaName, t.dstName),
      ]),
      drill: t.hasPartitions
        ? runButton(`${label(t.name, 36)} ›`, withRegion(cmd.partitions(sid, dbName, t.name), ctx))
        : undefined,
    })),
    empty: 'No tables match. Run a scan if the inventory is stale.',
    pager,
    ctx,
    extra: [
      runButton('Migrate this db…', withRegion(cmd.migrate(sid, dbName), ctx), 'primary'),
      runButton('Databases', withRegion(cmd.dbs(sid), ctx)),
    ],
    narrow: `a name: ${inlineCode(`tables ${sid} ${dbName} <name>`)}`,
  });
}

export function partitionsMessage(
  source: SourceRef,
  dbName: string,
  table: string,
  page: Page<Partition>,
  pager: Pager,
  ctx: RenderCtx,
): SlackMessage {
  const sid = source.id;
  return listMessage({
    text: `Partitions of ${esc(dbName)}.${esc(table)}: ${page.items.length} shown of ${page.total}`,
    title: `Partitions · ${dbName}.${table}`,
    intro: `Source ${sourceLabel(source)} · table *${esc(dbName)}.${esc(table)}*`,
    items: page.items.map((p) => ({
      line: join([
        `${statusEmoji(p.status)} ${inlineCode(p.value)}`,
        statusPart(p.status),
        ...rowsAndSize(p.numRows, p.size),
        p.dstValue && p.dstValue !== p.value ? `→ ${inlineCode(p.dstValue)}` : '',
      ]),
    })),
    empty: 'No partitions found.',
    pager,
    ctx,
    extra: [
      runButton('Migrate this table…', withRegion(cmd.migrate(sid, dbName, [table]), ctx), 'primary'),
      runButton('Tables', withRegion(cmd.tables(sid, dbName), ctx)),
    ],
    narrow: '`--page`',
  });
}
