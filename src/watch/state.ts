// What the watcher remembers per watch (`watches.state`, JSON). Every field falls back to its default on
// its own, so one unreadable field never resets the counters that event keys are built from.
import { z } from 'zod';
import type { Diagnosis, DiagnosisCategory } from '../diagnosis/diagnose.js';
import { CATEGORY_LABELS } from '../diagnosis/diagnose.js';
import { JOB_WRITES } from '../operations/types.js';

const str = z.string().nullable().catch(null);
const num = z.number().nullable().catch(null);
const count = z.number().int().nonnegative().catch(0);

/** MMS unreachable for this watch's source since `since` (watcher clock), for the card's status line. */
const Unreachable = z.object({ since: z.number(), kind: z.string() }).nullable().catch(null);

/** The job fields a card shows, so a card can be drawn again without asking MMS. */
export const JobSnapshot = z.object({
  id: z.number(),
  name: z.string(),
  status: str,
  stopped: z.boolean().catch(false),
  taskNum: num,
  taskDone: num,
  srcDbName: str,
  srcSchemaName: str,
  dstDbName: str,
  dstSchemaName: str,
  type: str,
  enableVerification: z.boolean().nullable().catch(null),
  /** MMS's own fields (the only times a Job declares). */
  createTime: str,
  eta: str,
});
export type JobSnapshot = z.infer<typeof JobSnapshot>;

const categories = Object.keys(CATEGORY_LABELS) as [DiagnosisCategory, ...DiagnosisCategory[]];

/** A diagnosis without its evidence: enough for the completion summary and App Home. */
export const StoredDiagnosis = z.object({
  taskId: z.number(),
  table: z.string(),
  phase: str,
  category: z.enum(categories).catch('unknown'),
  cause: z.string(),
  fix: z.string(),
  command: z.string().optional().catch(undefined),
  link: z.string().optional().catch(undefined),
  verification: z.object({ source: z.number(), destination: z.number() }).optional().catch(undefined),
});
export type StoredDiagnosis = z.infer<typeof StoredDiagnosis>;

export const storeDiagnosis = (d: Diagnosis): StoredDiagnosis => ({
  taskId: d.taskId,
  table: d.table,
  phase: d.phase,
  category: d.category,
  cause: d.cause.slice(0, 600),
  fix: d.fix.slice(0, 800),
  ...(d.command ? { command: d.command } : {}),
  ...(d.link ? { link: d.link } : {}),
  ...(d.verification ? { verification: d.verification } : {}),
});

export const asDiagnosis = (d: StoredDiagnosis): Diagnosis => ({ ...d, evidence: [] });

/** What the watcher last told about a watch, as data (the card's "Last:" line is drawn from it). */
export const LastEvent = z
  .object({
    kind: z.enum([
      'created',
      'started',
      'watching',
      'stopped',
      'resumed',
      'retried',
      'task-failed',
      'tasks-failed',
      'finished',
      'deleted',
      'scan-done',
      'scan-failed',
      'async-failed',
      'gave-up',
    ]),
    /** Watcher clock. */
    at: z.number(),
    count: z.number().int().nonnegative().optional().catch(undefined),
    table: z.string().optional().catch(undefined),
    status: z.string().optional().catch(undefined),
  })
  .nullable()
  .catch(null);
export type LastEvent = z.infer<typeof LastEvent>;

/** A task of the job MMS lists as failed now: named on the card with its phase. */
export const FailedTask = z.object({
  id: z.number(),
  table: z.string(),
  status: z.string(),
  retriedTimes: z.number().int().nonnegative().catch(0),
});
export type FailedTask = z.infer<typeof FailedTask>;

/**
 * A thread message of the job that carries buttons: its outbox key (its ts comes back on that row once
 * sent), what it is, and the tasks it offers to retry. Edited once its buttons no longer fit the job.
 */
export const ButtonMessage = z.object({
  key: z.string(),
  kind: z.enum(['stopped', 'task-failed', 'tasks-failed', 'finished']),
  tasks: z.array(z.number()).catch([]),
});
export type ButtonMessage = z.infer<typeof ButtonMessage>;

/** A thread message whose buttons gave way to a retry: its outbox key, when and by whom it was retried. */
export const RetriedNote = z.object({
  key: z.string(),
  at: z.number(),
  by: z.string().nullable().catch(null),
});
export type RetriedNote = z.infer<typeof RetriedNote>;

/** A write on the job confirmed in Slack: who asked and when, so the thread can name them. */
export const AskedWrite = z.object({
  write: z.enum(JOB_WRITES),
  by: z.string(),
  /** Watcher clock. */
  at: z.number(),
});
export type AskedWrite = z.infer<typeof AskedWrite>;

/**
 * Source sizes of the job's tables, as MMS's table inventory reports them (ListMmsTables `numRows`, `size`:
 * as of the source's last metadata scan), summed: all the tables the job's tasks cover, and those whose
 * tasks are all done. Sums only, whatever the number of tables; `of` says which table set and done set
 * they were summed for, so they are fetched again only when either changes.
 */
export const JobSizes = z.object({
  /** Fingerprint of the table set and the done set (job-events `sizeKey`). */
  of: z.string(),
  tables: count,
  doneTables: count,
  /** Tables the inventory gave no size or no row count for (not listed, or the field absent). */
  unsized: count,
  rows: num,
  bytes: num,
  doneRows: num,
  doneBytes: num,
  /** Watcher clock when the tasks last said which tables are done (the sums are as of then). */
  at: num,
});
export type JobSizes = z.infer<typeof JobSizes>;

export const JobState = z.object({
  /** Where the watch came from: a Slack write, a job creation (async task), or discovery. */
  origin: z.enum(['slack', 'created', 'discovered']).catch('slack'),
  /** Bumped each time a finished job runs again (retry), so its events get fresh keys. */
  run: z.number().int().positive().catch(1),
  job: JobSnapshot.nullable().catch(null),
  counts: z.record(z.string(), z.number()).nullable().catch(null),
  /** Watcher clock when the task list was last read. */
  tasksAt: num,
  started: z.boolean().catch(false),
  /** Watcher clock when the job was first seen running, and its taskDone then (elapsed time, ETA). */
  firstRunningAt: num,
  doneAtStart: count,
  finishedAt: num,
  stops: count,
  resumes: count,
  retries: count,
  /** Retries already told: task id → the retriedTimes told. */
  retriedSeen: z.record(z.string(), z.number()).catch({}),
  failGroups: count,
  /** Failed tasks already announced: task id → retriedTimes at the failure. */
  failedSeen: z.record(z.string(), z.number()).catch({}),
  /** New failures left for the next cycle (log reads are capped per cycle). */
  failuresPending: z.boolean().catch(false),
  diagnoses: z.array(StoredDiagnosis).catch([]),
  /** Failed tasks not diagnosed (beyond the cap), for the summary. */
  undiagnosed: count,
  /** The job's tasks MMS lists as failed now (from the per-source failure query). */
  failing: z.array(FailedTask).catch([]),
  /** Watcher clock when the job's progress (status, stopped, taskDone, taskNum) last moved. */
  movedAt: num,
  last: LastEvent,
  unreachable: Unreachable,
  ended: z.enum(['finished', 'deleted']).nullable().catch(null),
  /**
   * MMS's job status and its tasks disagree (MMS.md §4: job status can lag): the job status, what the tasks
   * say, and the consecutive cycles seen. Kept at the end when the watcher gave up waiting.
   */
  lag: z
    .object({ status: z.string(), tasks: z.string(), cycles: z.number().int().nonnegative() })
    .nullable()
    .catch(null),
  /** The outcome reported from the tasks when MMS's job status never caught up with them. */
  verdict: str,
  /** Tasks resting at a *_DONE (later phases off; not running), at the last task read. */
  resting: count,
  /** Thread messages whose buttons still fit the job (oldest first). */
  buttons: z.array(ButtonMessage).catch([]),
  /** The last write confirmed in Slack and not yet seen happen. */
  asked: AskedWrite.nullable().catch(null),
  /** Messages settled by a retry whose outcome they do not say yet: told it when the job ends. */
  retriedNotes: z.array(RetriedNote).catch([]),
  /** The job's table sizes (null: not known, or not meaningful for this job). */
  sizes: JobSizes.nullable().catch(null),
});
export type JobState = z.infer<typeof JobState>;

export const ScanResult = z.object({ databases: num, tables: num, partitions: num });
export type ScanResult = z.infer<typeof ScanResult>;

export const ScanState = z.object({
  /** MMS's scan status. */
  status: z.string().optional().catch(undefined),
  progress: num,
  result: ScanResult.nullable().catch(null),
  errorMsg: str,
  outcome: z.enum(['done', 'failed', 'gave-up']).nullable().catch(null),
  unreachable: Unreachable,
  last: LastEvent,
});
export type ScanState = z.infer<typeof ScanState>;

export const AsyncState = z.object({
  /** MMS's async task status. */
  status: z.string().optional().catch(undefined),
  progress: num,
  errorMsg: str,
  jobId: num,
  outcome: z.enum(['done', 'failed', 'gave-up']).nullable().catch(null),
  unreachable: Unreachable,
  last: LastEvent,
});
export type AsyncState = z.infer<typeof AsyncState>;

const parse = <S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> => {
  const r = schema.safeParse(raw && typeof raw === 'object' ? raw : {});
  return r.success ? r.data : schema.parse({});
};

export const jobState = (raw: unknown): JobState => parse(JobState, raw);
export const scanState = (raw: unknown): ScanState => parse(ScanState, raw);
export const asyncState = (raw: unknown): AsyncState => parse(AsyncState, raw);
