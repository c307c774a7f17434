// The App Home tab: what the workspace watches right now, and the latest failures with their diagnosis.
import type { HomeView, KnownBlock } from '@slack/types';
import { esc, inlineCode, mdLink, slackDate, truncate } from './escape.js';
import { type Unreachable, unreachableLine } from './events.js';
import { exactCount, progressBar, statusEmoji } from './format.js';
import { context, divider, header, section } from './kit.js';
import { forModal } from './message.js';
import { type MovedSizes, movedShort } from './sizes.js';

export interface HomeItem {
  kind: 'job' | 'scan' | 'async';
  label: string;
  objectId: number;
  sourceName: string;
  region: string;
  status: string | null;
  done: number | null;
  total: number | null;
  /** A job's table sizes, done of all; null or absent: none reported. */
  moved?: MovedSizes | null;
  lastEvent: string | null;
  unreachable: Unreachable | null;
  /** The card's permalink (or an app_redirect link to its channel). */
  link: string | null;
}

export interface HomeFailure {
  label: string;
  objectId: number;
  sourceName: string;
  region: string;
  status: string | null;
  link: string | null;
  /** "2 tasks: permission on target project (1), verification mismatch (1)". */
  summary: string;
  diagnoses: Array<{ table: string; label: string; cause: string; fix: string }>;
}

export interface HomeData {
  active: HomeItem[];
  failures: HomeFailure[];
  /** When the view was built (epoch ms): shown as a Slack date. */
  updated: number;
}

const KIND = { job: 'Job', scan: 'Scan', async: 'Creating job' } as const;
const MAX_ACTIVE = 40;
const MAX_FAILURES = 8;

function activeLine(i: HomeItem): string {
  const name = `${KIND[i.kind]} *${esc(truncate(i.label || `#${i.objectId}`, 80))}* ${inlineCode(`#${i.objectId}`)}`;
  const progress =
    i.total !== null && i.total > 0
      ? ` \`${progressBar(i.done ?? 0, i.total, 12)}\` ${exactCount(i.done ?? 0)}/${exactCount(i.total)}`
      : '';
  const link = i.link ? ` · ${mdLink(i.link, 'card')}` : '';
  const moved = movedShort(i.moved);
  const lines = [
    `${statusEmoji(i.status)} ${name} · ${esc(i.status ?? 'waiting')}${progress}${moved ? ` · ${moved}` : ''}${link}`,
    `${esc(i.sourceName)} · ${esc(i.region)}${i.lastEvent ? ` · Last: ${esc(truncate(i.lastEvent.replace(/\s+/g, ' '), 200))}` : ''}`,
  ];
  if (i.unreachable) lines.push(`⚠️ ${unreachableLine(i.unreachable)}`);
  return lines.join('\n');
}

function failureText(f: HomeFailure): string {
  const link = f.link ? ` · ${mdLink(f.link, 'card')}` : '';
  const head =
    `${statusEmoji(f.status ?? 'FAILED')} Job *${esc(truncate(f.label, 80))}* ${inlineCode(`#${f.objectId}`)} · ` +
    `${esc(f.sourceName)} · ${esc(f.region)}${link}\n${esc(truncate(f.summary, 300))}`;
  const causes = f.diagnoses
    .slice(0, 2)
    .map(
      (d) =>
        `• *${esc(d.label)}* — ${esc(truncate(d.table, 60))}\n   _Cause:_ ${esc(truncate(d.cause, 300))}\n   _Fix:_ ${esc(truncate(d.fix, 400))}`,
    );
  return [head, ...causes].join('\n');
}

export function homeView(data: HomeData): HomeView {
  const blocks: KnownBlock[] = [
    header('MMS migrations'),
    context([`Updated ${slackDate(new Date(data.updated), '{time}')} · \`/mms status\` lists them too`]),
  ];
  blocks.push(section(`*Active* (${exactCount(data.active.length)})`));
  if (data.active.length === 0) {
    blocks.push(
      context([
        'Nothing is running. Jobs started from Slack are watched automatically; `/mms watch` adds one.',
      ]),
    );
  }
  for (const i of data.active.slice(0, MAX_ACTIVE)) blocks.push(section(activeLine(i)));
  if (data.active.length > MAX_ACTIVE)
    blocks.push(context([`…and ${exactCount(data.active.length - MAX_ACTIVE)} more`]));
  blocks.push(divider(), section(`*Recent failures* (${exactCount(data.failures.length)})`));
  if (data.failures.length === 0) blocks.push(context(['No failures among recently watched jobs.']));
  for (const f of data.failures.slice(0, MAX_FAILURES)) blocks.push(section(failureText(f)));
  return { type: 'home', blocks: forModal(blocks, { narrow: '`/mms status`' }) };
}
