// What is watched: `/mms watching` (this channel) and `/mms status` (the workspace).
import type { Watch } from '../store/watches.js';
import { cmd, runButton, withRegion } from './actions.js';
import { listMessage } from './common.js';
import { esc, mentionChannel } from './escape.js';
import { statusEmoji } from './format.js';
import type { RenderCtx, SlackMessage } from './types.js';

const KIND = { job: 'job', scan: 'scan', async: 'job creation' } as const;

/** The watcher keeps what it last saw in `state`; only a few display fields are read here. */
function lastSeen(w: Watch): { status?: string; summary?: string } {
  const s = (w.state ?? {}) as { status?: unknown; summary?: unknown };
  return {
    status: typeof s.status === 'string' ? s.status : undefined,
    summary: typeof s.summary === 'string' ? s.summary : undefined,
  };
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
