// Sends the outbox to Slack: new cards first (threads hang off them), then thread posts and one-off edits in
// the order they happened, then card edits (latest content only, so skipping one loses nothing). A failed
// post holds back the rest of its watch's thread; a 429 pauses that Slack method for its Retry-After, and
// the rows simply wait: nothing is lost, nothing is sent twice.
import type { KnownBlock } from '@slack/types';
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import type { Outbox, OutboxRow } from '../store/outbox.js';
import type { Watch, WatchStore } from '../store/watches.js';
import type { TickReport } from './deps.js';

/** Test hooks around one send; an error they throw escapes the tick (a simulated crash). */
export interface SendHooks {
  /** After the row was committed and claimed, before it is sent. */
  beforeSend?(row: OutboxRow): void;
  /** After Slack answered, before the row is marked sent: the one window where a crash duplicates. */
  afterSend?(row: OutboxRow, ts: string | null): void;
}

export interface NotifierOptions {
  db: Db;
  outbox: Outbox;
  watches: WatchStore;
  web: WebClient;
  now: () => number;
  logger: Logger;
  /** Renews the watcher's lease; sending stops when it is lost. */
  holdLease: () => boolean;
  /** A claimed row is left alone this long by other senders (a crash mid-send delays it this much). */
  claimMs: number;
  /** chat.postMessage per channel per flush (Slack: about one per second per channel). */
  maxPostsPerChannel: number;
  /** chat.update per flush (Tier 3). */
  maxUpdates: number;
  /** Slack rejections (ok:false) before a row is dropped. Transport errors and 429s retry forever. */
  maxAttempts: number;
  hooks?: SendHooks;
}

type Method = 'chat.postMessage' | 'chat.update';

/** Card edits that find no message: the card was deleted; post a new one. */
const CARD_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed', 'msg_too_old']);

interface Failure {
  rateLimitSec: number | null;
  platform: string | null;
  message: string;
}

function describe(e: unknown): Failure {
  const x = (e ?? {}) as {
    code?: unknown;
    retryAfter?: unknown;
    data?: { error?: unknown };
    message?: unknown;
  };
  const message = typeof x.message === 'string' ? x.message : String(e);
  if (x.code === ErrorCode.RateLimitedError && typeof x.retryAfter === 'number')
    return { rateLimitSec: x.retryAfter, platform: null, message };
  // With retries on, the client waits out Retry-After itself and, once its budget is spent, throws this.
  const m = /rate limit was exceeded.*retry-after: (\d+)/i.exec(message);
  if (m) return { rateLimitSec: Number(m[1]), platform: null, message };
  if (x.code === ErrorCode.PlatformError && typeof x.data?.error === 'string') {
    if (x.data.error === 'ratelimited') return { rateLimitSec: 30, platform: null, message };
    return { rateLimitSec: null, platform: x.data.error, message };
  }
  return { rateLimitSec: null, platform: null, message };
}

export class Notifier {
  private readonly pausedUntil = new Map<Method, number>();

  constructor(private readonly o: NotifierOptions) {}

  async flush(r: TickReport): Promise<void> {
    const rows = this.o.outbox.pending();
    if (rows.length === 0) return;
    const watches = new Map<number, Watch | null>();
    const watchOf = (id: number | null): Watch | null => {
      if (id === null) return null;
      if (!watches.has(id)) watches.set(id, this.o.watches.get(id));
      return watches.get(id) ?? null;
    };
    const isNewCard = (row: OutboxRow) => row.kind === 'card' && !row.resultTs;
    const order = [
      ...rows.filter(isNewCard),
      ...rows.filter((x) => x.kind !== 'card'),
      ...rows
        .filter((x) => x.kind === 'card' && !isNewCard(x))
        .sort((a, b) => a.nextAt - b.nextAt || a.id - b.id),
    ];
    const held = new Set<number>();
    const posts = new Map<string, number>();
    let updates = 0;
    for (const row of order) {
      const now = this.o.now();
      const thread = row.kind === 'thread' || row.kind === 'broadcast';
      // Thread order: a row waiting (failed earlier, or not due) holds back the later rows of its watch.
      if (row.watchId !== null && row.kind !== 'card' && held.has(row.watchId)) continue;
      if (row.nextAt > now) {
        if (row.watchId !== null && row.kind !== 'card') held.add(row.watchId);
        continue;
      }
      const method: Method =
        row.kind === 'update' || (row.kind === 'card' && row.resultTs) ? 'chat.update' : 'chat.postMessage';
      if ((this.pausedUntil.get(method) ?? 0) > now) {
        if (row.watchId !== null) held.add(row.watchId);
        continue;
      }
      // An edit of a message this outbox posted: its ts is on that row once it is out.
      let editTs: string | null = null;
      if (row.kind === 'update') {
        editTs = row.payload.ts ?? null;
        const of = row.payload.of;
        if (!editTs && of) {
          const target = this.o.outbox.get(of);
          editTs = target?.resultTs ?? null;
          if (!editTs && (!target || target.sentAt !== null)) {
            // Never posted (Slack refused it) or long pruned: there is nothing to edit.
            this.o.outbox.drop(row.id, 'the message to edit was never posted');
            continue;
          }
          if (!editTs) {
            if (row.watchId !== null) held.add(row.watchId);
            continue;
          }
        }
      }
      let threadTs: string | null = null;
      if (thread) {
        const w = watchOf(row.watchId);
        const card = row.watchId !== null ? this.o.outbox.card(row.watchId) : null;
        threadTs = card ? card.resultTs : (w?.cardTs ?? null);
        if (!threadTs) {
          // The card is not out yet; its thread waits for it.
          if (row.watchId !== null) held.add(row.watchId);
          continue;
        }
      }
      if (method === 'chat.postMessage') {
        const n = posts.get(row.channel) ?? 0;
        if (n >= this.o.maxPostsPerChannel) {
          if (row.watchId !== null) held.add(row.watchId);
          continue;
        }
        posts.set(row.channel, n + 1);
      } else if (updates >= this.o.maxUpdates) continue;
      else updates++;
      if (!this.o.holdLease()) return;
      if (!this.o.outbox.claim(row.id, this.o.claimMs)) continue;
      this.o.hooks?.beforeSend?.(row);
      let ts: string | null;
      try {
        // An earlier attempt may have reached Slack before the process died: look for the message by its
        // key (every post carries it in its metadata) before posting it again.
        const earlier =
          row.attempts > 0 && method === 'chat.postMessage' ? await this.findPosted(row, threadTs) : null;
        ts = earlier ?? (await this.send(row, method, threadTs, editTs));
      } catch (e) {
        r.failed++;
        if (row.watchId !== null) held.add(row.watchId);
        this.failed(row, method, e);
        continue;
      }
      this.o.hooks?.afterSend?.(row, ts);
      // Marked in the same synchronous step as the await's return: a crash in between is the only way a
      // post can be sent twice (Slack has no idempotency key). Edits are idempotent anyway.
      this.o.db
        .transaction(() => {
          this.o.outbox.markSent(row, ts);
          if (row.kind === 'card' && method === 'chat.postMessage' && row.watchId !== null && ts)
            this.o.watches.setCard(row.watchId, ts);
        })
        .immediate();
      r.sent++;
    }
  }

  /**
   * The ts of a message already posted for `row` (found by the key in its metadata, among the thread's
   * replies or the channel's latest messages), or null. A failed lookup (no history scope, say) is null:
   * the row is posted as before.
   */
  private async findPosted(row: OutboxRow, threadTs: string | null): Promise<string | null> {
    const keyOf = (m: unknown): string | null => {
      const md = (m as { metadata?: { event_payload?: { key?: unknown } } } | null)?.metadata;
      return typeof md?.event_payload?.key === 'string' ? md.event_payload.key : null;
    };
    try {
      const res = threadTs
        ? await this.o.web.conversations.replies({
            channel: row.channel,
            ts: threadTs,
            include_all_metadata: true,
            limit: 1000,
          })
        : await this.o.web.conversations.history({
            channel: row.channel,
            include_all_metadata: true,
            limit: 100,
          });
      const found = (res.messages ?? []).find((m) => keyOf(m) === row.key);
      return typeof found?.ts === 'string' ? found.ts : null;
    } catch (err) {
      this.o.logger.debug({ err, key: row.key }, 'cannot look for an earlier post; posting');
      return null;
    }
  }

  private async send(
    row: OutboxRow,
    method: Method,
    threadTs: string | null,
    editTs: string | null,
  ): Promise<string | null> {
    const { text, blocks } = row.payload;
    const content = { channel: row.channel, text, blocks: blocks as KnownBlock[] };
    if (method === 'chat.update') {
      const ts = row.kind === 'update' ? editTs : row.resultTs;
      if (!ts) throw new Error('no message to update');
      await this.o.web.chat.update({ ...content, ts });
      return ts;
    }
    const base = {
      ...content,
      unfurl_links: false,
      unfurl_media: false,
      // Names the event in Slack too: a message can be matched to its outbox row.
      metadata: { event_type: 'mms_watch_event', event_payload: { key: row.key } },
    };
    const res = threadTs
      ? await this.o.web.chat.postMessage({
          ...base,
          thread_ts: threadTs,
          reply_broadcast: row.kind === 'broadcast',
        })
      : await this.o.web.chat.postMessage(base);
    return typeof res.ts === 'string' ? res.ts : null;
  }

  private failed(row: OutboxRow, method: Method, e: unknown): void {
    const now = this.o.now();
    const f = describe(e);
    if (f.rateLimitSec !== null) {
      const until = now + Math.max(1, f.rateLimitSec) * 1000;
      this.pausedUntil.set(method, until);
      this.o.outbox.retryLater(row.id, until, `ratelimited (${method}, retry after ${f.rateLimitSec}s)`);
      this.o.logger.warn(
        { method, retryAfter: f.rateLimitSec, key: row.key },
        'Slack rate limit; the outbox waits',
      );
      return;
    }
    if (f.platform && row.kind === 'card' && method === 'chat.update' && CARD_GONE.has(f.platform)) {
      this.o.outbox.forgetCardTs(row.id);
      this.o.logger.info({ key: row.key, error: f.platform }, 'card message gone; posting a new card');
      return;
    }
    if (f.platform && (row.attempts + 1 >= this.o.maxAttempts || row.kind === 'update')) {
      this.o.outbox.drop(row.id, f.platform);
      this.o.logger.warn({ key: row.key, error: f.platform }, 'Slack refused a notification; dropped');
      return;
    }
    // Transport trouble (or a refusal worth another try): exponential, capped at 5 minutes.
    const wait = Math.min(300_000, 5_000 * 2 ** Math.min(10, row.attempts));
    this.o.outbox.retryLater(row.id, now + wait, f.platform ?? f.message);
    this.o.logger.warn({ key: row.key, err: e }, 'cannot send a notification; will retry');
  }
}
