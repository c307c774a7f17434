// The watcher's messages: thread events under a job's card (started, stopped, resumed, task failed,
// retried, finished), the completion summary and its one-line broadcast, and the cards of scans and job
// creations. Pure: data in, Block Kit out.
import type { Button, KnownBlock } from '@slack/types';
import type { Diagnosis, DiagnosisSummary } from '../diagnosis/diagnose.js';
import { cmd, runButton, withRegion } from './actions.js';
import { sourceLabel } from './common.js';
import { esc, inlineCode, mdLink, mentionUser, slackDate, truncate } from './escape.js';
import { exactCount, humanDuration, percent, progressBar, statusEmoji } from './format.js';
import { actions, context, fields, section } from './kit.js';
import { message } from './message.js';
import { type MovedSizes, movedLine } from './sizes.js';
import type { SlackMessage, SourceRef } from './types.js';

/** Where a message's buttons point: the source, and the region (buttons add `--region` off the default). */
export interface EventCtx {
  source: SourceRef;
  region: string;
  defaultRegion: string;
}

export interface JobRef {
  id: number;
  name: string;
}

const run = (ctx: EventCtx, text: string, command: string, style?: 'primary' | 'danger'): Button =>
  runButton(text, withRegion(command, ctx), style);

const jobName = (j: JobRef): string => `*${esc(j.name)}* ${inlineCode(`#${j.id}`)}`;
const jobPlain = (j: JobRef): string => `${j.name} (#${j.id})`;

/** One line of news in a thread, with optional buttons. `line` is mrkdwn built from escaped parts. */
export function eventMessage(line: string, fallback: string, buttons: Button[] = []): SlackMessage {
  const blocks: KnownBlock[] = [section(line)];
  if (buttons.length) blocks.push(actions(buttons));
  return message(fallback, blocks);
}

export type JobOrigin = 'slack' | 'created' | 'discovered';

export interface StartedView {
  job: JobRef & {
    status: string | null;
    taskNum: number | null;
    taskDone: number | null;
  };
  origin: JobOrigin;
  /** The watcher met the job already running (a `watch` on a running job): say so instead of "started". */
  alreadyRunning: boolean;
}

export function jobCreatedMessage(job: JobRef, taskNum: number | null): SlackMessage {
  const tasks = taskNum ? ` · ${exactCount(taskNum)} tasks` : '';
  return eventMessage(
    `🆕 Job ${jobName(job)} created and started${tasks}`,
    `Job ${jobPlain(job)} created and started`,
  );
}

export function jobStartedMessage(v: StartedView): SlackMessage {
  const { job } = v;
  const tasks =
    typeof job.taskNum === 'number' && job.taskNum > 0
      ? ` · ${exactCount(job.taskDone ?? 0)}/${exactCount(job.taskNum)} tasks done`
      : '';
  const where = v.origin === 'discovered' ? ' outside Slack (MMS console, API or a timer)' : '';
  if (v.alreadyRunning) {
    return eventMessage(
      `👀 Watching job ${jobName(job)}${where ? `, started${where}` : ''}: ${esc(job.status ?? 'unknown')}${tasks}`,
      `Watching job ${jobPlain(job)}: ${job.status ?? 'unknown'}`,
    );
  }
  return eventMessage(
    `▶️ Job ${jobName(job)} started${where}${tasks}`,
    `Job ${jobPlain(job)} started${where}`,
  );
}

export function jobStoppedMessage(job: JobRef, ctx: EventCtx): SlackMessage {
  return eventMessage(
    `⏸️ Job ${jobName(job)} stopped; running tasks are paused.`,
    `Job ${jobPlain(job)} stopped`,
    [run(ctx, 'Start (resume)', cmd.jobOp('start', ctx.source.id, job.id), 'primary')],
  );
}

export function jobResumedMessage(job: JobRef): SlackMessage {
  return eventMessage(`▶️ Job ${jobName(job)} resumed.`, `Job ${jobPlain(job)} resumed`);
}

export function jobRetriedMessage(job: JobRef, tasks: Array<{ id: number; table: string }>): SlackMessage {
  // By table (a partitioned table may have a task per partition); task ids stay in Details and the logs.
  const byTable = new Map<string, number>();
  for (const t of tasks) byTable.set(t.table, (byTable.get(t.table) ?? 0) + 1);
  const shown = [...byTable]
    .slice(0, 10)
    .map(([table, n]) => `${esc(truncate(table, 60))}${n > 1 ? ` (${exactCount(n)} tasks)` : ''}`);
  const more = byTable.size - shown.length;
  const list = shown.length
    ? `: ${shown.join(', ')}${more > 0 ? `, … and ${exactCount(more)} more table${more === 1 ? '' : 's'}` : ''}`
    : '';
  const n = tasks.length;
  return eventMessage(
    `🔁 Job ${jobName(job)} retried${n ? ` — ${exactCount(n)} task${n === 1 ? '' : 's'} requeued${list}` : ''}`,
    `Job ${jobPlain(job)} retried`,
  );
}

/** The job is gone: deleted from Slack by `by` (a user id), or found missing in MMS (`by` null). */
export function jobDeletedMessage(job: JobRef, by: string | null = null): SlackMessage {
  if (by)
    return eventMessage(
      `🗑️ Job ${jobName(job)} deleted by ${mentionUser(by)}; stopped watching it.`,
      `Job ${jobPlain(job)} was deleted by ${mentionUser(by)}; no longer watched`,
    );
  return eventMessage(
    `🗑️ Job ${jobName(job)} no longer exists in MMS (deleted); stopped watching it.`,
    `Job ${jobPlain(job)} was deleted in MMS; no longer watched`,
  );
}

/** Why a thread message's buttons no longer fit its job, as data (the note words it). */
export interface SettledView {
  what: 'retried' | 'resumed' | 'finished' | 'deleted' | 'ran-again';
  /** Epoch ms. */
  at: number;
  /** The Slack user who asked for it, when it was asked in Slack. */
  by?: string | null;
  /** `finished`: the outcome. */
  status?: string | null;
  /** `retried`: how the job ended after it (epoch ms), once it has. */
  outcome?: { status: string; at: number };
}

/** The line that takes the place of a message's stale buttons: what happened, when, by whom. */
export function settledNote(v: SettledView, cardLink: string | null): string {
  const when = slackDate(new Date(v.at));
  const by = v.by ? ` by ${mentionUser(v.by)}` : '';
  const card = cardLink ? ` — see ${mdLink(cardLink, 'the job’s card')}` : '';
  switch (v.what) {
    case 'retried':
      return v.outcome
        ? `🔁 Retried ${when}${by}; the job then finished ${statusEmoji(v.outcome.status)} *${esc(v.outcome.status)}* ${slackDate(new Date(v.outcome.at))}${card}.`
        : `🔁 Retried ${when}${by}${card}.`;
    case 'resumed':
      return `▶️ Resumed ${when}${by}${card}.`;
    case 'ran-again':
      return `🔁 The job ran again ${when}${card}.`;
    case 'deleted':
      return `🗑️ The job was deleted ${when}${by}; its buttons are gone with it.`;
    case 'finished':
      return `${statusEmoji(v.status)} The job finished *${esc(v.status ?? 'unknown')}* ${when}${card}.`;
  }
}

/**
 * A thread message whose buttons no longer fit its job, as it was sent (`m`: text and blocks, already
 * escaped and redacted): its buttons replaced by the note, everything else kept.
 */
export function settledMessage(
  m: { text: string; blocks: readonly unknown[] },
  v: SettledView,
  cardLink: string | null,
): SlackMessage {
  const kept = m.blocks.filter(
    (b) => !(b && typeof b === 'object' && (b as { type?: unknown }).type === 'actions'),
  ) as KnownBlock[];
  return message(m.text, [...kept, context([settledNote(v, cardLink)])]);
}

const countsLine = (v: { source: number; destination: number }): string => {
  const diff = v.destination - v.source;
  const d =
    diff === 0 ? 'no difference' : `${diff > 0 ? '+' : '−'}${exactCount(Math.abs(diff))} in the target`;
  return `source ${exactCount(v.source)} · destination ${exactCount(v.destination)} (${d})`;
};

export interface TaskFailure {
  task: { id: number; status: string | null; retriedTimes: number };
  diagnosis: Diagnosis;
}

function failureText(f: TaskFailure): string {
  const d = f.diagnosis;
  const verification = f.task.status === 'VERIFICATION_FAILED' || d.category === 'verification-mismatch';
  const title = verification ? '🧮 *Verification failed*' : '❌ *Task failed*';
  const attempt = f.task.retriedTimes > 0 ? ` · attempt ${f.task.retriedTimes + 1}` : '';
  const phase = d.phase ? ` · ${esc(d.phase)} phase` : f.task.status ? ` · ${esc(f.task.status)}` : '';
  return (
    `${title} — *${esc(truncate(d.table, 120))}* ${inlineCode(`task #${f.task.id}`)}${phase}${attempt}\n` +
    (d.verification ? `*Counts:* ${countsLine(d.verification)}\n` : '') +
    `*Cause:* ${esc(truncate(d.cause, 600))}\n*Fix:* ${esc(truncate(d.fix, 800))}`
  );
}

/** One failed task with its diagnosis, and a Retry button (which leads to a confirmation card). */
export function taskFailedMessage(job: JobRef, f: TaskFailure, ctx: EventCtx): SlackMessage {
  const blocks: KnownBlock[] = [section(failureText(f))];
  const evidence = f.diagnosis.evidence.slice(-3).map((l) => truncate(l.replace(/\s+/g, ' '), 280));
  if (evidence.length) blocks.push(context([esc(evidence.join('\n'))]));
  blocks.push(
    actions([
      run(ctx, 'Retry task', cmd.retryTask(ctx.source.id, f.task.id), 'primary'),
      run(ctx, 'Logs', cmd.logs(ctx.source.id, f.task.id)),
      run(ctx, 'Diagnose job', cmd.diagnoseJob(ctx.source.id, job.id)),
    ]),
  );
  const d = f.diagnosis;
  const fallback =
    `${d.verification ? 'Verification failed' : 'Task failed'}: ${d.table} (task ${f.task.id}) in job ${jobPlain(job)}` +
    (d.verification ? ` — source ${d.verification.source}, destination ${d.verification.destination}` : '') +
    ` — ${d.cause}`;
  return message(fallback, blocks);
}

/** Causes grouped by category (the diagnosis summary): the largest groups first, as many as fit. */
function groupedCauses(summary: DiagnosisSummary, maxGroups = 5): string[] {
  return summary.groups.slice(0, maxGroups).map((g) => {
    const tables = g.tables.slice(0, 6).map((t) => esc(truncate(t, 50)));
    const more = g.tables.length - tables.length;
    const counts = g.example.verification
      ? `\n*Counts* (${esc(g.example.table)}): ${countsLine(g.example.verification)}`
      : '';
    return (
      `*${esc(g.label)}* (${exactCount(g.count)}): ${tables.join(', ')}${more > 0 ? `, … +${exactCount(more)}` : ''}` +
      `\n*Cause:* ${esc(truncate(g.example.cause, 400))}\n*Fix:* ${esc(truncate(g.example.fix, 500))}${counts}`
    );
  });
}

/** Several tasks failed in one cycle: one message, grouped by cause, with Retry failed tasks. */
export function tasksFailedMessage(
  job: JobRef,
  failures: TaskFailure[],
  summary: DiagnosisSummary,
  ctx: EventCtx,
): SlackMessage {
  const blocks: KnownBlock[] = [
    section(`❌ *${exactCount(failures.length)} tasks failed* in job ${jobName(job)}`),
  ];
  for (const text of groupedCauses(summary)) blocks.push(section(text));
  const counted = failures.filter((f) => f.diagnosis.verification);
  if (counted.length) {
    const lines = counted
      .slice(0, 10)
      .map((f) => `${esc(truncate(f.diagnosis.table, 60))}: ${countsLine(f.diagnosis.verification!)}`);
    blocks.push(section(`*Verification counts*\n${lines.join('\n')}`));
  }
  blocks.push(
    actions([
      run(ctx, 'Retry failed tasks', cmd.jobOp('retry', ctx.source.id, job.id), 'primary'),
      run(ctx, 'Diagnose', cmd.diagnoseJob(ctx.source.id, job.id)),
    ]),
  );
  return message(`${failures.length} tasks failed in job ${jobPlain(job)}: ${summary.text}`, blocks);
}

export interface SummaryView {
  job: JobRef & { status: string | null; taskNum: number | null; taskDone: number | null };
  counts: Record<string, number> | null;
  /** Tasks done, when known better than the counts' DONE (tasks resting at a *_DONE count as done). */
  done?: number;
  /** A caveat about the status (MMS's job status contradicted by its tasks). */
  note?: string | null;
  durationMs: number | null;
  /** The diagnoses of the failed tasks (capped), summarised; `undiagnosed` failed tasks beyond them. */
  failures: DiagnosisSummary;
  undiagnosed: number;
  /** null: unknown whether the job verifies. */
  verification: boolean | null;
  /** Source sizes of the job's tables, done of all; null or absent: none reported. */
  moved?: MovedSizes | null;
}

const FAILED = ['SCHEMA_FAILED', 'DATA_FAILED', 'VERIFICATION_FAILED'] as const;

function tally(v: SummaryView): {
  done: number;
  total: number;
  failed: number;
  vPassed: number;
  vFailed: number;
} {
  const c = v.counts ?? {};
  const total = v.job.taskNum ?? Object.values(c).reduce((n, x) => n + x, 0);
  const done = v.done ?? c['DONE'] ?? v.job.taskDone ?? 0;
  const failed = v.counts ? FAILED.reduce((n, s) => n + (c[s] ?? 0), 0) : v.failures.total + v.undiagnosed;
  return { done, total, failed, vPassed: c['DONE'] ?? done, vFailed: c['VERIFICATION_FAILED'] ?? 0 };
}

/**
 * The end of a job, said once: a thread reply broadcast to the channel. Counts in the fields, the causes
 * grouped once below them.
 */
export function summaryMessage(v: SummaryView, ctx: EventCtx): SlackMessage {
  const t = tally(v);
  const ok = v.job.status === 'DONE' && t.failed === 0;
  const took = v.durationMs !== null ? ` in ${humanDuration(v.durationMs)}` : '';
  const blocks: KnownBlock[] = [
    section(
      `${ok ? '✅' : statusEmoji(v.job.status)} *Job ${esc(v.job.name)}* ${inlineCode(`#${v.job.id}`)} finished: ` +
        `*${esc(v.job.status ?? 'unknown')}*${took}\nSource ${sourceLabel(ctx.source)} · ${esc(ctx.region)}`,
    ),
  ];
  const verification =
    v.verification === false
      ? 'off'
      : v.verification === null && t.vFailed === 0
        ? '—'
        : `${exactCount(t.vPassed)} passed · ${exactCount(t.vFailed)} failed`;
  blocks.push(
    ...fields([
      ['Migrated (tables/partitions)', `${exactCount(t.done)} of ${exactCount(t.total)} tasks`],
      ['Failed', exactCount(t.failed)],
      ['Verification', verification],
      ['Duration', v.durationMs !== null ? humanDuration(v.durationMs) : '—'],
    ]),
  );
  const moved = movedLine(v.moved);
  if (moved) blocks.push(section(moved));
  if (v.note) blocks.push(section(`⚠️ ${esc(truncate(v.note, 500))}`));
  if (t.failed > 0) {
    const head =
      v.failures.total > 0
        ? `*Failures* — ${esc(v.failures.text)}${v.undiagnosed > 0 ? ` (+${exactCount(v.undiagnosed)} not diagnosed)` : ''}`
        : `*Failures* — ${exactCount(t.failed)} tasks; \`/mms diagnose\` reads their logs`;
    blocks.push(section(head));
    for (const text of groupedCauses(v.failures, 4)) blocks.push(section(text));
  }
  const buttons: Button[] = [run(ctx, 'Details', cmd.job(ctx.source.id, v.job.id))];
  if (t.failed > 0 || v.job.status === 'FAILED') {
    buttons.unshift(run(ctx, 'Retry failed tasks', cmd.jobOp('retry', ctx.source.id, v.job.id), 'primary'));
    buttons.push(run(ctx, 'Diagnose', cmd.diagnoseJob(ctx.source.id, v.job.id)));
  }
  blocks.push(actions(buttons));
  const why =
    t.failed > 0 && v.failures.total > 0 ? ` (${v.failures.groups.map((g) => g.label).join(', ')})` : '';
  const text = ok
    ? `Job ${jobPlain(v.job)} finished: DONE, ${t.done}/${t.total} tasks${took}`
    : `Job ${jobPlain(v.job)} finished: ${v.job.status ?? 'unknown'}, ${t.failed} failed${why} — ${t.done}/${t.total} tasks done${took}`;
  return message(text, blocks);
}

// ---- scans and job creations ----

export interface ScanCardView {
  scanId: number;
  source: SourceRef;
  region: string;
  status: string | null;
  /** Of 10000. */
  progress: number | null;
  result: { databases: number | null; tables: number | null; partitions: number | null } | null;
  errorMsg: string | null;
  outcome: 'done' | 'failed' | 'gave-up' | null;
  unreachable: Unreachable | null;
  elapsedMs: number | null;
}

export const scanResultText = (r: NonNullable<ScanCardView['result']>): string =>
  `${exactCount(r.databases)} databases · ${exactCount(r.tables)} tables · ${exactCount(r.partitions)} partitions`;

export function scanCard(v: ScanCardView, ctx: EventCtx): SlackMessage {
  const title = `Metadata scan ${inlineCode(`#${v.scanId}`)} of ${sourceLabel(v.source)} · ${esc(v.region)}`;
  let body: string;
  if (v.outcome === 'done') body = `✅ *Finished*${v.result ? `: ${scanResultText(v.result)}` : ''}`;
  else if (v.outcome === 'failed')
    body = `❌ *Failed*: ${esc(truncate(v.errorMsg ?? 'no error message', 1500))}`;
  else if (v.outcome === 'gave-up')
    body = '⌛ *Gave up waiting* after 15 minutes; the scan may still finish in MMS.';
  else {
    const p = v.progress ?? 0;
    body = `🔄 ${esc(v.status ?? 'SCAN_DOING')} \`${progressBar(p, 10000, 20)}\` ${percent(p, 10000)}`;
  }
  const blocks: KnownBlock[] = [section(`${title}\n${body}`)];
  if (v.unreachable) blocks.push(section(`⚠️ ${unreachableLine(v.unreachable)}`));
  if (v.elapsedMs !== null)
    blocks.push(context([`${v.outcome ? 'Took' : 'Elapsed'} ${humanDuration(v.elapsedMs)}`]));
  const buttons: Button[] = [run(ctx, 'Source', cmd.source(v.source.id))];
  if (v.outcome === 'done') buttons.push(run(ctx, 'Databases', cmd.dbs(v.source.id)));
  if (v.outcome === 'failed' || v.outcome === 'gave-up')
    buttons.push(run(ctx, 'Scan again', cmd.scan(v.source.id)));
  blocks.push(actions(buttons));
  const text =
    `Scan #${v.scanId} of ${v.source.name}: ` +
    (v.outcome === 'done'
      ? `finished${v.result ? ` (${v.result.databases ?? '?'} databases, ${v.result.tables ?? '?'} tables, ${v.result.partitions ?? '?'} partitions)` : ''}`
      : v.outcome === 'failed'
        ? `failed: ${v.errorMsg ?? ''}`
        : v.outcome === 'gave-up'
          ? 'gave up waiting'
          : `${percent(v.progress ?? 0, 10000)}`);
  return message(text, blocks);
}

export function scanDoneMessage(v: ScanCardView): SlackMessage {
  return eventMessage(
    `✅ Scan ${inlineCode(`#${v.scanId}`)} finished${v.result ? `: ${scanResultText(v.result)}` : ''}`,
    `Scan #${v.scanId} finished`,
  );
}

export function scanFailedMessage(v: ScanCardView, ctx: EventCtx): SlackMessage {
  return eventMessage(
    `❌ Scan ${inlineCode(`#${v.scanId}`)} failed: ${esc(truncate(v.errorMsg ?? 'no error message', 1500))}\n` +
      'Usually the source credentials or its network link: fix the source in the console, then scan again.',
    `Scan #${v.scanId} failed: ${v.errorMsg ?? ''}`,
    [run(ctx, 'Scan again', cmd.scan(ctx.source.id))],
  );
}

export function gaveUpMessage(what: string, minutes: number): SlackMessage {
  return eventMessage(
    `⌛ Gave up waiting for ${esc(what)} after ${minutes} minutes; it may still finish in MMS. ` +
      'Check again with the buttons on the card.',
    `Gave up waiting for ${what} after ${minutes} minutes`,
  );
}

export interface AsyncCardView {
  asyncTaskId: number;
  label: string;
  source: SourceRef;
  region: string;
  status: string | null;
  progress: number | null;
  errorMsg: string | null;
  outcome: 'done' | 'failed' | 'gave-up' | null;
  unreachable: Unreachable | null;
}

export function asyncCard(v: AsyncCardView, ctx: EventCtx): SlackMessage {
  const title = `Creating job *${esc(v.label)}* in ${sourceLabel(v.source)} · ${esc(v.region)} (async task ${inlineCode(`#${v.asyncTaskId}`)})`;
  const body =
    v.outcome === 'failed'
      ? `❌ *Job creation failed*: ${esc(truncate(v.errorMsg ?? 'no error message', 1500))}`
      : v.outcome === 'gave-up'
        ? '⌛ *Gave up waiting* after 15 minutes; the job may still appear in MMS.'
        : `🔄 ${esc(v.status ?? 'DOING')}${v.progress !== null ? ` · ${exactCount(v.progress)}%` : ''}`;
  const blocks: KnownBlock[] = [section(`${title}\n${body}`)];
  if (v.unreachable) blocks.push(section(`⚠️ ${unreachableLine(v.unreachable)}`));
  blocks.push(actions([run(ctx, 'Jobs', cmd.jobs(v.source.id))]));
  return message(`Creating job ${v.label}: ${v.outcome ?? v.status ?? 'DOING'}`, blocks);
}

export function asyncFailedMessage(v: AsyncCardView, ctx: EventCtx): SlackMessage {
  return eventMessage(
    `❌ Creating job *${esc(v.label)}* failed: ${esc(truncate(v.errorMsg ?? 'no error message', 1500))}`,
    `Creating job ${v.label} failed: ${v.errorMsg ?? ''}`,
    [run(ctx, 'Migrate…', cmd.migrate(ctx.source.id))],
  );
}

/** A message's link (Slack redirects it to the workspace). */
export const messageLink = (channel: string, ts: string): string =>
  `https://slack.com/archives/${encodeURIComponent(channel)}/p${ts.replace('.', '')}`;

/**
 * A confirmation card once its write ran on a job that already has a card: what was done, and a link to
 * the job's card, where its progress and events continue (one card per job); `ended`: the write ended
 * the job (a delete), whose card keeps its history.
 */
export function confirmationDone(done: string, job: JobRef, link: string, ended = false): SlackMessage {
  if (ended)
    return eventMessage(
      `✅ ${esc(done)}\nThe history of job ${jobName(job)} stays on <${link}|its card>.`,
      `${done} Its history stays on the job's card.`,
    );
  return eventMessage(
    `✅ ${esc(done)}\nProgress and events of job ${jobName(job)} continue on <${link}|its card>.`,
    `${done} Updates continue on the job's card.`,
  );
}

/** MMS could not be reached for a watch's source since `since` (epoch ms), for this kind of reason. */
export interface Unreachable {
  since: number;
  kind: string;
}

/**
 * The status line while MMS cannot be reached: mrkdwn, with the time as a Slack date (each reader's own
 * zone) and the kind escaped.
 */
export function unreachableLine(u: Unreachable): string {
  return `MMS unreachable since ${slackDate(new Date(u.since))} (${esc(truncate(u.kind, 60))}); retrying`;
}
