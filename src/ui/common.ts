// Pieces shared by the list and detail renderers: packing lines into sections, paging, titles.
import type { Button, KnownBlock, SectionBlock } from '@slack/types';
import { runButton, withRegion } from './actions.js';
import { esc, inlineCode, truncate, truncateMrkdwn } from './escape.js';
import { exactCount } from './format.js';
import { actions, context, header, LIMITS, section } from './kit.js';
import { message } from './message.js';
import type { Pager, RenderCtx, SlackMessage, SourceRef } from './types.js';

/** Room for list lines in one message, leaving space for header, buttons and notes. */
export const LIST_TEXT_BUDGET = 6500;
/** One list line at most. */
export const LINE_MAX = 400;
/** Drill-down buttons per list. */
export const MAX_DRILL_BUTTONS = 20;

/**
 * Packs mrkdwn lines into sections (≤ 3000 chars each) until `budget` characters are used. Lines longer
 * than `lineMax` are cut. Returns the sections and how many lines made it.
 */
export function packLines(
  lines: string[],
  budget = LIST_TEXT_BUDGET,
  lineMax = LINE_MAX,
): { blocks: SectionBlock[]; shown: number } {
  const blocks: SectionBlock[] = [];
  let current: string[] = [];
  let currentLen = 0;
  let used = 0;
  let shown = 0;
  const room = LIMITS.section - 100;
  for (const raw of lines) {
    const line = truncateMrkdwn(raw, lineMax);
    if (used + line.length + 1 > budget) break;
    if (currentLen + line.length + 1 > room && current.length > 0) {
      blocks.push(section(current.join('\n')));
      current = [];
      currentLen = 0;
    }
    current.push(line);
    currentLen += line.length + 1;
    used += line.length + 1;
    shown += 1;
  }
  if (current.length > 0) blocks.push(section(current.join('\n')));
  return { blocks, shown };
}

/** `hive-prod (#2000015)` as mrkdwn. */
export function sourceLabel(source: SourceRef): string {
  return `*${esc(source.name)}* ${inlineCode(`#${source.id}`)}`;
}

/** Paging: a context line and Prev/Next buttons that rerun `pager.command --page N`. */
export function pagerParts(pager: Pager, ctx: RenderCtx): { note: string; buttons: Button[] } {
  const size = pager.pageSize > 0 ? pager.pageSize : Math.max(1, pager.total);
  const pages = Math.max(1, Math.ceil(pager.total / size));
  const page = Math.max(1, pager.pageNum);
  const buttons: Button[] = [];
  const go = (n: number) => withRegion(`${pager.command} --page ${n}`, ctx);
  // Past the end (`--page 99`), "Prev" goes to the last page, and says so.
  const prev = Math.min(page - 1, pages);
  if (page > 1) buttons.push(runButton(`◀ Prev (page ${prev})`, go(prev)));
  if (page < pages) buttons.push(runButton(`Next (page ${page + 1}) ▶`, go(page + 1)));
  const note =
    pager.totalKnown === false
      ? `Page ${exactCount(page)}${page < pages ? ' · more follow' : ''}`
      : page > pages
        ? `Page ${exactCount(page)} is past the end: ${exactCount(pages)} ${pages === 1 ? 'page' : 'pages'} · ${exactCount(pager.total)} in total`
        : `Page ${exactCount(page)} of ${exactCount(pages)} · ${exactCount(pager.total)} in total`;
  return { note, buttons };
}

export interface ListItem {
  /** One mrkdwn line (escaped pieces). */
  line: string;
  /** A drill-down button for this item, if any. */
  drill?: Button;
}

export interface ListSpec {
  /** Notification fallback. */
  text: string;
  title: string;
  /** mrkdwn shown under the header (source, filters). */
  intro?: string;
  items: ListItem[];
  /** Said when there are no items. */
  empty: string;
  pager?: Pager;
  ctx: RenderCtx;
  /** Buttons that belong with the paging buttons in the final actions block. */
  extra?: Button[];
  /** How to narrow the list, e.g. "a name: `jobs 2000015 sales`". */
  narrow: string;
  /** Extra context lines shown after the list. */
  notes?: string[];
}

/** The layout every list shares: header, intro, packed lines, notes, drill-down buttons, paging. */
export function listMessage(spec: ListSpec): SlackMessage {
  const { ctx } = spec;
  const blocks: KnownBlock[] = [header(spec.title)];
  if (spec.intro) blocks.push(section(spec.intro));
  const { blocks: lines, shown } = packLines(spec.items.map((i) => i.line));
  if (spec.items.length === 0) blocks.push(section(`_${esc(spec.empty)}_`));
  blocks.push(...lines);

  const notes: string[] = [...(spec.notes ?? [])];
  const pager = spec.pager ? pagerParts(spec.pager, ctx) : null;
  if (shown < spec.items.length) {
    notes.push(
      `Showing ${exactCount(shown)} of the ${exactCount(spec.items.length)} on this page — narrow with ${spec.narrow}`,
    );
  }
  if (pager && (spec.pager!.total > spec.items.length || spec.pager!.pageNum > 1)) notes.push(pager.note);
  if (notes.length > 0) blocks.push(context(notes));

  const drill = spec.items
    .slice(0, shown)
    .flatMap((i) => (i.drill ? [i.drill] : []))
    .slice(0, MAX_DRILL_BUTTONS);
  if (drill.length > 0) blocks.push(actions(drill));
  const last = [...(pager?.buttons ?? []), ...(spec.extra ?? [])];
  if (last.length > 0) blocks.push(actions(last));
  return message(spec.text, blocks, { narrow: spec.narrow });
}

/** Button label from a name: short enough to read on a button. */
export function label(name: string, max = 40): string {
  return truncate(name.replace(/\s+/g, ' '), max);
}
