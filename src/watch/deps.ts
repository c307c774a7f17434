// What the polling modules share, and `commit`: a watch's new state, its events and its card, written in one
// transaction (the exactly-once half of the outbox: an event exists iff the state change that caused it does).
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../log.js';
import type { MmsClients } from '../mms/clients.js';
import { MmsError } from '../mms/errors.js';
import { redact } from '../mms/redact.js';
import type { Db } from '../store/db.js';
import type { KnownJobStore } from '../store/known-jobs.js';
import type { Outbox } from '../store/outbox.js';
import type { Watch, WatchGlance, WatchStore } from '../store/watches.js';
import { messageLink, type SettledView, settledMessage } from '../ui/events.js';
import type { RenderCtx, SlackMessage } from '../ui/types.js';
import type { SourceBackoff } from './backoff.js';
import type { Gate } from './gate.js';

export interface PollSettings {
  concurrency: number;
  listPageSize: number;
  maxListPages: number;
  maxLogReadsPerJob: number;
  taskRefreshMs: number;
  maxWaitMs: number;
  notifyChannel: string | undefined;
}

export interface TickReport {
  skipped: 'overlap' | 'lease' | null;
  /** MMS calls the watcher made this tick (transport retries not included), in all and per action. */
  mmsCalls: number;
  mmsCallsByAction: Record<string, number>;
  polled: { jobs: number; scans: number; async: number };
  /** Outbox rows created or made due this tick (events and card changes). */
  queued: number;
  sent: number;
  failed: number;
  /** Confirmations expired this tick. */
  expired: number;
  /** Jobs started outside Slack, newly announced. */
  discovered: number;
  /** Sources left alone this tick because they are backing off. */
  backedOff: number;
}

export const emptyReport = (): TickReport => ({
  skipped: null,
  mmsCalls: 0,
  mmsCallsByAction: {},
  polled: { jobs: 0, scans: 0, async: 0 },
  queued: 0,
  sent: 0,
  failed: 0,
  expired: 0,
  discovered: 0,
  backedOff: 0,
});

export interface WatchDeps {
  db: Db;
  watches: WatchStore;
  outbox: Outbox;
  known: KnownJobStore;
  clients: MmsClients;
  gate: Gate;
  backoff: SourceBackoff;
  now: () => number;
  logger: Logger;
  render: (region: string) => RenderCtx;
  settings: PollSettings;
  /** Jobs seen once without a watch: announced when seen again (a Slack write may still register them). */
  candidates: Set<string>;
  /** When each source's whole job list was last read for discovery (watcher clock). */
  sweeps: Map<string, number>;
}

/**
 * A message to post under the watch's card, or (`settle`) an edit of one posted earlier (the row keyed
 * `of`): its buttons no longer fit, and give way to a line saying what happened.
 */
export type WatchEvent =
  | { key: string; kind: 'thread' | 'broadcast'; message: SlackMessage }
  | { key: string; kind: 'settle'; of: string; settled: SettledView };

export interface Change {
  watch: Watch;
  /** `watch.state` exactly as read: the write happens only if the row still holds it. */
  prev: unknown;
  /** The new state: data only (statuses, counts, ids, what was announced), never rendered text. */
  next: object;
  /** What other readers show of the watch; stored with the state. */
  glance: WatchGlance;
  events: WatchEvent[];
  /** The card drawn from the new state (drawn only when something changed). */
  card: (() => SlackMessage) | null;
  end?: boolean;
}

export const eventKey = (watchId: number, suffix: string): string => `w${watchId}:${suffix}`;

/** Texts are redacted once more on their way into the outbox (MMS data already is; this is a backstop). */
export const safePayload = (m: SlackMessage): { text: string; blocks: unknown[] } =>
  redact({ text: m.text, blocks: m.blocks });

/**
 * Writes the change in one transaction: state (compare-and-set), events (each key once), card content, end.
 * Returns false when the watch changed meanwhile (a register from Slack): nothing is written, and the next
 * cycle starts from the new state.
 */
export function commit(d: WatchDeps, c: Change): { ok: boolean; queued: number } {
  // Plain data as it would be stored (undefined fields dropped), compared as values.
  const next: unknown = JSON.parse(JSON.stringify({ ...c.next, glance: c.glance }));
  const same = isDeepStrictEqual(next, c.prev);
  if (same && c.events.length === 0 && !c.end) return { ok: true, queued: 0 };
  let queued = 0;
  const ok = d.db
    .transaction(() => {
      if (!d.watches.setStateIf(c.watch.id, c.prev, next)) return false;
      for (const e of c.events) {
        const row = e.kind === 'settle' ? settleRow(d, c.watch, e.of, e.settled) : e;
        if (
          row &&
          d.outbox.enqueue({
            key: e.key,
            watchId: c.watch.id,
            channel: c.watch.channel,
            kind: row.kind,
            payload: { ...safePayload(row.message), ...('of' in row ? { of: row.of } : {}) },
          })
        )
          queued++;
      }
      if (c.card && d.outbox.setCard(c.watch.id, c.watch.channel, safePayload(c.card()), c.watch.cardTs))
        queued++;
      if (c.end) d.watches.deactivate(c.watch.id);
      return true;
    })
    .immediate();
  return { ok, queued };
}

/**
 * The edit that settles an earlier thread message: the message as it was queued (its outbox row), its
 * buttons replaced by what happened. Null when there is nothing to edit (the row is gone, or was never a
 * post).
 */
function settleRow(
  d: WatchDeps,
  w: Watch,
  of: string,
  settled: SettledView,
): { kind: 'update'; of: string; message: SlackMessage } | null {
  const original = d.outbox.get(of);
  if (!original || (original.kind !== 'thread' && original.kind !== 'broadcast')) return null;
  const cardTs = d.outbox.cardTs(w);
  const link = cardTs ? messageLink(w.channel, cardTs) : null;
  return { kind: 'update', of, message: settledMessage(original.payload, settled, link) };
}

/** MMS errors that mean "try again later"; anything else from the poll code is a bug, logged. */
export function errorKind(e: unknown): MmsError['kind'] | null {
  return e instanceof MmsError ? e.kind : null;
}
