// What is watched: `/mms watching` (this channel) and `/mms status` (the workspace).
import type { Watch } from '../store/watches.js';
import { cmd, runButton, withRegion } from './actions.js';
import { listMessage } from './common.js';
import { esc, mentionChannel } from './escape.js';
import { statusEmoji } from './format.js';
import type { RenderCtx, SlackMessage } from './types.js';

const KIND = { job: 'job', scan: 'scan', async: 'job creation' } as const;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The watcher keeps what it last saw in `state`; only a few display fields are read here: a scan's or job
 * creation's `status`, a job's `job.status` (or its settled `verdict`), and a `summary`.
 */
function lastSeen(w: Watch): { status?: string; summary?: string; name?: string } {
  const s = (w.state ?? {}) as { status?: unknown; summary?: unknown; verdict?: unknown; job?: unknown };
  const job = (s.job && typeof s.job === 'object' ? s.job : {}) as { status?: unknown; name?: unknown };
  return {
    status: text(s.verdict) ?? text(job.status) ?? text(s.status),
    summary: text(s.summary),
    name: text(job.name),
  };
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
