// Read-only browsing: regions, setup, sources and their scanned inventory.
import { z } from 'zod';
import { MmsError } from '../mms/errors.js';
import { dbsMessage, partitionsMessage, tablesMessage } from '../ui/inventory.js';
import { regionsMessage } from '../ui/regions.js';
import { type SetupInfo, setupMessage } from '../ui/setup.js';
import { sourceMessage, sourcesMessage } from '../ui/sources.js';
import {
  dbNamed,
  dbPos,
  lastScan,
  opt,
  page,
  pager,
  paging,
  req,
  source,
  sourcePos,
  tableNamed,
} from './common.js';
import type { ReadOp } from './types.js';

export const regions: ReadOp<Record<string, never>> = {
  kind: 'read',
  local: true,
  spec: {
    name: 'regions',
    group: 'Admin',
    summary: 'Regions MMS serves, with console links',
    positionals: [],
    flags: {},
    examples: ['regions'],
  },
  params: z.object({}).transform(() => ({})),
  run: async (ctx) => regionsMessage(ctx.defaultRegion),
};

export const setup: ReadOp<Record<string, never>> = {
  kind: 'read',
  spec: {
    name: 'setup',
    group: 'Admin',
    summary: 'What MMS needs: service-linked role, RAM policy, project grants, credentials',
    positionals: [],
    flags: {},
    examples: ['setup', 'setup --region cn-shanghai'],
  },
  params: z.object({}).transform(() => ({})),
  run: async (ctx) => {
    const s = ctx.services;
    const credentials = await s.credentials.describe();
    let probe: SetupInfo['probe'] = null;
    if (credentials.configured) {
      try {
        await ctx.mms.listDataSources({ pageNum: 1, pageSize: 1 });
        probe = { ok: true };
      } catch (e) {
        const err = e instanceof MmsError ? e : null;
        probe = {
          ok: false,
          kind: err?.kind ?? 'server',
          code: err?.code,
          message: err?.message ?? String(e),
        };
      }
    }
    return setupMessage(
      {
        region: ctx.region,
        credentials,
        probe,
        operators: s.config.operators.length,
        writeChannels: s.config.writeChannels,
      },
      ctx.render,
    );
  },
};

export const sources: ReadOp<{ name?: string; page?: number }> = {
  kind: 'read',
  spec: {
    name: 'sources',
    group: 'Browse',
    summary: 'List data sources',
    positionals: [{ name: 'name', required: false, help: 'part of a source name' }],
    flags: {},
    paged: true,
    examples: ['sources', 'sources hive'],
  },
  params: z.object({ name: opt, page }),
  run: async (ctx, p) => {
    const res = await ctx.mms.listDataSources({ name: p.name, ...paging(p.page) });
    const command = p.name ? `sources ${p.name}` : 'sources';
    return sourcesMessage(res.items, pager(ctx, command, res), ctx.render);
  },
};

export const sourceDetail: ReadOp<{ source: string }> = {
  kind: 'read',
  spec: {
    name: 'source',
    group: 'Browse',
    summary: 'One source: config (redacted), target mapping, scan state, console link',
    positionals: [sourcePos],
    flags: {},
    examples: ['source hive-prod', 'source 2000015'],
  },
  params: z.object({ source: req('source', 'a data source name or id') }),
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    // withConfig returns plaintext secrets; the client redacts them before they get here.
    const full = await ctx.mms.getDataSource(s.id, { withConfig: true });
    return sourceMessage(full, ctx.render, await lastScan(ctx, full));
  },
};

export const dbs: ReadOp<{ source: string; page?: number }> = {
  kind: 'read',
  spec: {
    name: 'dbs',
    group: 'Browse',
    summary: 'Databases a scan found in a source',
    positionals: [sourcePos],
    flags: {},
    paged: true,
    examples: ['dbs hive-prod'],
  },
  params: z.object({ source: req('source', 'a data source name or id'), page }),
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const res = await ctx.mms.listDbs(s.id, paging(p.page));
    return dbsMessage(s, res, pager(ctx, `dbs ${s.id}`, res), ctx.render);
  },
};

export const tables: ReadOp<{ source: string; db: string; name?: string; page?: number }> = {
  kind: 'read',
  spec: {
    name: 'tables',
    group: 'Browse',
    summary: 'Tables of a scanned database',
    positionals: [sourcePos, dbPos, { name: 'name', required: false, help: 'part of a table name' }],
    flags: {},
    paged: true,
    examples: ['tables hive-prod sales', 'tables hive-prod sales order'],
  },
  params: z.object({
    source: req('source', 'a data source name or id'),
    db: req('db', 'a database name'),
    name: opt,
    page,
  }),
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const res = await ctx.mms.listTables(s.id, { dbName: p.db, name: p.name, ...paging(p.page) });
    // MMS lists nothing for a database it does not know: say so, with near names, rather than "no tables".
    if (res.total === 0) await dbNamed(ctx, s, p.db);
    const command = `tables ${s.id} ${p.db}${p.name ? ` ${p.name}` : ''}`;
    return tablesMessage(s, p.db, res, pager(ctx, command, res), ctx.render);
  },
};

export const partitions: ReadOp<{ source: string; table: { db: string; table: string }; page?: number }> = {
  kind: 'read',
  spec: {
    name: 'partitions',
    group: 'Browse',
    summary: 'Partitions of a scanned table',
    positionals: [
      sourcePos,
      { name: 'db.table', required: true, help: 'database and table, e.g. sales.orders' },
    ],
    flags: {},
    paged: true,
    examples: ['partitions hive-prod sales.orders'],
  },
  params: z
    .object({
      source: req('source', 'a data source name or id'),
      'db.table': req('db.table', 'database and table, e.g. sales.orders')
        .regex(/^[^.\s]+\.[^.\s]+$/, '<db.table> must be database.table, e.g. sales.orders')
        .transform((s) => {
          const [db, table] = s.split('.') as [string, string];
          return { db, table };
        }),
      page,
    })
    .transform((x) => ({ source: x.source, table: x['db.table'], page: x.page })),
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const res = await ctx.mms.listPartitions(s.id, {
      dbName: p.table.db,
      tableName: p.table.table,
      ...paging(p.page),
    });
    if (res.total === 0) await tableNamed(ctx, s, p.table.db, p.table.table);
    const command = `partitions ${s.id} ${p.table.db}.${p.table.table}`;
    return partitionsMessage(s, p.table.db, p.table.table, res, pager(ctx, command, res), ctx.render);
  },
};
