// Tasks: list, one task, its logs, and retrying one failed task.
import { z } from 'zod';
import { MmsError } from '../mms/errors.js';
import { isTaskFailed, type Job, TASK_STATUSES, type Task, taskPartitionFilter } from '../mms/schemas.js';
import { logsMessage, taskMessage, tasksMessage } from '../ui/tasks.js';
import {
  idArg,
  job,
  jobCardNote,
  opt,
  page,
  pager,
  paging,
  ref,
  req,
  source,
  sourcePos,
  taskPos,
} from './common.js';
import { afterLostAnswer, answerLost } from './lost-answer.js';
import { type OpContext, type ReadOp, UsageError, type WriteOp } from './types.js';

const taskStatus = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(TASK_STATUSES, { error: `--status takes one of ${TASK_STATUSES.join(', ')}` }))
  .optional();

export const tasks: ReadOp<{ source: string; job?: string; status?: string; table?: string; page?: number }> =
  {
    kind: 'read',
    spec: {
      name: 'tasks',
      group: 'Tasks',
      summary: 'List tasks (one per table or partition set)',
      positionals: [sourcePos],
      flags: {
        job: { type: 'string', hint: '<job>', help: 'only this job (name or id)' },
        status: { type: 'string', hint: '<s>', help: 'one task status, e.g. DATA_FAILED' },
        table: { type: 'string', hint: '<t>', help: 'source table name' },
      },
      paged: true,
      examples: ['tasks hive-prod --job sales_orders_2025', 'tasks hive-prod --status VERIFICATION_FAILED'],
    },
    params: z.object({
      source: req('source', 'a data source name or id'),
      job: opt,
      status: taskStatus,
      table: opt,
      page,
    }),
    run: async (ctx, p) => {
      const s = await source(ctx, p.source);
      const j = p.job ? await job(ctx, s.id, p.job) : null;
      const res = await ctx.mms.listTasks(s.id, {
        jobId: j?.id,
        status: p.status,
        srcTableName: p.table,
        ...paging(p.page),
      });
      const command = [
        `tasks ${s.id}`,
        j ? `--job ${j.id}` : '',
        p.status ? `--status ${p.status}` : '',
        p.table ? `--table ${p.table}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      return tasksMessage(s, res, pager(ctx, command, res), ctx.render, j);
    },
  };

const TaskParams = z.object({ source: req('source', 'a data source name or id'), task: idArg('task') });

export const taskDetail: ReadOp<{ source: string; task: number }> = {
  kind: 'read',
  spec: {
    name: 'task',
    group: 'Tasks',
    summary: 'One task: table, phase, status, times',
    positionals: [sourcePos, taskPos],
    flags: {},
    examples: ['task hive-prod 7680'],
  },
  params: TaskParams,
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const t = await ctx.mms.getTask(s.id, p.task);
    return taskMessage(s, t, ctx.render, await jobOf(ctx, s.id, t));
  },
};

export const logs: ReadOp<{ source: string; task: number }> = {
  kind: 'read',
  spec: {
    name: 'logs',
    group: 'Tasks',
    summary: 'The logs of a task (newest and failing entries first)',
    positionals: [sourcePos, taskPos],
    flags: {},
    examples: ['logs hive-prod 7680'],
  },
  params: TaskParams,
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const [task, entries] = await Promise.all([
      ctx.mms.getTask(s.id, p.task),
      ctx.mms.listTaskLogs(s.id, p.task),
    ]);
    return logsMessage(s, task, entries, ctx.render);
  },
};

const RetryPayload = z.object({
  sourceId: z.number(),
  sourceName: z.string(),
  taskId: z.number(),
  table: z.string(),
  jobId: z.number().nullable(),
  jobName: z.string().nullable(),
  status: z.string().nullable(),
  retriedTimes: z.number().nullable(),
});
type RetryPayload = z.infer<typeof RetryPayload>;

/** The task's table, with the partition filter its job gives it (the models give a task none). */
export const taskTable = (t: Task, job: Job | null) => {
  const filter = taskPartitionFilter(t, job);
  return `${t.srcDbName ?? '?'}.${t.srcTableName ?? '?'}${filter ? ` [${filter}]` : ''}`;
};

/** The task's job, for its config; null when the task names none or MMS no longer has it. */
export async function jobOf(ctx: OpContext, sid: number, t: Task): Promise<Job | null> {
  if (t.jobId === null || t.jobId === undefined) return null;
  try {
    return await ctx.mms.getJob(sid, t.jobId);
  } catch (e) {
    if (e instanceof MmsError && e.kind === 'not-found') return null;
    throw e;
  }
}

async function failedTask(ctx: OpContext, sid: number, taskId: number): Promise<Task> {
  const t = await ctx.mms.getTask(sid, taskId);
  if (!isTaskFailed(t.status)) {
    throw new UsageError(
      `The task for ${taskTable(t, await jobOf(ctx, sid, t))} is ${t.status ?? 'in an unknown state'}; only a failed task can be retried.`,
      undefined,
      { kind: 'wrong-state', mrkdwn: t.jobId ? jobCardNote(ctx, sid, t.jobId) : undefined },
    );
  }
  return t;
}

export const retryTask: WriteOp<{ source: string; task: number }, RetryPayload> = {
  kind: 'write',
  name: 'retry-task',
  spec: {
    name: 'retry-task',
    group: 'Tasks',
    summary: 'Retry one failed task',
    positionals: [sourcePos, taskPos],
    flags: {},
    examples: ['retry-task hive-prod 7680'],
  },
  params: TaskParams,
  payload: RetryPayload,
  async plan(ctx, p) {
    const s = await source(ctx, p.source);
    const t = await failedTask(ctx, s.id, p.task);
    const table = taskTable(t, await jobOf(ctx, s.id, t));
    return {
      title: 'Retry failed task',
      params: [
        { label: 'Region', value: ctx.region },
        { label: 'Source', value: ref(s) },
        { label: 'Task', value: String(t.id) },
        { label: 'Table', value: table },
        { label: 'Job', value: t.jobName ? `${t.jobName} (#${t.jobId})` : String(t.jobId ?? '?') },
        { label: 'Status', value: t.status ?? '?' },
        { label: 'Retried before', value: String(t.retriedTimes ?? 0) },
      ],
      warnings: [
        'Fix the cause first (`/mms diagnose`), or the task fails the same way again.',
        'Writes to the source table should be stopped, or verification will fail.',
      ],
      lockKey: `task:${ctx.region}:${s.id}:${t.id}`,
      payload: {
        sourceId: s.id,
        sourceName: s.name,
        taskId: t.id,
        table,
        jobId: t.jobId ?? null,
        jobName: t.jobName ?? null,
        status: t.status ?? null,
        retriedTimes: t.retriedTimes ?? null,
      },
    };
  },
  async recheck(ctx, x) {
    const t = await ctx.mms.getTask(x.sourceId, x.taskId);
    const changes: string[] = [];
    if ((t.status ?? null) !== x.status) changes.push(`task status is now ${t.status} (was ${x.status})`);
    if ((t.retriedTimes ?? null) !== x.retriedTimes) changes.push('someone retried it already');
    return changes;
  },
  async execute(ctx, x) {
    const watch =
      x.jobId !== null
        ? {
            kind: 'job' as const,
            sourceId: x.sourceId,
            sourceName: x.sourceName,
            objectId: x.jobId,
            label: x.jobName ?? '',
            write: 'retry-task' as const,
          }
        : undefined;
    const done = `Task ${x.taskId} (${x.table}) is being retried.`;
    try {
      await ctx.mms.retryTask(x.sourceId, x.taskId);
    } catch (e) {
      if (!answerLost(e)) throw e;
      const v = await afterLostAnswer(e, {
        write: 'retry-task',
        reread: () => ctx.mms.getTask(x.sourceId, x.taskId),
        // Retried: counted once more, or no longer in the failed status it had.
        happened: (t) =>
          t !== null && ((t.retriedTimes ?? 0) > (x.retriedTimes ?? 0) || (t.status ?? null) !== x.status),
        now: (t) =>
          t
            ? `the task is now ${t.status ?? 'unknown'}, retried ${t.retriedTimes ?? 0} times`
            : 'the task is gone',
        check: `/mms task ${x.sourceName} ${x.taskId}`,
      });
      if (v.happened) return { ok: true, text: `${done} (${v.text})`, watch };
      return { ok: false, text: v.text, watch: v.happened === null ? watch : undefined };
    }
    return { ok: true, text: done, watch };
  },
};
