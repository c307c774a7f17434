// Block Kit limit checker (SLACK.md §3), shared by every suite that renders messages.
//
//   import { assertWithinLimits } from '../ui/limits.js';
//   assertWithinLimits(message);                       // a chat message: ≤ 50 blocks
//   assertWithinLimits({ blocks }, { maxBlocks: 100 }); // a modal / App Home view
//
// It throws one Error listing every violation; `limitViolations` returns them instead.

export interface LimitOptions {
  /** 50 for messages (default), 100 for modals and the Home tab. */
  maxBlocks?: number;
  /** Total characters of block text (msg_blocks_too_long comes at ≈ 12–13k). */
  maxTotalText?: number;
}

interface TextObj {
  type?: unknown;
  text?: unknown;
}

const NOT_TEXT = new Set(['type', 'action_id', 'block_id', 'style', 'emoji', 'verbatim', 'url', 'image_url']);

/** Characters of text in a value: every string except ids, types and styles. */
export function totalTextLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + totalTextLength(v), 0);
  if (value && typeof value === 'object') {
    let n = 0;
    for (const [k, v] of Object.entries(value)) if (!NOT_TEXT.has(k)) n += totalTextLength(v);
    return n;
  }
  return 0;
}

/** Every string in a message or block tree (for injection and secret checks). */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) allStrings(v, out);
  return out;
}

function textObj(where: string, t: unknown, max: number, v: string[], plainOnly = false): void {
  const o = t as TextObj | undefined;
  if (!o || typeof o !== 'object') {
    v.push(`${where}: missing text object`);
    return;
  }
  if (o.type !== 'plain_text' && o.type !== 'mrkdwn') v.push(`${where}: text type ${String(o.type)}`);
  if (plainOnly && o.type !== 'plain_text') v.push(`${where}: must be plain_text`);
  if (typeof o.text !== 'string') {
    v.push(`${where}: text is not a string`);
    return;
  }
  if (o.text.length < 1) v.push(`${where}: empty text`);
  if (o.text.length > max) v.push(`${where}: ${o.text.length} chars > ${max}`);
}

function checkButton(where: string, b: Record<string, unknown>, v: string[]): void {
  textObj(`${where}.text`, b.text, 75, v, true);
  if (typeof b.action_id !== 'string' || b.action_id.length === 0) v.push(`${where}: no action_id`);
  else if (b.action_id.length > 255) v.push(`${where}: action_id > 255`);
  if (b.value !== undefined && (typeof b.value !== 'string' || b.value.length > 2000))
    v.push(`${where}: value > 2000`);
  if (b.url !== undefined && (typeof b.url !== 'string' || b.url.length > 3000))
    v.push(`${where}: url > 3000`);
  if (b.style !== undefined && b.style !== 'primary' && b.style !== 'danger')
    v.push(`${where}: style ${String(b.style)}`);
  if (b.confirm !== undefined) {
    const c = b.confirm as Record<string, unknown>;
    textObj(`${where}.confirm.title`, c.title, 100, v, true);
    textObj(`${where}.confirm.text`, c.text, 300, v);
    textObj(`${where}.confirm.confirm`, c.confirm, 30, v, true);
    textObj(`${where}.confirm.deny`, c.deny, 30, v, true);
  }
}

export function limitViolations(
  msg: { text?: unknown; blocks?: unknown },
  opts: LimitOptions = {},
): string[] {
  const v: string[] = [];
  const maxBlocks = opts.maxBlocks ?? 50;
  const maxTotal = opts.maxTotalText ?? 12_000;
  if ('text' in msg && msg.text !== undefined) {
    if (typeof msg.text !== 'string' || msg.text.length === 0) v.push('text: missing or empty fallback text');
    else if (msg.text.length > 4000) v.push(`text: ${msg.text.length} chars > 4000`);
  }
  const blocks = msg.blocks;
  if (!Array.isArray(blocks)) return [...v, 'blocks: not an array'];
  if (blocks.length === 0) v.push('blocks: empty');
  if (blocks.length > maxBlocks) v.push(`blocks: ${blocks.length} > ${maxBlocks}`);
  const total = totalTextLength(blocks);
  if (total > maxTotal) v.push(`blocks: ${total} chars of text > ${maxTotal}`);
  const blockIds = new Set<string>();
  blocks.forEach((raw, i) => {
    const b = raw as Record<string, unknown>;
    const where = `blocks[${i}] (${String(b.type)})`;
    if (b.block_id !== undefined) {
      if (typeof b.block_id !== 'string' || b.block_id.length > 255) v.push(`${where}: block_id > 255`);
      else if (blockIds.has(b.block_id)) v.push(`${where}: duplicate block_id ${b.block_id}`);
      else blockIds.add(b.block_id);
    }
    switch (b.type) {
      case 'header':
        textObj(`${where}.text`, b.text, 150, v, true);
        break;
      case 'section': {
        const fields = b.fields as unknown[] | undefined;
        if (b.text === undefined && !fields?.length) v.push(`${where}: neither text nor fields`);
        if (b.text !== undefined) textObj(`${where}.text`, b.text, 3000, v);
        if (fields !== undefined) {
          if (fields.length > 10) v.push(`${where}: ${fields.length} fields > 10`);
          fields.forEach((f, j) => {
            textObj(`${where}.fields[${j}]`, f, 2000, v);
          });
        }
        const acc = b.accessory as Record<string, unknown> | undefined;
        if (acc?.type === 'button') checkButton(`${where}.accessory`, acc, v);
        break;
      }
      case 'context': {
        const els = b.elements as unknown[];
        if (!Array.isArray(els) || els.length === 0) v.push(`${where}: no elements`);
        else {
          if (els.length > 10) v.push(`${where}: ${els.length} elements > 10`);
          els.forEach((e, j) => {
            if ((e as TextObj).type !== 'image') textObj(`${where}.elements[${j}]`, e, 3000, v);
          });
        }
        break;
      }
      case 'actions': {
        const els = b.elements as Array<Record<string, unknown>>;
        if (!Array.isArray(els) || els.length === 0) v.push(`${where}: no elements`);
        else {
          if (els.length > 25) v.push(`${where}: ${els.length} elements > 25`);
          const ids = new Set<string>();
          els.forEach((e, j) => {
            if (e.type === 'button') checkButton(`${where}.elements[${j}]`, e, v);
            const id = e.action_id;
            if (typeof id === 'string') {
              if (ids.has(id)) v.push(`${where}: duplicate action_id ${id}`);
              ids.add(id);
            }
          });
        }
        break;
      }
      case 'divider':
        break;
      default:
        break;
    }
  });
  return v;
}

export function assertWithinLimits(msg: { text?: unknown; blocks?: unknown }, opts: LimitOptions = {}): void {
  const v = limitViolations(msg, opts);
  if (v.length > 0) throw new Error(`Block Kit limits violated:\n  ${v.join('\n  ')}`);
}

/** Run buttons (action_id mms_run, mms_run:1, …) and their command values, in order. */
export function runCommands(msg: { blocks?: unknown }): string[] {
  const out: string[] = [];
  for (const raw of (msg.blocks as unknown[]) ?? []) {
    const b = raw as Record<string, unknown>;
    const els =
      b.type === 'actions'
        ? (b.elements as Array<Record<string, unknown>>)
        : b.accessory
          ? [b.accessory as Record<string, unknown>]
          : [];
    for (const e of els) {
      if (
        typeof e.action_id === 'string' &&
        /^mms_run(:\d+)?$/.test(e.action_id) &&
        typeof e.value === 'string'
      ) {
        out.push(e.value);
      }
    }
  }
  return out;
}

/** Button texts and values, for finding a button by its label. */
export function buttons(msg: {
  blocks?: unknown;
}): Array<{ text: string; actionId: string; value: string; style?: string; confirm?: unknown }> {
  const out: Array<{ text: string; actionId: string; value: string; style?: string; confirm?: unknown }> = [];
  for (const raw of (msg.blocks as unknown[]) ?? []) {
    const b = raw as Record<string, unknown>;
    const els =
      b.type === 'actions'
        ? (b.elements as Array<Record<string, unknown>>)
        : b.accessory
          ? [b.accessory as Record<string, unknown>]
          : [];
    for (const e of els) {
      if (e.type !== 'button') continue;
      out.push({
        text: String((e.text as TextObj).text),
        actionId: String(e.action_id),
        value: String(e.value ?? ''),
        ...(e.style ? { style: String(e.style) } : {}),
        ...(e.confirm ? { confirm: e.confirm } : {}),
      });
    }
  }
  return out;
}

const NOT_RENDERED = new Set(['value', 'action_id', 'block_id', 'url', 'type', 'style']);

/** Every string Slack renders (text objects), leaving out button values, ids and urls. */
export function renderedStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) renderedStrings(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (!NOT_RENDERED.has(k)) renderedStrings(v, out);
  }
  return out;
}

/** All mrkdwn/plain text joined, for `toContain` checks. */
export function textOf(msg: { text?: unknown; blocks?: unknown }): string {
  return [typeof msg.text === 'string' ? msg.text : '', ...allStrings(msg.blocks)].join('\n');
}
