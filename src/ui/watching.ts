// What is watched: `/mms watching` (this channel) and `/mms status` (the workspace).
import type { Watch } from '../store/watches.js';
import { cmd, runButton, withRegion } from './actions.js';
import { listMessage } from './common.js';
import { esc, mentionChannel } from './escape.js';
import { statusEmoji } from './format.js';
import { movedShort } from './sizes.js';
import type { RenderCtx, SlackMessage } from './types.js';

const KIND = { job: 'job', scan: 'scan', async: 'job creation' } as const;

/**
 * What the watcher last saw, in words: `DOING (stopped)` and `3/5 tasks done, 1 failed, stopped`, with the
 * table sizes moved when MMS reports them (`, 1.2 GB of 4.5 GB moved`).
 */
function lastSeen(w: Watch): { status?: string; summary?: string; name?: string } {
  const g = w.glance;
  if (!g) return {};
  const status = (g.ended === 'deleted' ? 'DELETED' : g.status) ?? undefined;
  const moved = movedShort(g.moved);
  const summary =
    g.percent !== null
      ? `${Math.floor(g.percent)}%`
      : g.total !== null
        ? `${g.done ?? 0}/${g.total} tasks done` +
          (g.failed > 0 ? `, ${g.failed} failed` : '') +
          (g.stopped ? ', stopped' : '') +
          (moved ? `, ${moved}` : '')
        : (g.ended ?? undefined);
  return { status: status && g.stopped ? `${status} (stopped)` : status, summary };
}

/** Jobs among `watches` (newest first) that failed: what App Home lists as recent failures. */
export function recentFailures(watches: Watch[], max = 8): Watch[] {
  return watches.filter((w) => w.kind === 'job' && /FAILED/.test(lastSeen(w).status ?? '')).slice(0, max);
}

export function watchListMessage(
  title: string,
  watches: Watch[],
  ctx: RenderCtx,
  failures?: Watch[],
): SlackMessage {
  const items = watches.map((w) => {
    const seen = lastSeen(w);
    const line =
      `${statusEmoji(seen.status)} *${esc(seen.name ?? (w.label || `#${w.objectId}`))}* · ${KIND[w.kind]}` +
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
  const failed = (failures ?? []).map((w) => {
    const seen = lastSeen(w);
    return (
      `❌ *${esc(seen.name ?? (w.label || `#${w.objectId}`))}* · ${esc(w.sourceName)} · ${mentionChannel(w.channel)}` +
      (seen.summary ? ` — ${esc(seen.summary)}` : '')
    );
  });
  return listMessage({
    text: `${title}: ${watches.length}${failures ? `, ${failed.length} failed lately` : ''}`,
    title,
    items,
    empty:
      'Nothing is watched now. Jobs started from Slack are watched automatically; `/mms watch <source> <job>` adds one.',
    ctx,
    narrow: '`/mms watching` in a channel',
    ...(failures
      ? {
          notes: [
            failed.length
              ? `*Recent failures* (as on the Home tab)\n${failed.join('\n')}`
              : 'No recent failures.',
          ],
        }
      : {}),
  });
}
