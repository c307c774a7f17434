// While a source backs off, its cards carry one status line ("MMS unreachable since <a Slack date>
// (throttled); retrying"). It is written once, when the trouble starts; later failed cycles change nothing,
// so the card is not edited again until the source answers and the line goes.
import type { Watch, WatchGlance } from '../store/watches.js';
import { asyncCardFor, asyncGlance, jobCardFor, jobGlance, scanCardFor, scanGlance } from './cards.js';
import { commit, type TickReport, type WatchDeps } from './deps.js';
import { asyncState, jobState, scanState } from './state.js';

export function markUnreachable(
  d: WatchDeps,
  r: TickReport,
  watches: readonly Watch[],
  since: number,
  kind: string,
): void {
  const now = d.now();
  for (const w of watches) {
    const render = d.render(w.region);
    const line = { since, kind };
    let next: object;
    let glance: WatchGlance;
    let card: ReturnType<typeof jobCardFor>;
    if (w.kind === 'job') {
      const s = jobState(w.state);
      if (s.unreachable) continue;
      const n = { ...s, unreachable: line };
      next = n;
      glance = jobGlance(n);
      card = jobCardFor(w, n, now, render);
    } else if (w.kind === 'scan') {
      const s = scanState(w.state);
      if (s.unreachable) continue;
      const n = { ...s, unreachable: line };
      next = n;
      glance = scanGlance(n);
      card = scanCardFor(w, n, now, render);
    } else {
      const s = asyncState(w.state);
      if (s.unreachable) continue;
      const n = { ...s, unreachable: line };
      next = n;
      glance = asyncGlance(n);
      card = asyncCardFor(w, n, render);
    }
    r.queued += commit(d, { watch: w, prev: w.state, next, glance, events: [], card: () => card }).queued;
  }
}
