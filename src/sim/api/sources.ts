// Data sources, config items and scans.
import { CONFIG_SOURCE_TYPES, configCatalog } from '../config-items.js';
import { invalid } from '../errors.js';
import { like, paginate, same } from '../query.js';
import { createScan, createSource, deleteSource, updateSource } from '../sources.js';
import { scanView, sourceView } from '../views.js';
import { type Handler, id, pageOf } from './context.js';

const LANGS = ['en_US', 'zh_CN'] as const;

export const listDataSources: Handler = (ctx) => {
  const q = ctx.query;
  const name = q.str('name');
  const type = q.str('type');
  const region = q.str('region');
  const items = [...ctx.m.sources.values()]
    .filter((s) => like(s.name, name) && same(s.type, type) && same(s.region, region))
    .sort((a, b) => a.id - b.id)
    .map((s) => sourceView(ctx.m, s, { listed: true }));
  return paginate(items, pageOf(ctx, true));
};

export const getDataSource: Handler = (ctx) => {
  ctx.query.oneOf('lang', LANGS);
  return sourceView(ctx.m, ctx.m.source(id(ctx, 'sid')), {
    withConfig: ctx.query.bool('withConfig') ?? false,
  });
};

export const createDataSource: Handler = (ctx) => ({ dataSourceId: createSource(ctx.m, ctx.body).id });

export const updateDataSource: Handler = (ctx) => {
  const source = ctx.m.source(id(ctx, 'sid'));
  const task = updateSource(ctx.m, source, ctx.body);
  return { sourceId: source.id, asyncTaskId: task.id };
};

export const deleteDataSource: Handler = (ctx) => {
  deleteSource(ctx.m, ctx.m.source(id(ctx, 'sid')));
  return ctx.ack;
};

export const listConfigItems: Handler = (ctx) => {
  const sourceType = ctx.query.str('sourceType');
  if (!sourceType) throw invalid('sourceType is required');
  const items = configCatalog(sourceType, ctx.query.oneOf('lang', LANGS) ?? 'en_US');
  if (!items)
    throw invalid(`invalid sourceType: ${sourceType}, expected one of ${CONFIG_SOURCE_TYPES.join(', ')}`);
  return items;
};

export const createFetchMetadataJob: Handler = (ctx) => {
  const source = ctx.m.source(id(ctx, 'sid'));
  const scan = createScan(ctx.m, source, ctx.body.str('dbName'), ctx.body.strArray('tableNames') ?? []);
  return { scanId: scan.id };
};

export const getFetchMetadataJob: Handler = (ctx) => scanView(ctx.m.scan(id(ctx, 'sid'), id(ctx, 'scanId')));
