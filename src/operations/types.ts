// The shape of one MMS operation, shared by both front doors (Slack and the watcher): its command
// grammar, its parameter schema, and either how to run it (reads) or how to plan, re-check and
// execute it after confirmation (writes).
import type { z } from 'zod';
import type { WriteOperation } from '../config.js';
import type { MmsClient } from '../mms/client.js';
import type { Services } from '../services.js';
import type { ConfirmParam } from '../ui/confirm.js';
import type { NextStep, UsageKind } from '../ui/errors.js';
import type { RenderCtx, SlackMessage } from '../ui/types.js';

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Shown in help, e.g. `--status <s>`. */
  hint?: string;
  help: string;
}

export interface PositionalSpec {
  name: string;
  required: boolean;
  help: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  positionals: PositionalSpec[];
  flags: Record<string, FlagSpec>;
  examples: string[];
  /** Paged lists take `--page N`. */
  paged?: boolean;
  /** Help groups commands under these headings. */
  group: 'Browse' | 'Scans' | 'Jobs' | 'Tasks' | 'Timers' | 'Notifications' | 'Admin';
}

/** Who asks, where, and against which region. */
export interface OpContext {
  mms: MmsClient;
  region: string;
  defaultRegion: string;
  user: string;
  channel: string;
  team?: string;
  now: Date;
  render: RenderCtx;
  services: Services;
}

interface OpBase<P> {
  spec: CommandSpec;
  /** Parses the named positionals and flags. Messages name the argument and what it should hold. */
  params: z.ZodType<P>;
}

export interface ReadOp<P = unknown> extends OpBase<P> {
  kind: 'read';
  /** Answers from the bot's own state (no MMS, no Slack call), so the answer can go in the ack. */
  local?: true;
  run(ctx: OpContext, p: P): Promise<SlackMessage>;
}

/** What a write will do, shown on the confirmation card and stored until someone confirms. */
export interface Plan<X> {
  title: string;
  params: ConfirmParam[];
  warnings: string[];
  /** One pending write per job (or timer, or source scan) at a time. */
  lockKey: string | null;
  /** JSON-serialisable; re-parsed with `payload` schema when read back from SQLite. */
  payload: X;
}

/** The writes on a job its thread credits to whoever asked for them (`retry-task`: one task's retry). */
export const JOB_WRITES = [
  'stop',
  'start',
  'retry',
  'retry-task',
  'delete',
] as const satisfies readonly WriteOperation[];
export type JobWrite = (typeof JOB_WRITES)[number];

export interface WatchRequest {
  kind: 'job' | 'scan' | 'async';
  sourceId: number;
  sourceName: string;
  objectId: number;
  label: string;
  /** What the write did, in words (its outcome text): said on its confirmation card when the job already has a card. */
  done?: string;
  /** The write that ran (a job's thread names who asked for it; `delete` ends the job's watches). */
  write?: JobWrite;
}

/** A watch to register after a write ran, in the channel that asked, on the card that asked. */
export type WatchTarget = WatchRequest & {
  channel: string;
  user: string;
  region: string;
  cardTs: string | null;
};

export interface WriteOutcome {
  ok: boolean;
  text: string;
  /** What the watcher should follow from now on, in the channel that asked. */
  watch?: WatchRequest;
}

export interface WriteOp<P = unknown, X = unknown> extends OpBase<P> {
  kind: 'write';
  name: WriteOperation;
  payload: z.ZodType<X>;
  /** With these parameters the command opens its form instead of planning (bare `migrate`). */
  opensForm?: (p: P) => boolean;
  plan(ctx: OpContext, p: P): Promise<Plan<X>>;
  /** At confirm time: what changed since the card was shown (empty: safe to run). */
  recheck(ctx: OpContext, x: X): Promise<string[]>;
  execute(ctx: OpContext, x: X): Promise<WriteOutcome>;
}

/** A user-facing problem with the request itself (bad argument, wrong state): shown as is. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly kind: UsageKind;
  readonly next: NextStep[];
  /** Trusted mrkdwn the bot built (a link to a card), shown after the message. */
  readonly mrkdwn: string | undefined;
  constructor(
    message: string,
    readonly hint?: string,
    o: { kind?: UsageKind; next?: NextStep[]; mrkdwn?: string | undefined } = {},
  ) {
    super(message);
    this.kind = o.kind ?? 'usage';
    this.next = o.next ?? [];
    this.mrkdwn = o.mrkdwn;
  }
}

export type { NextStep, UsageKind };
