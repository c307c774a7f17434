// Jobs started outside Slack (console, API, timers): new jobs in a source's whole job list (read every few
// minutes; MMS documents no order) are announced in the notify channel by watching them there. The first
// look at a source only
// records what exists; a job is announced once (known_jobs), and only when no Slack write could still
// claim it (no job creation pending on the source, and seen on two cycles).
import type { Job } from '../mms/schemas.js';
import type { Watch } from '../store/watches.js';
import type { TickReport, WatchDeps } from './deps.js';

export interface SourceKey {
  region: string;
  sourceId: number;
  sourceName: string;
}

/** Returns the watches it created (to be polled this cycle with the jobs already listed). */
export function discoverJobs(d: WatchDeps, r: TickReport, src: SourceKey, jobs: readonly Job[]): Watch[] {
  const channel = d.settings.notifyChannel;
  if (!channel) return [];
  const { region, sourceId } = src;
  if (!d.known.baselined(region, sourceId)) {
    d.db
      .transaction(() => {
        for (const j of jobs) d.known.add(region, sourceId, j.id);
        d.known.markBaselined(region, sourceId);
      })
      .immediate();
    return [];
  }
  const creating = d.watches.active('async').some((w) => w.region === region && w.sourceId === sourceId);
  const created: Watch[] = [];
  for (const j of jobs) {
    if (d.known.has(region, sourceId, j.id)) continue;
    if (d.watches.watchedAnywhere('job', region, sourceId, j.id)) {
      d.known.add(region, sourceId, j.id);
      continue;
    }
    // A job creation from Slack may not have reported its job id yet: it would claim this one.
    if (creating) continue;
    const candidate = `${region}:${sourceId}:${j.id}`;
    if (!d.candidates.has(candidate)) {
      d.candidates.add(candidate);
      continue;
    }
    const watch = d.db
      .transaction(() => {
        d.known.add(region, sourceId, j.id);
        return d.watches.add({
          kind: 'job',
          region,
          sourceId,
          sourceName: j.sourceName ?? src.sourceName,
          objectId: j.id,
          channel,
          label: j.name,
          state: { origin: 'discovered' },
        }).watch;
      })
      .immediate();
    d.candidates.delete(candidate);
    r.discovered++;
    created.push(watch);
  }
  return created;
}
