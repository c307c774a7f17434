// Timers (scheduled incremental migrations): read them, and pause, resume, run now or delete one.
import { z } from 'zod';
import type { WriteOperation } from '../config.js';
import { listAll, type MmsClient } from '../mms/client.js';
import type { Job, Timer } from '../mms/schemas.js';
import { timerLogsMessage, timerMessage, timersMessage } from '../ui/timers.js';
import { page, pager, paging, ref, req, source, sourcePos, timer, timerPos } from './common.js';
import { type ReadOp, UsageError, type WriteOp } from './types.js';

const Params = z.object({
  source: req('source', 'a data source name or id'),
  timer: req('timer', 'a timer name or id'),
});
type Params = z.infer<typeof Params>;

export const timers: ReadOp<{ source: string; page?: number }> = {
  kind: 'read',
  spec: {
    name: 'timers',
    group: 'Timers',
    summary: 'Scheduled (recurring, incremental) migrations of a source',
    positionals: [sourcePos],
    flags: {},
    paged: true,
    examples: ['timers hive-prod'],
  },
  params: z.object({ source: req('source', 'a data source name or id'), page }),
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const res = await ctx.mms.listTimers(s.id, paging(p.page));
    return timersMessage(s, res, pager(ctx, `timers ${s.id}`, res), ctx.render);
  },
};

export const timerDetail: ReadOp<Params> = {
  kind: 'read',
  spec: {
    name: 'timer',
    group: 'Timers',
    summary: 'One timer: schedule, state, options',
    positionals: [sourcePos, timerPos],
    flags: {},
    examples: ['timer hive-prod sales_daily_0230'],
  },
  params: Params,
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const t = await timer(ctx, s.id, p.timer);
    return timerMessage(s, await ctx.mms.getTimer(s.id, t.id), ctx.render);
  },
};

export const timerLogs: ReadOp<Params & { page?: number }> = {
  kind: 'read',
  spec: {
    name: 'timer-logs',
    group: 'Timers',
    summary: 'The runs of a timer',
    positionals: [sourcePos, timerPos],
    flags: {},
    paged: true,
    examples: ['timer-logs hive-prod sales_daily_0230'],
  },
  params: Params.extend({ page }),
  run: async (ctx, p) => {
    const s = await source(ctx, p.source);
    const t = await timer(ctx, s.id, p.timer);
    const res = await ctx.mms.listTimerLogs(s.id, t.id, paging(p.page));
    return timerLogsMessage(s, t, res, pager(ctx, `timer-logs ${s.id} ${t.id}`, res), ctx.render);
  },
};

const Payload = z.object({
  sourceId: z.number(),
  sourceName: z.string(),
  timerId: z.number(),
  timerName: z.string(),
  stopped: z.boolean().nullable(),
});
type Payload = z.infer<typeof Payload>;

const schedule = (t: Timer) =>
  t.scheduleType === 'Hourly'
    ? `hourly at :${t.value ?? '?'}`
    : `${(t.scheduleType ?? '').toLowerCase()} at ${t.value ?? '?'}`;

interface TimerAction {
  name: WriteOperation;
  title: string;
  summary: string;
  refuse(t: Timer): string | null;
  call(m: MmsClient, sid: number, id: number): Promise<unknown>;
  warnings: string[];
  done(t: string): string;
  /** After the call: a job the action started, to watch in the channel that asked. */
  started?(m: MmsClient, x: Payload, before: number): Promise<Job | null>;
  /** Before the call: what `started` compares against. */
  baseline?(m: MmsClient, x: Payload): Promise<number>;
}

function timerAction(a: TimerAction): WriteOp<Params, Payload> {
  return {
    kind: 'write',
    name: a.name,
    spec: {
      name: a.name,
      group: 'Timers',
      summary: a.summary,
      positionals: [sourcePos, timerPos],
      flags: {},
      examples: [`${a.name} hive-prod sales_daily_0230`],
    },
    params: Params,
    payload: Payload,
    async plan(ctx, p) {
      const s = await source(ctx, p.source);
      const t = await timer(ctx, s.id, p.timer);
      const why = a.refuse(t);
      if (why)
        throw new UsageError(`Cannot ${a.name.replace('timer-', '')} timer ${ref(t)}: ${why}`, undefined, {
          kind: 'wrong-state',
        });
      return {
        title: a.title,
        params: [
          { label: 'Region', value: ctx.region },
          { label: 'Source', value: ref(s) },
          { label: 'Timer', value: ref(t) },
          { label: 'Database', value: t.srcDbName ?? '?' },
          { label: 'Schedule', value: schedule(t) },
          { label: 'State', value: t.stopped ? 'paused' : 'active' },
        ],
        warnings: a.warnings,
        lockKey: `timer:${ctx.region}:${s.id}:${t.id}`,
        payload: {
          sourceId: s.id,
          sourceName: s.name,
          timerId: t.id,
          timerName: t.name,
          stopped: t.stopped ?? null,
        },
      };
    },
    async recheck(ctx, x) {
      const t = await ctx.mms.getTimer(x.sourceId, x.timerId);
      const changes: string[] = [];
      if ((t.stopped ?? null) !== x.stopped)
        changes.push(`the timer is now ${t.stopped ? 'paused' : 'active'}`);
      const why = a.refuse(t);
      if (why && !changes.length) changes.push(why);
      return changes;
    },
    async execute(ctx, x) {
      const before = a.baseline ? await a.baseline(ctx.mms, x).catch(() => 0) : 0;
      await a.call(ctx.mms, x.sourceId, x.timerId);
      const job = a.started ? await a.started(ctx.mms, x, before).catch(() => null) : null;
      return {
        ok: true,
        text: a.done(`${x.timerName} (#${x.timerId})`) + (job ? ` Its job is ${job.name} (#${job.id}).` : ''),
        watch: job
          ? { kind: 'job', sourceId: x.sourceId, sourceName: x.sourceName, objectId: job.id, label: job.name }
          : undefined,
      };
    },
  };
}

export const timerPause = timerAction({
  name: 'timer-pause',
  title: 'Pause timer',
  summary: 'Pause a timer (no runs until resumed)',
  refuse: (t) => (t.stopped ? 'it is already paused' : null),
  call: (m, s, id) => m.updateTimer(s, id, { stopped: true }),
  warnings: ['Scheduled runs are skipped while the timer is paused.'],
  done: (t) => `Timer ${t} paused.`,
});

export const timerResume = timerAction({
  name: 'timer-resume',
  title: 'Resume timer',
  summary: 'Resume a paused timer',
  refuse: (t) => (t.stopped ? null : 'it is not paused'),
  call: (m, s, id) => m.updateTimer(s, id, { stopped: false }),
  warnings: ['The next run migrates everything that changed while the timer was paused.'],
  done: (t) => `Timer ${t} resumed.`,
});

export const timerRun = timerAction({
  name: 'timer-run',
  title: 'Run timer now',
  summary: 'Trigger one run of a timer now',
  refuse: () => null,
  call: (m, s, id) => m.triggerTimer(s, id),
  warnings: [
    'A migration job starts now, besides the scheduled runs.',
    'Writes to the source tables should be stopped.',
  ],
  done: (t) => `Timer ${t} triggered: a run starts now.`,
  // The run's job is the newest job of this timer; when it shows up at once, it is watched here.
  baseline: async (m, x) => (await newestTimerJob(m, x))?.id ?? 0,
  started: async (m, x, before) => {
    const j = await newestTimerJob(m, x);
    return j && j.id > before ? j : null;
  },
});

export const timerDelete = timerAction({
  name: 'timer-delete',
  title: 'Delete timer',
  summary: 'Delete a timer (its past jobs stay)',
  refuse: () => null,
  call: (m, s, id) => m.deleteTimer(s, id),
  warnings: ['No further scheduled runs. Jobs it already started stay. This cannot be undone.'],
  done: (t) => `Timer ${t} deleted.`,
});

async function newestTimerJob(m: MmsClient, x: Payload): Promise<Job | null> {
  const jobs = await listAll((p) => m.listJobs(x.sourceId, { timerId: x.timerId, ...p }), {
    pageSize: 100,
    max: 1000,
  });
  return jobs.reduce<Job | null>((a, j) => (!a || j.id > a.id ? j : a), null);
}
