// What is watched: `/mms watching` (this channel) and `/mms status` (the workspace).
import type { Watch } from '../store/watches.js';
import { cmd, runButton, withRegion } from './actions.js';
import { listMessage } from './common.js';
import { esc, mentionChannel } from './escape.js';
import { statusEmoji } from './format.js';
import type { RenderCtx, SlackMessage } from './types.js';

const KIND = { job: 'job', scan: 'scan', async: 'job creation' } as const;

/** What the watcher last saw, in words: `DOING (stopped)` and `3/5 tasks done, 1 failed, stopped`. */
function lastSeen(w: Watch): { status?: string; summary?: string } {
  const g = w.glance;
  if (!g) return {};
  const status = (g.ended === 'deleted' ? 'DELETED' : g.status) ?? undefined;
  const summary =
    g.percent !== null
      ? `${Math.floor(g.percent)}%`
      : g.total !== null
        ? `${g.done ?? 0}/${g.total} tasks done` +
          (g.failed > 0 ? `, ${g.failed} failed` : '') +
          (g.stopped ? ', stopped' : '')
        : (g.ended ?? undefined);
  return { status: status && g.stopped ? `${status} (stopped)` : status, summary };
}

export function watchListMessage(title: string, watches: Watch[], ctx: RenderCtx): SlackMessage {
  const items = watches.map((w) => {
    const seen = lastSeen(w);
    const line =
      `${statusEmoji(seen.status)} *${esc(w.label || `#${w.objectId}`)}* · ${KIND[w.kind]} #${w.objectId}` +
      ` · ${esc(w.sourceName)} · ${esc(w.region)} · ${mentionChannel(w.channel)}` +
      (seen.status ? ` · ${esc(seen.status)}` : '') +
      (seen.summary ? `\n    ${esc(seen.summary)}` : '');
    const drill =
      w.kind === 'job'
        ? runButton(
            `Job ${w.label || w.objectId}`,
            withRegion(cmd.job(w.sourceId, w.objectId), { ...ctx, region: w.region }),
          )
        : undefined;
    return { line, drill };
  });
  return listMessage({
    text: `${title}: ${watches.length}`,
    title,
    items,
    empty:
      'Nothing is watched. Jobs started from Slack are watched automatically; `/mms watch <source> <job>` adds one.',
    ctx,
    narrow: '`/mms watching` in a channel',
  });
}
