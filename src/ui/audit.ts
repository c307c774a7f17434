// The audit log: who asked, who confirmed, what ran, and the outcome.
import type { KnownBlock } from '@slack/types';
import { parseJson } from '../json.js';
import type { AuditEntry } from '../store/audit.js';
import { packLines } from './common.js';
import { esc, inlineCode, mentionUser, slackDate, truncate } from './escape.js';
import { exactCount } from './format.js';
import { context, header, section } from './kit.js';
import { message } from './message.js';
import type { RenderCtx, SlackMessage } from './types.js';

/** What the audit list shows of a stored entry. */
export type AuditEntryView = Pick<AuditEntry, 'at' | 'user' | 'action' | 'operation' | 'params' | 'outcome'>;

const ACTION_EMOJI: Record<string, string> = {
  requested: '📝',
  confirmed: '👍',
  cancelled: '🚫',
  expired: '⌛',
  rejected: '⛔',
  done: '✅',
  succeeded: '✅',
  failed: '❌',
  changed: '⚠️',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const list = (v: unknown): string | undefined =>
  Array.isArray(v) && v.length ? v.filter((x) => typeof x === 'string').join(', ') : undefined;

/**
 * A stored write's parameters in words: names first (source, job, timer, database, tables), ids after
 * them for whoever needs to look one up. Text that is not a JSON object is shown as stored.
 */
export function paramsInWords(raw: string): string {
  const v = parseJson(raw);
  if (!v || typeof v !== 'object' || Array.isArray(v)) return raw.replace(/\s+/g, ' ').trim();
  const o = v as Record<string, unknown>;
  const spec = (o['spec'] && typeof o['spec'] === 'object' ? o['spec'] : {}) as Record<string, unknown>;
  const words: string[] = [];
  const add = (label: string, value: string | undefined) => {
    if (value) words.push(`${label} ${value}`);
  };
  add('source', str(o['sourceName']));
  add('job', str(o['jobName']));
  add('timer', str(o['timerName']));
  add('table', str(o['table']));
  add(str(spec['scheduleType']) ? 'timer' : 'job', str(spec['name']));
  add('database', str(spec['srcDbName']) ?? str(o['dbName']));
  add('tables', list(spec['tables']));
  add('only', list(spec['tableWhiteList']));
  add('except', list(spec['tableBlackList']));
  const sched = str(spec['scheduleType']);
  if (sched) words.push(`${sched.toLowerCase()} at ${str(spec['value']) ?? '?'}`);
  const ids = (
    [
      ['source', num(o['sourceId'])],
      ['job', num(o['jobId'])],
      ['timer', num(o['timerId'])],
      ['task', num(o['taskId'])],
    ] as const
  )
    .filter(([, id]) => id !== undefined)
    .map(([k, id]) => `${k} #${id}`);
  if (words.length === 0) {
    // An unknown shape: its plain values, in words, never raw JSON.
    for (const [k, x] of Object.entries(o))
      if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') words.push(`${k} ${x}`);
  }
  return `${words.join(' · ')}${ids.length ? ` (${ids.join(', ')})` : ''}`;
}

function auditLine(e: AuditEntryView): string {
  const emoji = ACTION_EMOJI[e.action.toLowerCase()] ?? '•';
  const params = paramsInWords(e.params);
  const outcome = e.outcome.replace(/\s+/g, ' ').trim();
  return (
    `${emoji} ${slackDate(e.at, '{date_short} {time}')} · ${mentionUser(e.user)} · *${esc(truncate(e.action, 40))}* ` +
    `${inlineCode(truncate(e.operation, 60))}` +
    (params ? ` ${esc(truncate(params, 160))}` : '') +
    (outcome ? ` → ${esc(truncate(outcome, 160))}` : '')
  );
}

export function auditMessage(entries: AuditEntryView[], ctx: RenderCtx): SlackMessage {
  const blocks: KnownBlock[] = [header(`Audit log · last ${exactCount(entries.length)}`)];
  if (entries.length === 0) blocks.push(section('_No audit entries yet._'));
  const { blocks: lines, shown } = packLines(entries.map(auditLine));
  blocks.push(...lines);
  const notes = [`Times in your time zone · region of this bot: ${inlineCode(ctx.defaultRegion)}`];
  if (shown < entries.length)
    notes.unshift(
      `Showing ${exactCount(shown)} of ${exactCount(entries.length)} — ask for fewer with \`audit 20\``,
    );
  blocks.push(context(notes));
  return message(`Audit log: ${entries.length} entries`, blocks, { narrow: 'a smaller `audit n`' });
}
