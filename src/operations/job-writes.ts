// Managing a job: stop, start (resume), retry, delete. Each re-reads the job at confirm time and runs
// only if it is still in a state where the action makes sense (MMS.md §5: re-read after every write).
import { z } from 'zod';
import type { MmsClient } from '../mms/client.js';
import { listAll } from '../mms/client.js';
import { isTaskFailed, type Job } from '../mms/schemas.js';
import type { ConfirmParam } from '../ui/confirm.js';
import { job, jobCardNote, jobPos, ref, req, source, sourcePos } from './common.js';
import { afterLostAnswer, answerLost } from './lost-answer.js';
import { taskTable } from './tasks.js';
import { type JobWrite, type OpContext, UsageError, type WriteOp } from './types.js';

const Payload = z.object({
  sourceId: z.number(),
  sourceName: z.string(),
  jobId: z.number(),
  jobName: z.string(),
  status: z.string().nullable(),
  stopped: z.boolean().nullable(),
});
type Payload = z.infer<typeof Payload>;

const Params = z.object({
  source: req('source', 'a data source name or id'),
  job: req('job', 'a job name or id'),
});
type Params = z.infer<typeof Params>;

const describe = (j: Pick<Job, 'status' | 'stopped'>) =>
  `${j.status ?? 'unknown'}${j.stopped ? ' (stopped)' : ''}`;

interface JobAction {
  name: Exclude<JobWrite, 'retry-task'>;
  title: string;
  summary: string;
  /** Why the action does not fit the job's state, or null when it does. */
  refuse(j: Job): string | null;
  call(mms: MmsClient, sid: number, jobId: number): Promise<unknown>;
  warnings: string[];
  done: (j: string) => string;
  /**
   * Whether the job is worth watching after the action; `cards`: only its cards are told (a deleted job
   * has nothing more to watch, but its cards say it is gone).
   */
  watch: boolean | 'cards';
  /** Whether the job as re-read (null: gone) shows the action happened. */
  happened(after: Job | null): boolean;
  /** More for the card, read at plan time (retry: the tasks it reruns). */
  details?(ctx: OpContext, sid: number, j: Job): Promise<ConfirmParam[]>;
}

function jobAction(a: JobAction): WriteOp<Params, Payload> {
  return {
    kind: 'write',
    name: a.name,
    spec: {
      name: a.name,
      group: 'Jobs',
      summary: a.summary,
      positionals: [sourcePos, jobPos],
      flags: {},
      examples: [`${a.name} hive-prod sales_orders_2025`, `${a.name} hive-prod 10`],
    },
    params: Params,
    payload: Payload,
    async plan(ctx, p) {
      const s = await source(ctx, p.source);
      const j = await job(ctx, s.id, p.job);
      const why = a.refuse(j);
      if (why)
        throw new UsageError(`Cannot ${a.name} job ${ref(j)}: ${why}`, undefined, {
          kind: 'wrong-state',
          next: [{ text: `Job ${j.name}`, command: `job ${s.id} ${j.id}` }],
          mrkdwn: jobCardNote(ctx, s.id, j.id),
        });
      return {
        title: a.title,
        params: [
          { label: 'Region', value: ctx.region },
          { label: 'Source', value: ref(s) },
          { label: 'Job', value: ref(j) },
          { label: 'Database', value: j.srcDbName ?? '?' },
          { label: 'Current status', value: describe(j) },
          ...(a.details ? await a.details(ctx, s.id, j) : []),
        ],
        warnings: a.warnings,
        lockKey: `job:${ctx.region}:${s.id}:${j.id}`,
        payload: {
          sourceId: s.id,
          sourceName: s.name,
          jobId: j.id,
          jobName: j.name,
          status: j.status ?? null,
          stopped: j.stopped ?? null,
        },
      };
    },
    async recheck(ctx, x) {
      const j = await ctx.mms.getJob(x.sourceId, x.jobId);
      const changes: string[] = [];
      if ((j.status ?? null) !== x.status || (j.stopped ?? null) !== x.stopped) {
        changes.push(`job status is now ${describe(j)} (was ${describe(x)})`);
      }
      const why = a.refuse(j);
      if (why && !changes.length) changes.push(why);
      return changes;
    },
    async execute(ctx, x) {
      const label = `${x.jobName} (#${x.jobId})`;
      // What the watcher follows after the write; `done` is what the job card's thread says happened.
      const follow =
        a.watch === 'cards'
          ? ctx.services.watches.watchedAnywhere('job', ctx.region, x.sourceId, x.jobId)
          : a.watch;
      // `known`: the write surely ran (its asker is named in the job's thread; a delete ends its watches).
      const watchWith = (done: string, known = true) =>
        follow && (known || a.watch === true)
          ? {
              kind: 'job' as const,
              sourceId: x.sourceId,
              sourceName: x.sourceName,
              objectId: x.jobId,
              label: x.jobName,
              done,
              ...(known ? { write: a.name } : {}),
            }
          : undefined;
      try {
        await a.call(ctx.mms, x.sourceId, x.jobId);
      } catch (e) {
        if (!answerLost(e)) throw e;
        const v = await afterLostAnswer(e, {
          write: a.name,
          reread: () => ctx.mms.getJob(x.sourceId, x.jobId),
          happened: a.happened,
          now: (j) => (j ? `the job is now ${describe(j)}` : 'the job is gone'),
          check: `/mms job ${x.sourceName} ${x.jobId}`,
        });
        if (v.happened)
          return { ok: true, text: `${a.done(label)} (${v.text})`, watch: watchWith(a.done(label)) };
        // Unknown: watched all the same, so the job's card tells what it does.
        const unknown = watchWith(`The ${a.name} of ${label} may or may not have happened.`, false);
        return { ok: false, text: v.text, watch: v.happened === null ? unknown : undefined };
      }
      return { ok: true, text: a.done(label), watch: watchWith(a.done(label)) };
    },
  };
}

const running = (j: Job) => !j.stopped && (j.status === 'DOING' || j.status === 'INIT');

export const stopJob = jobAction({
  name: 'stop',
  title: 'Stop migration job',
  summary: 'Stop a running job (resume it later with start)',
  refuse: (j) =>
    j.stopped ? 'it is already stopped' : running(j) ? null : `it is ${describe(j)}, not running`,
  call: (m, s, id) => m.stopJob(s, id),
  warnings: ['Running tasks are paused; `start` resumes the job where it stopped.'],
  done: (j) => `Stop requested for job ${j}.`,
  watch: true,
  happened: (j) => j?.stopped === true,
});

export const startJob = jobAction({
  name: 'start',
  title: 'Resume stopped migration job',
  summary: 'Resume a job that stop stopped',
  refuse: (j) =>
    j.stopped
      ? null
      : j.status === 'FAILED'
        ? 'it is not stopped; `start` only resumes stopped jobs — use `retry` to rerun failed tasks'
        : `it is not stopped (status ${describe(j)}); \`start\` only resumes a job that \`stop\` stopped`,
  call: (m, s, id) => m.startJob(s, id),
  warnings: ['Writes to the source tables should still be stopped, or verification will fail.'],
  done: (j) => `Job ${j} resumed.`,
  watch: true,
  happened: (j) => j !== null && !j.stopped,
});

export const retryJob = jobAction({
  name: 'retry',
  title: 'Retry failed migration job',
  summary: 'Rerun the failed tasks of a job',
  refuse: (j) => (j.status === 'FAILED' ? null : `it is ${describe(j)}; only a FAILED job can be retried`),
  call: (m, s, id) => m.retryJob(s, id),
  warnings: [
    'Fix the cause first (`/mms diagnose`), or the tasks fail the same way again.',
    'Writes to the source tables should be stopped, or verification will fail.',
  ],
  done: (j) => `Retry started for job ${j}.`,
  watch: true,
  happened: (j) => j !== null && j.status !== 'FAILED',
  async details(ctx, sid, j) {
    const tasks = await listAll((pg) => ctx.mms.listTasks(sid, { jobId: j.id, ...pg })).catch(() => null);
    if (!tasks) return [{ label: 'Tasks it reruns', value: 'could not list them (MMS did not answer)' }];
    const failed = tasks.filter((t) => isTaskFailed(t.status));
    const line = (t: (typeof failed)[number]) => `${taskTable(t, j)} (${t.status ?? '?'})`;
    return [
      {
        label: 'Tasks it reruns',
        value: failed.length
          ? `${failed.length} failed: ${failed.slice(0, 15).map(line).join('; ')}${failed.length > 15 ? `; and ${failed.length - 15} more` : ''}`
          : 'none listed as failed by MMS',
      },
    ];
  },
});

export const deleteJob = jobAction({
  name: 'delete',
  title: 'Delete migration job',
  summary: 'Delete a job and its tasks (not a running one)',
  refuse: (j) => (running(j) ? 'it is running; stop it first' : null),
  call: (m, s, id) => m.deleteJob(s, id),
  warnings: [
    'The job and its task history are deleted in MMS. Data already migrated to MaxCompute stays.',
    'This cannot be undone.',
  ],
  done: (j) => `Job ${j} deleted.`,
  watch: 'cards',
  happened: (j) => j === null,
});
