// Reading jobs: the list, one job with its progress per task status.
import { z } from 'zod';
import { listAll } from '../mms/client.js';
import { JOB_STATUSES } from '../mms/schemas.js';
import { jobMessage, jobsMessage } from '../ui/jobs.js';
import { job, jobPos, opt, page, pager, paging, req, source, sourcePos } from './common.js';
import type { OpContext, ReadOp } from './types.js';

export const jobStatus = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(JOB_STATUSES, { error: `--status takes one of ${JOB_STATUSES.join(', ')}` }))
  .optional();

export const jobs: ReadOp<{ source: string; name?: string; status?: string; page?: number }> = {
  kind: 'read',
  spec: {
    name: 'jobs',
    group: 'Jobs',
    summary: 'List migration jobs of a source',
    positionals: [sourcePos, { name: 'name', required: false, help: 'part of a job name' }],
    flags: { status: { type: 'string', hint: '<s>', help: `job status: ${JOB_STATUSES.join(', ')}` } },
    paged: true,
    examples: ['jobs hive-prod', 'jobs hive-prod sales --status FAILED'],
  },
  params: z.object({ source: req('source', 'a data source name or id'), name: opt, status: jobStatus, page }),
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const res = await ctx.mms.listJobs(s.id, { name: p.name, status: p.status, ...paging(p.page) });
    const command = `jobs ${s.id}${p.name ? ` ${p.name}` : ''}${p.status ? ` --status ${p.status}` : ''}`;
    return jobsMessage(s, res, pager(ctx, command, res), ctx.render);
  },
};

/** Counts of a job's tasks per status (all pages, up to 20k tasks). */
export async function taskCounts(
  ctx: OpContext,
  sid: number,
  jobId: number,
): Promise<Record<string, number>> {
  const tasks = await listAll((pg) => ctx.mms.listTasks(sid, { jobId, ...pg }), {
    pageSize: 200,
    max: 20_000,
  });
  const counts: Record<string, number> = {};
  for (const t of tasks) counts[t.status ?? 'UNKNOWN'] = (counts[t.status ?? 'UNKNOWN'] ?? 0) + 1;
  return counts;
}

export const jobDetail: ReadOp<{ source: string; job: string }> = {
  kind: 'read',
  spec: {
    name: 'job',
    group: 'Jobs',
    summary: 'One job: status, progress per task status, options',
    positionals: [sourcePos, jobPos],
    flags: {},
    examples: ['job hive-prod sales_orders_2025', 'job hive-prod 10'],
  },
  params: z.object({
    source: req('source', 'a data source name or id'),
    job: req('job', 'a job name or id'),
  }),
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const j = await job(ctx, s.id, p.job);
    const counts = await taskCounts(ctx, s.id, j.id);
    return jobMessage(s, j, counts, ctx.render);
  },
};
