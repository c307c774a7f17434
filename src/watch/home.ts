// App Home: who opened it recently (in memory), the view built from the watches, and permalinks to the cards
// (cached; an app_redirect link to the channel when chat.getPermalink is not possible).
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { CATEGORY_LABELS, summarizeDiagnoses } from '../diagnosis/diagnose.js';
import type { Outbox } from '../store/outbox.js';
import type { Watch, WatchStore } from '../store/watches.js';
import { type HomeFailure, type HomeItem, homeView } from '../ui/home.js';
import { cardEventPlain } from '../ui/jobs.js';
import { doneCount, failedCount, movedOf } from './cards.js';
import { asDiagnosis, asyncState, jobState, scanState } from './state.js';

interface Visitor {
  openedAt: number;
  publishedAt: number | null;
  /** Something changed since the view was last published. */
  stale: boolean;
}

/** Users who opened Home, and when their view was last published: refreshes are rate-limited per user. */
export class HomeVisitors {
  private readonly users = new Map<string, Visitor>();

  constructor(
    private readonly activeMs: number,
    private readonly minIntervalMs: number,
  ) {}

  /** app_home_opened: the listener publishes the view it gets. */
  opened(user: string, now: number): void {
    this.users.set(user, { openedAt: now, publishedAt: now, stale: false });
  }

  changed(): void {
    for (const v of this.users.values()) v.stale = true;
  }

  /** Users to publish to now; those seen long ago are forgotten. */
  due(now: number): string[] {
    const out: string[] = [];
    for (const [user, v] of this.users) {
      if (now - v.openedAt > this.activeMs) {
        this.users.delete(user);
        continue;
      }
      if (v.stale && (v.publishedAt === null || now - v.publishedAt >= this.minIntervalMs)) out.push(user);
    }
    return out;
  }

  published(user: string, now: number): void {
    const v = this.users.get(user);
    if (v) {
      v.publishedAt = now;
      v.stale = false;
    }
  }
}

export interface HomeSources {
  watches: WatchStore;
  outbox: Outbox;
  web: WebClient;
  now: () => number;
}

const MAX_LOOKUPS = 10;

export class HomeBuilder {
  /** `channel:ts` → permalink. */
  private readonly links = new Map<string, string>();

  constructor(private readonly s: HomeSources) {}

  private async linkFor(w: Watch, budget: { left: number }): Promise<string> {
    const fallback = `https://slack.com/app_redirect?channel=${encodeURIComponent(w.channel)}`;
    const ts = this.s.outbox.cardTs(w);
    if (!ts) return fallback;
    const key = `${w.channel}:${ts}`;
    const cached = this.links.get(key);
    if (cached) return cached;
    if (budget.left <= 0) return fallback;
    budget.left--;
    try {
      const res = await this.s.web.chat.getPermalink({ channel: w.channel, message_ts: ts });
      if (typeof res.permalink === 'string') {
        this.links.set(key, res.permalink);
        return res.permalink;
      }
    } catch {
      // no access to the channel: the redirect still opens it
    }
    return fallback;
  }

  async build(): Promise<View> {
    const budget = { left: MAX_LOOKUPS };
    const active: HomeItem[] = [];
    for (const w of this.s.watches.active()) {
      const base = {
        kind: w.kind,
        label: w.label,
        objectId: w.objectId,
        sourceName: w.sourceName,
        region: w.region,
        link: await this.linkFor(w, budget),
      };
      if (w.kind === 'job') {
        const s = jobState(w.state);
        active.push({
          ...base,
          label: s.job?.name ?? w.label,
          status: s.job ? `${s.job.status ?? 'unknown'}${s.job.stopped ? ' (stopped)' : ''}` : null,
          done: s.job?.taskDone ?? null,
          total: s.job?.taskNum ?? null,
          moved: movedOf(s),
          lastEvent: s.last ? cardEventPlain(s.last) : null,
          unreachable: s.unreachable,
        });
      } else {
        const s = w.kind === 'scan' ? scanState(w.state) : asyncState(w.state);
        active.push({
          ...base,
          status: s.status ?? null,
          done: null,
          total: null,
          lastEvent: s.last ? cardEventPlain(s.last) : null,
          unreachable: s.unreachable,
        });
      }
    }
    const failures: HomeFailure[] = [];
    for (const w of this.s.watches.recent(200)) {
      if (w.kind !== 'job' || failures.length >= 8) continue;
      const s = jobState(w.state);
      if (s.diagnoses.length === 0 && (s.verdict ?? s.job?.status) !== 'FAILED') continue;
      const summary = summarizeDiagnoses(s.diagnoses.map(asDiagnosis));
      failures.push({
        label: s.job?.name ?? w.label,
        objectId: w.objectId,
        sourceName: w.sourceName,
        region: w.region,
        status: s.verdict ?? s.job?.status ?? null,
        link: await this.linkFor(w, budget),
        summary: s.diagnoses.length
          ? `${summary.text}`
          : `${doneCount(s)}/${s.job?.taskNum ?? 0} tasks done, ${failedCount(s)} failed`,
        diagnoses: s.diagnoses
          .slice(-2)
          .map((d) => ({ table: d.table, label: CATEGORY_LABELS[d.category], cause: d.cause, fix: d.fix })),
      });
    }
    return homeView({ active, failures, updated: this.s.now() });
  }
}
