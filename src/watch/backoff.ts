// Backoff per (region, source): after a throttled, server or network error (or any other), the source is
// left alone for an exponentially growing, capped, jittered while. In memory: a restart starts afresh.
import type { MmsErrorKind } from '../mms/errors.js';

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Jitter source in [0, 1). */
  random: () => number;
}

interface Entry {
  failures: number;
  /** No call before this (watcher clock). */
  until: number;
  since: number;
  kind: MmsErrorKind | 'error';
}

export class SourceBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly o: BackoffOptions) {}

  static key(region: string, sourceId: number): string {
    return `${region}:${sourceId}`;
  }

  /** Whether calls to the source may go out now. */
  ready(key: string, now: number): boolean {
    const e = this.entries.get(key);
    return !e || now >= e.until;
  }

  /** Records a failure; returns when the trouble began and its kind. */
  fail(
    key: string,
    now: number,
    kind: MmsErrorKind | 'error',
  ): { since: number; kind: MmsErrorKind | 'error' } {
    const prev = this.entries.get(key);
    const failures = (prev?.failures ?? 0) + 1;
    const ceiling = Math.min(this.o.maxMs, this.o.baseMs * 2 ** (failures - 1));
    // Half fixed, half random: spreads retries of many sources without ever retrying at once.
    const wait = Math.round(ceiling / 2 + this.o.random() * (ceiling / 2));
    const e: Entry = { failures, until: now + wait, since: prev?.since ?? now, kind };
    this.entries.set(key, e);
    return { since: e.since, kind };
  }

  /** Records a success; true when the source had been failing. */
  succeed(key: string): boolean {
    return this.entries.delete(key);
  }

  failing(key: string): { since: number; kind: string; until: number; failures: number } | null {
    const e = this.entries.get(key);
    return e ? { ...e } : null;
  }
}
