// Migration jobs: the list, one job in detail, and the watcher's in-place job card.
import type { Button, KnownBlock } from '@slack/types';
import { isJobTerminal, type Job, type Page, TASK_STATUSES } from '../mms/schemas.js';
import { cmd, runButton, withRegion } from './actions.js';
import { label, listMessage, sourceLabel } from './common.js';
import { esc, inlineCode, truncate } from './escape.js';
import { type Unreachable, unreachableLine } from './events.js';
import {
  exactCount,
  humanDuration,
  percent,
  progressBar,
  statusEmoji,
  statusText,
  timeText,
} from './format.js';
import { actions, confirmDialog, context, fields, header, section } from './kit.js';
import { message } from './message.js';
import { optionsText } from './options.js';
import { type MovedSizes, movedLine } from './sizes.js';
import type { Pager, RenderCtx, SlackMessage, SourceRef } from './types.js';

const FAILED_STATUSES = ['SCHEMA_FAILED', 'DATA_FAILED', 'VERIFICATION_FAILED'] as const;
const FAILED_LABEL: Record<string, string> = {
  SCHEMA_FAILED: 'Schema failed',
  DATA_FAILED: 'Data failed',
  VERIFICATION_FAILED: 'Verify failed',
};

/** `sales` → `mc_sales.default` (escaped). */
function route(job: Job): string {
  const src = [job.srcDbName, job.srcSchemaName].filter(Boolean).join('.') || '?';
  const dst = [job.dstDbName, job.dstSchemaName].filter(Boolean).join('.');
  return `*${esc(src)}*` + (dst ? ` → ${inlineCode(dst)}` : '');
}

function stateText(job: Job): string {
  return statusText(job.status) + (job.stopped ? ' · ⏸️ stopped' : '');
}

function progressText(job: Job, width = 20): string {
  if (typeof job.taskNum !== 'number' || job.taskNum <= 0) return 'no tasks yet';
  const done = job.taskDone ?? 0;
  return `\`${progressBar(done, job.taskNum, width)}\` ${percent(done, job.taskNum)} · ${exactCount(done)} of ${exactCount(job.taskNum)} tasks done`;
}

/** Task counts in lifecycle order: `❌ DATA_FAILED 3 · ✅ DONE 40`. */
export function countsText(counts: Record<string, number>): string {
  const known: string[] = [...TASK_STATUSES];
  const keys = Object.keys(counts)
    .filter((k) => (counts[k] ?? 0) > 0)
    .sort((a, b) => {
      const ia = known.indexOf(a);
      const ib = known.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    });
  if (keys.length === 0) return 'no tasks';
  return keys.map((k) => `${statusEmoji(k)} ${esc(k)} ${exactCount(counts[k] ?? 0)}`).join(' · ');
}

function jobLine(job: Job): string {
  const parts = [
    `${statusEmoji(job.status)} *${esc(job.name)}* ${inlineCode(`#${job.id}`)}`,
    job.status ? esc(job.status) : '',
    job.stopped ? '⏸️ stopped' : '',
    job.type ? esc(job.type) : '',
    route(job),
    typeof job.taskNum === 'number'
      ? `${exactCount(job.taskDone ?? 0)}/${exactCount(job.taskNum)} tasks`
      : '',
  ];
  return parts.filter((p) => p !== '').join(' · ');
}

export function jobsMessage(source: SourceRef, page: Page<Job>, pager: Pager, ctx: RenderCtx): SlackMessage {
  const sid = source.id;
  return listMessage({
    text: `Jobs of ${esc(source.name)}: ${page.items.length} shown of ${page.total}`,
    title: `Jobs · ${source.name}`,
    intro: `Source ${sourceLabel(source)}`,
    items: page.items.map((job) => ({
      line: jobLine(job),
      drill: runButton(label(job.name), withRegion(cmd.job(sid, job.id), ctx)),
    })),
    empty: 'No jobs match.',
    pager,
    ctx,
    extra: [runButton('Migrate…', withRegion(cmd.migrate(sid), ctx), 'primary')],
    narrow: `a name or status: ${inlineCode(`jobs ${sid} <name> --status FAILED`)}`,
  });
}

/** Whether the job may be deleted: not running (finished, or stopped). */
const isRunning = (job: Job): boolean => !job.stopped && !isJobTerminal(job.status);

function jobButtons(
  sid: number,
  job: Job,
  counts: Record<string, number> | null,
  run: (text: string, command: string, style?: 'primary' | 'danger') => Button,
): Button[] {
  const b: Button[] = [run('Tasks', cmd.tasks(sid, job.id))];
  const failed = counts
    ? FAILED_STATUSES.filter((s) => (counts[s] ?? 0) > 0)
    : job.status === 'FAILED'
      ? [...FAILED_STATUSES]
      : [];
  for (const s of failed) {
    const n = counts?.[s];
    b.push(run(`${FAILED_LABEL[s]}${n ? ` (${exactCount(n)})` : ''}`, cmd.tasks(sid, job.id, s)));
  }
  b.push(run('Diagnose', cmd.diagnoseJob(sid, job.id)));
  if (job.status === 'DOING' && !job.stopped) b.push(run('Stop', cmd.jobOp('stop', sid, job.id), 'danger'));
  if (job.stopped) b.push(run('Start (resume)', cmd.jobOp('start', sid, job.id), 'primary'));
  if (job.status === 'FAILED') b.push(run('Retry', cmd.jobOp('retry', sid, job.id), 'primary'));
  if (!isJobTerminal(job.status) || job.stopped) b.push(run('Watch', cmd.watch(sid, job.id)));
  if (!isRunning(job)) {
    const del = run('Delete', cmd.jobOp('delete', sid, job.id), 'danger');
    del.confirm = confirmDialog(
      `Delete job ${truncate(job.name, 60)}?`,
      'You will get a confirmation card next. Deleting a job cannot be undone.',
      'Continue',
      'Back',
    );
    b.push(del);
  }
  return b;
}

export function jobMessage(
  source: SourceRef,
  job: Job,
  counts: Record<string, number> | null,
  ctx: RenderCtx,
): SlackMessage {
  const sid = source.id;
  const run = (text: string, command: string, style?: 'primary' | 'danger') =>
    runButton(text, withRegion(command, ctx), style);
  const blocks: KnownBlock[] = [header(`Job ${job.name} (#${job.id})`)];
  blocks.push(
    section(
      `${stateText(job)}${job.type ? ` · ${esc(job.type)}` : ''}\n${route(job)} · source ${sourceLabel(source)}\n${progressText(job)}`,
    ),
  );
  if (counts) blocks.push(section(`*Tasks by status*: ${countsText(counts)}`));
  const times: Array<[string, string]> = [['Created', timeText(job.createTime)]];
  blocks.push(...fields(times));
  const options = optionsText(job.config);
  if (options) blocks.push(section(`*Options*\n${options}`));
  blocks.push(actions(jobButtons(sid, job, counts, run)));
  const text = `Job ${esc(job.name)} (#${job.id}): ${esc(job.status ?? 'unknown')}${job.stopped ? ' (stopped)' : ''}, ${exactCount(job.taskDone ?? 0)}/${exactCount(job.taskNum ?? 0)} tasks done`;
  return message(text, blocks);
}

/** What the watcher last told about the job (data; the card words it). */
export interface CardEvent {
  kind: string;
  /** Epoch ms. */
  at: number;
  count?: number | undefined;
  table?: string | undefined;
  status?: string | undefined;
}

/** A task MMS lists as failed now: named on the card with its phase. */
export interface FailingTask {
  id: number;
  table: string;
  status: string;
}

export interface JobCardView {
  source: { id: number; name: string };
  /** The job as last seen; `starting`: MMS does not list it yet (just created). */
  job: Job;
  starting?: boolean;
  counts: Record<string, number> | null;
  /** Tasks MMS lists as failed now. */
  failing?: FailingTask[];
  region: string;
  elapsedMs: number | null;
  etaMs: number | null;
  last: CardEvent | null;
  /** MMS cannot be reached for the job's source (the card says since when and why). */
  unreachable: Unreachable | null;
  /** A caveat about the status shown (MMS's job status contradicted by its tasks). */
  note?: string | null;
  finished: boolean;
  /** The job was deleted: the card keeps what it last showed, and offers nothing more. */
  deleted?: boolean;
  /** Source sizes of the job's tables, done of all (MMS's inventory); null or absent: none reported. */
  moved?: MovedSizes | null;
  /**
   * Optional: the bot's default region. When given, buttons add `--region` only off the default; when
   * absent they always carry `--region <region>` (a card lives long; explicit is always right).
   */
  defaultRegion?: string;
}

/** Slack's date token: each reader sees the time in their own zone; `fallback` where it cannot render. */
export function slackDate(ms: number, format = '{date_short_pretty} {time}'): string {
  const d = new Date(ms);
  const fallback = `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback}>`;
}

const PHASE: Record<string, string> = {
  SCHEMA_FAILED: 'schema',
  DATA_FAILED: 'data',
  VERIFICATION_FAILED: 'verification',
};

/** What the event was, in plain words (not escaped): `sales.orders failed (data phase)`. */
export function cardEventPlain(e: CardEvent): string {
  const n = e.count ?? 0;
  const table = e.table ? truncate(e.table, 80) : '';
  const what: Record<string, string> = {
    created: 'created and started',
    started: 'started',
    watching: 'watching',
    stopped: 'stopped',
    resumed: 'resumed',
    retried: n > 0 ? `retried (${exactCount(n)} task${n === 1 ? '' : 's'})` : 'retried',
    'task-failed': `${table || 'a task'} failed${e.status && PHASE[e.status] ? ` (${PHASE[e.status]} phase)` : ''}`,
    'tasks-failed': `${exactCount(n)} tasks failed`,
    finished: `finished: ${e.status ?? 'unknown'}`,
    deleted: 'deleted in MMS',
    'scan-done': 'scan finished',
    'scan-failed': 'scan failed',
    'async-failed': 'job creation failed',
    'gave-up': 'gave up waiting',
  };
  return what[e.kind] ?? e.kind;
}

/** The card's "Last:" line: the event and when (in each reader's own zone). */
export const cardEventText = (e: CardEvent): string =>
  `${esc(cardEventPlain(e))} · ${slackDate(e.at, '{time}')}`;

/** Failed tables with their phase: `*orders* (data) · *customers* (verification)`, the first few. */
function failingText(failing: readonly FailingTask[], max = 5): string {
  const shown = failing
    .slice(0, max)
    .map((f) => `*${esc(truncate(f.table, 80))}* (${PHASE[f.status] ?? esc(f.status)})`);
  const more = failing.length - shown.length;
  return shown.join(' · ') + (more > 0 ? ` · +${exactCount(more)} more` : '');
}

function tablesText(done: number, total: number | null | undefined, width = 20): string {
  if (typeof total !== 'number' || total <= 0) return 'no tables yet';
  return `\`${progressBar(done, total, width)}\` ${percent(done, total)} · ${exactCount(done)} of ${exactCount(total)} tables done`;
}

/** The watcher's card, edited in place as the job moves: one card for the job's whole life. */
export function jobCard(view: JobCardView): SlackMessage {
  const { job, source } = view;
  const sid = source.id;
  const regionCtx = { region: view.region, defaultRegion: view.defaultRegion ?? '' };
  const run = (text: string, command: string, style?: 'primary' | 'danger') =>
    runButton(text, withRegion(command, regionCtx), style);
  const failing = view.failing ?? [];
  const countedFailed = view.counts ? FAILED_STATUSES.reduce((n, s) => n + (view.counts?.[s] ?? 0), 0) : 0;
  const failedCount = Math.max(countedFailed, failing.length);
  const failed = job.status === 'FAILED' || failedCount > 0;
  const stopped = job.stopped === true && !view.finished;
  const starting = view.starting === true && !view.finished;
  const done = job.taskDone ?? 0;

  const name = `Job *${esc(job.name)}* ${inlineCode(`#${job.id}`)}`;
  const deleted = view.deleted === true;
  const title = deleted
    ? `🗑️ ${name} · *deleted*`
    : view.finished
      ? `${statusEmoji(job.status)} ${name} finished: *${esc(job.status ?? 'unknown')}*`
      : starting
        ? `🆕 ${name} · *starting* (MMS does not list it yet)`
        : stopped
          ? `⏸️ ${name} · *stopped*`
          : `${statusEmoji(job.status)} ${name} · *${esc(job.status ?? 'starting')}*`;
  const where = `${job.srcDbName ? `${route(job)} · ` : ''}source ${sourceLabel(source)} · ${esc(view.region)}`;
  const progress = starting
    ? 'waiting for MMS to list the job and its tables'
    : tablesText(done, job.taskNum);
  const sizes = starting ? null : movedLine(view.moved);
  const blocks: KnownBlock[] = [section(`${title}\n${where}\n${progress}${sizes ? `\n${sizes}` : ''}`)];
  if (failing.length > 0) blocks.push(section(`❌ Failed: ${failingText(failing)}`));
  else if (countedFailed > 0 && view.counts) blocks.push(section(`*Tasks*: ${countsText(view.counts)}`));
  if (view.unreachable) blocks.push(section(`⚠️ ${unreachableLine(view.unreachable)}`));
  if (view.note) blocks.push(section(`⚠️ ${esc(truncate(view.note, 500))}`));
  const meta: string[] = [];
  if (view.elapsedMs !== null)
    meta.push(`${view.finished ? 'Took' : 'Elapsed'} ${humanDuration(view.elapsedMs)}`);
  if (!view.finished && !stopped) {
    const eta = job['eta'];
    if (typeof eta === 'string' && eta) meta.push(`MMS ETA ${esc(truncate(eta, 40))}`);
    else if (view.etaMs !== null) meta.push(`ETA ≈ ${humanDuration(view.etaMs)}`);
  }
  // A finished card's title already says how it ended: its last line says only when.
  if (view.last && view.finished && view.last.kind === 'finished')
    meta.push(`Finished ${slackDate(view.last.at)}`);
  else if (view.last) meta.push(`Last: ${cardEventText(view.last)}`);
  if (meta.length > 0) blocks.push(context(meta));

  const buttons: Button[] = [run('Details', cmd.job(sid, job.id))];
  if (failed) {
    buttons.push(run('Diagnose', cmd.diagnoseJob(sid, job.id), 'primary'));
    const phases = failing.length
      ? FAILED_STATUSES.filter((s) => failing.some((f) => f.status === s))
      : FAILED_STATUSES.filter((s) => (view.counts?.[s] ?? 0) > 0);
    for (const s of phases) buttons.push(run(FAILED_LABEL[s]!, cmd.tasks(sid, job.id, s)));
  } else if (!starting) {
    buttons.push(run('Tasks', cmd.tasks(sid, job.id)));
  }
  const live = !view.finished && !starting;
  if (live && !stopped && !isJobTerminal(job.status))
    buttons.push(run('Stop', cmd.jobOp('stop', sid, job.id), 'danger'));
  if (live && stopped) buttons.push(run('Resume', cmd.jobOp('start', sid, job.id), 'primary'));
  if (failedCount > 0 || (view.finished && job.status === 'FAILED'))
    buttons.push(run('Retry', cmd.jobOp('retry', sid, job.id)));
  if (!view.finished) buttons.push(run('Unwatch', cmd.unwatch(sid, job.id)));
  // A deleted job has nothing left to open, diagnose or retry.
  if (!deleted) blocks.push(actions(buttons));

  const text =
    `Job ${esc(job.name)} (#${job.id}) ${deleted ? '' : view.finished ? 'finished: ' : ''}` +
    (deleted ? 'deleted' : starting ? 'starting' : stopped ? 'stopped' : esc(job.status ?? 'starting')) +
    (starting ? '' : `, ${exactCount(done)}/${exactCount(job.taskNum ?? 0)} tasks`) +
    (failedCount > 0 ? `, ${exactCount(failedCount)} failed` : '') +
    (view.unreachable ? ' (MMS unreachable)' : '');
  return message(text, blocks);
}
