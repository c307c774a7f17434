// The audit log: who asked, who confirmed, what ran, and the outcome.
import type { KnownBlock } from '@slack/types';
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

function auditLine(e: AuditEntryView): string {
  const emoji = ACTION_EMOJI[e.action.toLowerCase()] ?? '•';
  const params = e.params.replace(/\s+/g, ' ').trim();
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
