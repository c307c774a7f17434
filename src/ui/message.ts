// Fitting a whole message into Slack's limits: ≤ 50 blocks (100 in modals and App Home) and about 11,000
// characters of block text in total (msg_blocks_too_long comes at ≈ 12–13k; SLACK.md §3).
import type { KnownBlock } from '@slack/types';
import { truncate } from './escape.js';
import { context } from './kit.js';
import type { SlackMessage } from './types.js';

export const MESSAGE_MAX_BLOCKS = 50;
export const MODAL_MAX_BLOCKS = 100;
export const MESSAGE_MAX_TEXT = 11_000;
export const FALLBACK_MAX_TEXT = 4000;

const NOT_TEXT = new Set(['type', 'action_id', 'block_id', 'style', 'emoji', 'verbatim', 'url', 'image_url']);

/** Characters of text a block carries (every string except ids, types and styles). */
export function blockTextLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + blockTextLength(v), 0);
  if (value && typeof value === 'object') {
    let n = 0;
    for (const [k, v] of Object.entries(value)) if (!NOT_TEXT.has(k)) n += blockTextLength(v);
    return n;
  }
  return 0;
}

export interface FitOptions {
  /** How to narrow the view, for the "…N more not shown" note, e.g. "a name filter or `--page`". */
  narrow?: string;
  maxBlocks?: number;
  maxText?: number;
}

/** Blocks Slack would reject as empty. */
function isEmpty(b: KnownBlock): boolean {
  if (b.type === 'actions') return b.elements.length === 0;
  if (b.type === 'context') return b.elements.length === 0;
  if (b.type === 'section') return !b.text && !(b.fields && b.fields.length > 0);
  return false;
}

function fitBlocks(blocks: KnownBlock[], opts: FitOptions): KnownBlock[] {
  const maxBlocks = opts.maxBlocks ?? MESSAGE_MAX_BLOCKS;
  const maxText = opts.maxText ?? MESSAGE_MAX_TEXT;
  const all = blocks.filter((b) => !isEmpty(b));
  const total = all.reduce((n, b) => n + blockTextLength(b), 0);
  if (all.length <= maxBlocks && total <= maxText) return all;

  const last = all[all.length - 1];
  const tail = last?.type === 'actions' ? [last] : [];
  const body = tail.length ? all.slice(0, -1) : all.slice();
  const tailText = tail.reduce((n, b) => n + blockTextLength(b), 0);
  const note = (n: number) =>
    context([`…${n} more not shown — narrow with ${opts.narrow ?? 'a name filter or `--page`'}`]);

  let kept = body.length;
  let used = body.reduce((n, b) => n + blockTextLength(b), 0);
  const fits = () => kept + tail.length + 1 <= maxBlocks && used + tailText + 120 <= maxText;
  while (kept > 0 && !fits()) {
    kept -= 1;
    used -= blockTextLength(body[kept]);
  }
  // A trailing divider before the note looks odd.
  while (kept > 0 && body[kept - 1]?.type === 'divider') kept -= 1;
  const dropped = body.length - kept;
  return [...body.slice(0, kept), ...(dropped > 0 ? [note(dropped)] : []), ...tail];
}

/** A message that fits: ≤ 50 blocks, ≤ 11,000 characters of block text, fallback text ≤ 4000. */
export function message(text: string, blocks: KnownBlock[], opts: FitOptions = {}): SlackMessage {
  const fallback = truncate(text.trim() === '' ? 'MMS' : text, FALLBACK_MAX_TEXT);
  return { text: fallback, blocks: fitBlocks(blocks, opts) };
}

/** The blocks of a modal or App Home view: ≤ 100 blocks (text budget as for messages, doubled). */
export function forModal(blocks: KnownBlock[], opts: FitOptions = {}): KnownBlock[] {
  return fitBlocks(blocks, { maxBlocks: MODAL_MAX_BLOCKS, maxText: MESSAGE_MAX_TEXT * 2, ...opts });
}
