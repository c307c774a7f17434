// Metadata scans: start one (a write: it changes the inventory), and the watcher polls it.
import { z } from 'zod';
import { lastScanState, ref, req, source, sourcePos } from './common.js';
import { UsageError, type WriteOp } from './types.js';

const Payload = z.object({
  sourceId: z.number(),
  sourceName: z.string(),
  dbName: z.string().nullable(),
  lastScanId: z.number().nullable(),
});
type Payload = z.infer<typeof Payload>;

export const scan: WriteOp<{ source: string; db?: string }, Payload> = {
  kind: 'write',
  name: 'scan',
  spec: {
    name: 'scan',
    group: 'Scans',
    summary: 'Start a metadata scan of a source; progress is posted here',
    positionals: [sourcePos],
    flags: { db: { type: 'string', hint: '<db>', help: 'scan only this database' } },
    examples: ['scan hive-prod', 'scan hive-prod --db sales'],
  },
  params: z.object({
    source: req('source', 'a data source name or id'),
    db: z.string().trim().min(1).optional(),
  }),
  payload: Payload,
  async plan(ctx, p) {
    const s = await source(ctx, p.source);
    const last = await lastScanState(ctx, s);
    if (last?.state === 'running') {
      throw new UsageError(
        `A scan of ${ref(s)} is already running (scan ${s.scanId ?? '?'}).`,
        'Wait for it to finish; its progress shows in the source.',
        { kind: 'wrong-state', next: [{ text: `Source ${s.name}`, command: `source ${s.id}` }] },
      );
    }
    return {
      title: 'Start metadata scan',
      params: [
        { label: 'Region', value: ctx.region },
        { label: 'Source', value: `${ref(s)} · ${s.type ?? ''}`.trim() },
        {
          label: 'Source agent',
          value:
            s.agentIsOnline === true
              ? 'online'
              : s.agentIsOnline === false
                ? 'OFFLINE'
                : 'could not check (MMS did not say)',
        },
        { label: 'Scope', value: p.db ? `database ${p.db}` : 'every database' },
        {
          label: 'Last scan',
          value: s.scanId
            ? `${last ? (last.scan.status ?? last.state) : 'unknown'} (scan #${s.scanId})`
            : 'never',
        },
      ],
      warnings: [
        ...(s.agentIsOnline === false
          ? [
              `The source's agent is offline${s.errMsg ? ` (${s.errMsg})` : ''}: the scan will fail until it is back. Fix it in the MMS console first.`,
            ]
          : []),
        'A scan usually takes 1–3 minutes and refreshes the database, table and partition inventory.',
      ],
      lockKey: `scan:${ctx.region}:${s.id}`,
      payload: { sourceId: s.id, sourceName: s.name, dbName: p.db ?? null, lastScanId: s.scanId ?? null },
    };
  },
  async recheck(ctx, x) {
    const s = await ctx.mms.getDataSource(x.sourceId);
    const changes: string[] = [];
    if (s.name !== x.sourceName) changes.push(`the source is now named ${s.name}`);
    if ((s.scanId ?? null) !== x.lastScanId) changes.push(`another scan (#${s.scanId}) started since`);
    return changes;
  },
  async execute(ctx, x) {
    const { scanId } = await ctx.mms.createFetchMetadataJob(x.sourceId, x.dbName ? { dbName: x.dbName } : {});
    return {
      ok: true,
      text: `The scan of ${x.sourceName} started (scan #${scanId}). Progress will be posted here.`,
      watch: {
        kind: 'scan',
        sourceId: x.sourceId,
        sourceName: x.sourceName,
        objectId: scanId,
        label: `scan #${scanId}`,
      },
    };
  },
};
