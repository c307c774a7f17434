// The confirmation card of a write: every parameter, the warnings, who asked, when it expires, and the
// Confirm / Cancel buttons; after that, the same card edited to say what happened.
import type { KnownBlock } from '@slack/types';
import type { ConfirmationState } from '../store/confirmations.js';
import { ACTION_CANCEL, ACTION_CONFIRM } from './actions.js';
import { packLines } from './common.js';
import { codeBlock, esc, inlineCode, mentionUser, truncate } from './escape.js';
import { exactCount, when } from './format.js';
import { actions, button, context, header, LIMITS, section } from './kit.js';
import { message } from './message.js';
import type { RenderCtx, SlackMessage } from './types.js';

export interface ConfirmParam {
  label: string;
  value: string;
}

/** A confirmation's state, as stored. */
export type PendingState = ConfirmationState;

export interface PendingView {
  id: string;
  /** e.g. 'Create migration job' */
  title: string;
  region: string;
  /** Every parameter that will be sent, in order. */
  params: ConfirmParam[];
  /** e.g. stop writes on source tables; the job starts at once. */
  warnings: string[];
  /** Slack user id. */
  requestedBy: string;
  expiresAt: Date;
  /** Needs an operator other than the requester. */
  secondApprover: boolean;
  state: PendingState;
  actedBy?: string;
  /** Plain text, already redacted. */
  outcome?: string;
  /** What changed since the card was shown. */
  changes?: string[];
}

/** Room for all parameter lines together. */
const PARAMS_BUDGET = 6000;

const IDENT = /^[\w.\-:/=$@+*%#]+$/u;

/** A value: identifiers in inline code, other text escaped; long comma lists summarised with their count. */
export function paramValue(value: string, max: number): string {
  const v = value.trim();
  if (v === '') return '_(empty)_';
  const items = v.split(/\s*,\s*/).filter((x) => x !== '');
  if (items.length > 1 && items.every((x) => IDENT.test(x))) {
    const shown: string[] = [];
    let len = 0;
    const room = max - 40;
    for (const it of items) {
      const code = inlineCode(truncate(it, 80));
      if (len + code.length + 2 > room && shown.length > 0) break;
      shown.push(code);
      len += code.length + 2;
    }
    const more = items.length - shown.length;
    return more > 0
      ? `${exactCount(items.length)} in total: ${shown.join(', ')} … and ${exactCount(more)} more`
      : `${items.length > 3 ? `${exactCount(items.length)}: ` : ''}${shown.join(', ')}`;
  }
  if (IDENT.test(v) && v.length <= max - 2) return inlineCode(v);
  return esc(truncate(v.replace(/\s*\n\s*/g, ' ⏎ '), max));
}

function paramBlocks(view: PendingView): KnownBlock[] {
  const params = [...view.params];
  if (!params.some((p) => /region/i.test(p.label))) params.unshift({ label: 'Region', value: view.region });
  const per = Math.max(200, Math.floor(PARAMS_BUDGET / Math.max(1, params.length)) - 20);
  const lines = params.map((p) => `*${esc(truncate(p.label, 60))}:* ${paramValue(p.value, per)}`);
  const { blocks, shown } = packLines(lines, PARAMS_BUDGET + 1000, LIMITS.section - 200);
  const out: KnownBlock[] = [...blocks];
  if (shown < lines.length) {
    out.push(context([`⚠️ ${exactCount(lines.length - shown)} more parameters did not fit on this card.`]));
  }
  return out;
}

function outcomeBlock(outcome: string | undefined): KnownBlock[] {
  if (!outcome || outcome.trim() === '') return [];
  const o = outcome.trim();
  return [section(o.includes('\n') || o.length > 200 ? codeBlock(o, 1600) : esc(o))];
}

function statusLine(view: PendingView): string {
  const by = view.actedBy ? mentionUser(view.actedBy) : null;
  switch (view.state) {
    case 'pending':
      return '';
    case 'running':
      return `⏳ *Running*${by ? ` — confirmed by ${by}` : ''}.`;
    case 'done':
      return `✅ *Done*${by ? ` — confirmed by ${by}` : ''}.`;
    case 'failed':
      return `❌ *Failed*${by ? ` — confirmed by ${by}` : ''}.`;
    case 'cancelled':
      return `🚫 *Cancelled*${by ? ` by ${by}` : ''}. Nothing was run.`;
    case 'expired':
      return '⌛ *Expired* — nothing was run. Run the command again for a new card.';
    case 'changed':
      return '⚠️ *Not run: things changed since this card was shown.* Run the command again to see the current state.';
    case 'rejected':
      return `⛔ *Not run: rejected*${by ? ` (${by})` : ''}.`;
  }
}

const FALLBACK: Record<PendingState, string> = {
  pending: 'waiting for confirmation',
  running: 'running',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  expired: 'expired',
  changed: 'not run: things changed',
  rejected: 'not run: rejected',
};

export function confirmCard(view: PendingView, ctx: RenderCtx): SlackMessage {
  const blocks: KnownBlock[] = [header(view.title)];
  blocks.push(...paramBlocks(view));

  if (view.state === 'pending') {
    if (view.warnings.length > 0) {
      blocks.push(section(view.warnings.map((w) => `⚠️ ${esc(truncate(w, 400))}`).join('\n')));
    }
    // A Slack date reads right whenever the card is looked at; "in 10m" would go stale as it sits there.
    const meta = [
      `Requested by ${mentionUser(view.requestedBy)}`,
      `expires ${when(view.expiresAt, ctx.region, '{date_short_pretty} at {time}')}`,
    ];
    if (view.secondApprover)
      meta.push('👥 *Needs a second operator*: someone other than the requester must confirm');
    blocks.push(context(meta));
    blocks.push(
      actions([
        button('Confirm', ACTION_CONFIRM, view.id, 'primary'),
        button('Cancel', ACTION_CANCEL, view.id),
      ]),
    );
  } else {
    blocks.push(section(statusLine(view)));
    if (view.state === 'changed' && view.changes?.length) {
      const shown = view.changes.slice(0, 20);
      blocks.push(
        section(
          shown.map((c) => `• ${esc(truncate(c, 300))}`).join('\n') +
            (view.changes.length > shown.length
              ? `\n…and ${exactCount(view.changes.length - shown.length)} more`
              : ''),
        ),
      );
    }
    blocks.push(...outcomeBlock(view.outcome));
    blocks.push(context([`Requested by ${mentionUser(view.requestedBy)}`]));
  }
  const text = `${esc(view.title)}: ${FALLBACK[view.state]}`;
  return message(text, blocks, { narrow: 'fewer parameters' });
}
