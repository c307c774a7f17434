// What every action handler receives: the model, the path ids, and readers for query and body.
import type { MmsModel } from '../model.js';
import type { BodyParams, QueryParams } from '../params.js';

export interface HandlerContext {
  m: MmsModel;
  /** Path ids by placeholder name (`sid`, `jobId`, ...), already checked to be integers. */
  ids: Record<string, number>;
  query: QueryParams;
  body: BodyParams;
  /** What Start/Stop/Retry/Delete/Update return: 1, or "success" in writeResultStyle 'success'. */
  ack: number | string;
  maxPageSize: number | undefined;
}

export type Handler = (ctx: HandlerContext) => unknown;

export function id(ctx: HandlerContext, name: string): number {
  const v = ctx.ids[name];
  if (v === undefined) throw new Error(`route has no {${name}}`);
  return v;
}

export const pageOf = (ctx: HandlerContext, allowAll = false) =>
  ctx.query.page({ allowAll, ...(ctx.maxPageSize ? { maxPageSize: ctx.maxPageSize } : {}) });
