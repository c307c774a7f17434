// Notifications: watch or unwatch a job in this channel, what this channel and the workspace watch,
// and the audit trail.
import { z } from 'zod';
import { auditMessage } from '../ui/audit.js';
import { esc } from '../ui/escape.js';
import { recentFailures, watchListMessage } from '../ui/watching.js';
import { job, jobPos, ref, req, source, sourcePos } from './common.js';
import { type ReadOp, UsageError } from './types.js';

const Params = z.object({
  source: req('source', 'a data source name or id'),
  job: req('job', 'a job name or id'),
});

export const watch: ReadOp<z.infer<typeof Params>> = {
  kind: 'read',
  spec: {
    name: 'watch',
    group: 'Notifications',
    summary: 'Post a job’s progress, failures and completion in this channel',
    positionals: [sourcePos, jobPos],
    flags: {},
    examples: ['watch hive-prod sales_orders_2025'],
  },
  params: Params,
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const j = await job(ctx, s.id, p.job);
    const { created } = ctx.services.watches.add({
      kind: 'job',
      region: ctx.region,
      sourceId: s.id,
      sourceName: s.name,
      objectId: j.id,
      channel: ctx.channel,
      label: j.name,
      createdBy: ctx.user,
    });
    const text = created
      ? `Watching job ${ref(j)} of ${s.name} in this channel: its card and events will be posted here.`
      : `Job ${ref(j)} is already watched in this channel.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:eyes: ${esc(text)}` } }] };
  },
};

export const unwatch: ReadOp<z.infer<typeof Params>> = {
  kind: 'read',
  spec: {
    name: 'unwatch',
    group: 'Notifications',
    summary: 'Stop posting a job’s updates in this channel',
    positionals: [sourcePos, jobPos],
    flags: {},
    examples: ['unwatch hive-prod sales_orders_2025'],
  },
  params: Params,
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const j = await job(ctx, s.id, p.job);
    const w = ctx.services.watches.find('job', ctx.region, s.id, j.id, ctx.channel);
    if (!w?.active)
      throw new UsageError(`Job ${ref(j)} is not watched in this channel.`, undefined, {
        kind: 'wrong-state',
        next: [{ text: 'What is watched', command: 'watching' }],
      });
    ctx.services.watches.deactivate(w.id);
    const text = `Stopped watching job ${ref(j)} in this channel.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: esc(text) } }] };
  },
};

export const watching: ReadOp<Record<string, never>> = {
  kind: 'read',
  local: true,
  spec: {
    name: 'watching',
    group: 'Notifications',
    summary: 'What this channel watches',
    positionals: [],
    flags: {},
    examples: ['watching'],
  },
  params: z.object({}).transform(() => ({})),
  run: async (ctx) =>
    watchListMessage('Watched in this channel', ctx.services.watches.forChannel(ctx.channel), ctx.render),
};

export const status: ReadOp<Record<string, never>> = {
  kind: 'read',
  local: true,
  spec: {
    name: 'status',
    group: 'Notifications',
    summary: 'What this workspace watches now, and the jobs that failed lately: the same as the Home tab',
    positionals: [],
    flags: {},
    examples: ['status'],
  },
  params: z.object({}).transform(() => ({})),
  // The same data as App Home: what is watched now, and the jobs that failed lately.
  run: async (ctx) =>
    watchListMessage(
      'Active in this workspace',
      ctx.services.watches.active(),
      ctx.render,
      recentFailures(ctx.services.watches.recent(200)),
    ),
};

export const audit: ReadOp<{ n: number }> = {
  kind: 'read',
  spec: {
    name: 'audit',
    group: 'Admin',
    summary: 'The last n audit entries: who asked, who confirmed, what ran, outcome (operators only)',
    positionals: [{ name: 'n', required: false, help: 'how many entries (default 20, max 100)' }],
    flags: {},
    examples: ['audit', 'audit 50'],
  },
  params: z.object({
    n: z
      .string()
      .regex(/^\d{1,3}$/, '[n] must be a number from 1 to 100')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 100, '[n] must be a number from 1 to 100')
      .optional()
      .transform((n) => n ?? 20),
  }),
  run: async (ctx, p) => {
    const d = await ctx.services.authz.canReadAudit(ctx.user);
    if (!d.ok) throw new UsageError(d.reason, 'Ask an operator to run it.', { kind: 'not-allowed' });
    return auditMessage(ctx.services.audit.latest(p.n), ctx.render);
  },
};
