// Migration jobs: the list, one job in detail, and the watcher's in-place job card.
import type { Button, KnownBlock } from '@slack/types';
import { isJobTerminal, type Job, type Page, TASK_STATUSES } from '../mms/schemas.js';
import { cmd, runButton, withRegion } from './actions.js';
import { label, listMessage, sourceLabel } from './common.js';
import { codeBlock, esc, inlineCode, truncate } from './escape.js';
import {
  exactCount,
  humanDuration,
  percent,
  progressBar,
  statusEmoji,
  statusText,
  timeText,
  valueText,
} from './format.js';
import { actions, confirmDialog, context, fields, header, section } from './kit.js';
import { message } from './message.js';
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

/** One option value, lists summarised with their count. */
function optionValue(v: unknown): string {
  if (Array.isArray(v)) {
    const items = v.map((x) => valueText(x));
    const shown: string[] = [];
    let len = 0;
    for (const it of items) {
      if (len + it.length > 300) break;
      shown.push(it);
      len += it.length + 2;
    }
    const more = items.length - shown.length;
    return `${shown.join(', ')}${more > 0 ? `, … (+${exactCount(more)} more, ${exactCount(items.length)} in total)` : ''}`;
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    const text = entries.map(([k, x]) => `${k}: ${valueText(x)}`).join('; ');
    return truncate(text, 400) + (text.length > 400 ? ` (${exactCount(entries.length)} entries)` : '');
  }
  return truncate(valueText(v), 300);
}

function optionsBlock(config: Record<string, unknown> | null | undefined): string | null {
  if (!config) return null;
  const lines = Object.entries(config)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .slice(0, 40)
    .map(([k, v]) => `${k}: ${optionValue(v).replace(/\s+/g, ' ')}`);
  return lines.length ? `*Options*\n${codeBlock(lines.join('\n'), 2800)}` : null;
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
  if (job.updateTime) times.push(['Updated', timeText(job.updateTime)]);
  if (job.startTime) times.push(['Started', timeText(job.startTime)]);
  if (job.endTime) times.push(['Ended', timeText(job.endTime)]);
  if (job.timerId !== null && job.timerId !== undefined) times.push(['Timer', inlineCode(`#${job.timerId}`)]);
  blocks.push(...fields(times));
  const options = optionsBlock(job.config);
  if (options) blocks.push(section(options));
  blocks.push(actions(jobButtons(sid, job, counts, run)));
  const text = `Job ${esc(job.name)} (#${job.id}): ${esc(job.status ?? 'unknown')}${job.stopped ? ' (stopped)' : ''}, ${exactCount(job.taskDone ?? 0)}/${exactCount(job.taskNum ?? 0)} tasks done`;
  return message(text, blocks);
}

export interface JobCardView {
  source: { id: number; name: string };
  job: Job;
  counts: Record<string, number> | null;
  region: string;
  elapsedMs: number | null;
  etaMs: number | null;
  lastEvent: string | null;
  /** e.g. 'MMS unreachable since 10:42 (throttled); retrying' */
  unreachable: string | null;
  /** A caveat about the status shown (MMS's job status contradicted by its tasks). */
  note?: string | null;
  finished: boolean;
  /**
   * Optional: the bot's default region. When given, buttons add `--region` only off the default; when
   * absent they always carry `--region <region>` (a card lives long; explicit is always right).
   */
  defaultRegion?: string;
}

/** The watcher's card, edited in place as the job moves. */
export function jobCard(view: JobCardView): SlackMessage {
  const { job, source } = view;
  const sid = source.id;
  const regionCtx = { region: view.region, defaultRegion: view.defaultRegion ?? '' };
  const run = (text: string, command: string, style?: 'primary' | 'danger') =>
    runButton(text, withRegion(command, regionCtx), style);
  const failedCount = view.counts ? FAILED_STATUSES.reduce((n, s) => n + (view.counts?.[s] ?? 0), 0) : 0;
  const failed = job.status === 'FAILED' || failedCount > 0;

  const title = view.finished
    ? `${statusEmoji(job.status)} Job *${esc(job.name)}* ${inlineCode(`#${job.id}`)} finished: *${esc(job.status ?? 'unknown')}*`
    : `${statusEmoji(job.status)} Job *${esc(job.name)}* ${inlineCode(`#${job.id}`)} · *${esc(job.status ?? 'unknown')}*` +
      (job.stopped ? ' · ⏸️ stopped' : '');
  const blocks: KnownBlock[] = [
    section(
      `${title}\n${route(job)} · source ${sourceLabel(source)} · ${esc(view.region)}\n${progressText(job)}`,
    ),
  ];
  if (view.counts) blocks.push(section(`*Tasks*: ${countsText(view.counts)}`));
  if (view.unreachable) blocks.push(section(`⚠️ ${esc(truncate(view.unreachable, 300))}`));
  if (view.note) blocks.push(section(`⚠️ ${esc(truncate(view.note, 500))}`));
  const meta: string[] = [];
  if (view.elapsedMs !== null)
    meta.push(`${view.finished ? 'Took' : 'Elapsed'} ${humanDuration(view.elapsedMs)}`);
  if (!view.finished && view.etaMs !== null) meta.push(`ETA ≈ ${humanDuration(view.etaMs)}`);
  if (view.lastEvent) meta.push(`Last: ${esc(truncate(view.lastEvent.replace(/\s+/g, ' '), 300))}`);
  if (meta.length > 0) blocks.push(context(meta));

  const buttons: Button[] = [run('Details', cmd.job(sid, job.id))];
  if (failed) {
    buttons.push(run('Diagnose', cmd.diagnoseJob(sid, job.id), 'primary'));
    if (view.counts) {
      for (const s of FAILED_STATUSES)
        if ((view.counts[s] ?? 0) > 0) buttons.push(run(FAILED_LABEL[s]!, cmd.tasks(sid, job.id, s)));
    }
  } else {
    buttons.push(run('Tasks', cmd.tasks(sid, job.id)));
  }
  if (view.finished && job.status === 'FAILED') buttons.push(run('Retry', cmd.jobOp('retry', sid, job.id)));
  if (!view.finished) buttons.push(run('Unwatch', cmd.unwatch(sid, job.id)));
  blocks.push(actions(buttons));

  const text =
    `Job ${esc(job.name)} (#${job.id}) ${view.finished ? 'finished: ' : ''}${esc(job.status ?? 'unknown')}` +
    `${job.stopped ? ' (stopped)' : ''}, ${exactCount(job.taskDone ?? 0)}/${exactCount(job.taskNum ?? 0)} tasks` +
    (failedCount > 0 ? `, ${exactCount(failedCount)} failed` : '') +
    (view.unreachable ? ' (MMS unreachable)' : '');
  return message(text, blocks);
}
