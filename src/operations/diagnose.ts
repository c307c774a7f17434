// `diagnose`: failed tasks of a job (or one task), their causes and fixes from the task logs, and the
// verification results, from the same rules the watcher uses (src/diagnosis/diagnose.ts).
import { z } from 'zod';
import {
  type Diagnosis,
  type DiagnosisContext,
  diagnoseTask,
  summarizeDiagnoses,
  verificationFromLogs,
} from '../diagnosis/diagnose.js';
import { MmsError } from '../mms/errors.js';
import { ResolveError } from '../mms/resolve.js';
import type { DataSource, Job, Task } from '../mms/schemas.js';
import { diagnosisMessage } from '../ui/diagnosis.js';
import { ref, req, job as resolveJobArg, source, sourcePos } from './common.js';
import { jobOf, taskTable } from './tasks.js';
import type { OpContext, ReadOp } from './types.js';

const FAILED = ['SCHEMA_FAILED', 'DATA_FAILED', 'VERIFICATION_FAILED'] as const;
/** Reading logs costs one call per task: diagnose this many in detail, count the rest. */
const MAX_DETAILED = 20;

export interface VerificationResult {
  table: string;
  source: number;
  destination: number;
  ok: boolean;
}

export interface FailureReport {
  /** The first page of each failed status (up to 100 each). */
  failedTasks: Task[];
  /** How many tasks failed in all, as MMS counts them (may exceed `failedTasks`). */
  failedTotal: number;
  diagnoses: Diagnosis[];
  verification: VerificationResult[];
}

/** Fixes name the source by its name (`/mms retry-task hive-prod 7620`); its type names the source system. */
const diagnosisContext = (ctx: OpContext, s: DataSource): DiagnosisContext => ({
  region: ctx.region,
  source: s.name || String(s.id),
  sourceType: s.type ?? null,
});

/** One ListMmsTasks per failed status (the filter takes one value), then the logs of each failed task. */
export async function diagnoseFailures(ctx: OpContext, s: DataSource, job: Job): Promise<FailureReport> {
  const jobId = job.id;
  const failedTasks: Task[] = [];
  let failedTotal = 0;
  for (const status of FAILED) {
    const res = await ctx.mms.listTasks(s.id, { jobId, status, pageNum: 1, pageSize: 100 });
    failedTasks.push(...res.items);
    failedTotal += Math.max(res.total, res.items.length);
  }
  const detailed = failedTasks.slice(0, MAX_DETAILED);
  const diagnoses: Diagnosis[] = [];
  const verification: VerificationResult[] = [];
  for (const t of detailed) {
    const entries = await ctx.mms.listTaskLogs(s.id, t.id);
    diagnoses.push(diagnoseTask(t, entries, diagnosisContext(ctx, s)));
    const v = verificationFromLogs(entries, t);
    if (v) verification.push({ table: taskTable(t, job), ...v, ok: v.source === v.destination });
  }
  return { failedTasks, failedTotal, diagnoses, verification };
}

export const diagnose: ReadOp<{ source: string; target: string }> = {
  kind: 'read',
  spec: {
    name: 'diagnose',
    group: 'Jobs',
    summary: 'Failed tasks of a job or one task: causes, fixes, verification results',
    positionals: [
      sourcePos,
      { name: 'job or task', required: true, help: 'job name or id, or task:<id> / job:<id>' },
    ],
    flags: {},
    examples: [
      'diagnose hive-prod sales_orders_2025',
      'diagnose hive-prod task:7680',
      'diagnose hive-prod 10',
    ],
  },
  params: z
    .object({
      source: req('source', 'a data source name or id'),
      'job or task': req('job or task', 'a job or a task'),
    })
    .transform((x) => ({ source: x.source, target: x['job or task'] })),
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const target = await jobOrTask(ctx, s, p.target);
    if (target.kind === 'task') {
      const t = target.task;
      const entries = await ctx.mms.listTaskLogs(s.id, t.id);
      const v = verificationFromLogs(entries, t);
      const diagnoses = /FAILED/.test(t.status ?? '')
        ? [diagnoseTask(t, entries, diagnosisContext(ctx, s))]
        : [];
      const table = taskTable(t, await jobOf(ctx, s.id, t));
      const verification = v ? [{ table, ...v, ok: v.source === v.destination }] : [];
      return diagnosisMessage(
        s,
        `task ${t.id} (${table})`,
        summarizeDiagnoses(diagnoses),
        verification,
        ctx.render,
      );
    }
    const j = target.job;
    const report = await diagnoseFailures(ctx, s, j);
    const more = report.failedTotal - report.diagnoses.length;
    const subject = `job ${ref(j)}${more > 0 ? ` — ${report.failedTotal} failed tasks, first ${report.diagnoses.length} read` : ''}`;
    return diagnosisMessage(
      s,
      subject,
      summarizeDiagnoses(report.diagnoses),
      report.verification,
      ctx.render,
    );
  },
};

type Target = { kind: 'job'; job: Job } | { kind: 'task'; task: Task };

/** MMS.md §1: a job id or name is a job; `task:<id>` is a task; a bare number that is both asks. */
async function jobOrTask(ctx: OpContext, s: DataSource, input: string): Promise<Target> {
  const m = /^(job|task):(\d+)$/i.exec(input);
  if (m?.[1]?.toLowerCase() === 'task')
    return { kind: 'task', task: await ctx.mms.getTask(s.id, Number(m[2])) };
  if (m) return { kind: 'job', job: await ctx.mms.getJob(s.id, Number(m[2])) };
  if (!/^\d+$/.test(input)) return { kind: 'job', job: await resolveJobArg(ctx, s.id, input) };
  const id = Number(input);
  const [j, t] = await Promise.all([
    ctx.mms.getJob(s.id, id).catch(notFoundAsNull),
    ctx.mms.getTask(s.id, id).catch(notFoundAsNull),
  ]);
  if (j && t) {
    throw new ResolveError('job', {
      kind: 'ambiguous',
      input,
      candidates: [
        { id, name: `job ${id} (${j.name})`, token: `job:${id}` },
        { id, name: `task ${id} (${taskTable(t, null)})`, token: `task:${id}` },
      ],
    });
  }
  if (j) return { kind: 'job', job: j };
  if (t) return { kind: 'task', task: t };
  throw new ResolveError('job', { kind: 'not-found', input, near: [] });
}

function notFoundAsNull(e: unknown): null {
  if (e instanceof MmsError && e.kind === 'not-found') return null;
  throw e;
}
