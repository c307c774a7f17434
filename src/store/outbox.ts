// Every Slack notification the watcher makes, as a row keyed by (watch, event). A row is written in the
// same transaction as the watch-state change that caused it, then sent and marked. `key` is UNIQUE, so the
// same event can never be queued twice; `sent_at` says it went out, so it is never sent twice either (but
// see `markSent` for the one window Slack leaves open).
import { z } from 'zod';
import type { Db } from './db.js';

/**
 * card: the watch's card (its latest content; posted once, then edited in place)
 * update: a one-off chat.update of a given message (an expired confirmation card), or of one this outbox
 *   posted (a thread message whose buttons went stale)
 * thread / broadcast: a reply under the watch's card (broadcast: also shown in the channel)
 * post: a top-level message in the channel
 */
export type OutboxKind = 'card' | 'update' | 'thread' | 'broadcast' | 'post';

export const OutboxPayload = z.object({
  text: z.string(),
  blocks: z.array(z.unknown()),
  /** `update` rows: the message to edit. */
  ts: z.string().optional(),
  /** `update` rows without `ts`: the key of the row that posted the message to edit (its ts, once sent). */
  of: z.string().optional(),
});
export type OutboxPayload = z.infer<typeof OutboxPayload>;

const Row = z.object({
  id: z.number(),
  key: z.string(),
  watch_id: z.number().nullable(),
  channel_id: z.string(),
  kind: z.enum(['card', 'update', 'thread', 'broadcast', 'post']),
  payload: z.string(),
  created_at: z.number(),
  sent_at: z.number().nullable(),
  result_ts: z.string().nullable(),
  attempts: z.number(),
  next_at: z.number(),
  last_error: z.string().nullable(),
});

export interface OutboxRow {
  id: number;
  key: string;
  watchId: number | null;
  channel: string;
  kind: OutboxKind;
  payload: OutboxPayload;
  /** The payload as stored: card rows are marked sent only if it is still the same. */
  rawPayload: string;
  createdAt: number;
  sentAt: number | null;
  resultTs: string | null;
  attempts: number;
  nextAt: number;
  lastError: string | null;
}

const toRow = (r: unknown): OutboxRow => {
  const x = Row.parse(r);
  let payload: OutboxPayload;
  try {
    payload = OutboxPayload.parse(JSON.parse(x.payload));
  } catch {
    payload = { text: '(unreadable notification)', blocks: [] };
  }
  return {
    id: x.id,
    key: x.key,
    watchId: x.watch_id,
    channel: x.channel_id,
    kind: x.kind,
    payload,
    rawPayload: x.payload,
    createdAt: x.created_at,
    sentAt: x.sent_at,
    resultTs: x.result_ts,
    attempts: x.attempts,
    nextAt: x.next_at,
    lastError: x.last_error,
  };
};

export interface NewMessage {
  key: string;
  watchId: number | null;
  channel: string;
  kind: Exclude<OutboxKind, 'card'>;
  payload: OutboxPayload;
}

export const cardKey = (watchId: number): string => `w${watchId}:card`;

export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Queues a message; false when its key was queued before (the event already happened). */
  enqueue(m: NewMessage): boolean {
    const at = this.now();
    return (
      this.db
        .prepare(
          `insert into outbox (key, watch_id, channel_id, kind, payload, created_at, next_at)
           values (?, ?, ?, ?, ?, ?, ?) on conflict(key) do nothing`,
        )
        .run(m.key, m.watchId, m.channel, m.kind, JSON.stringify(m.payload), at, at).changes === 1
    );
  }

  /**
   * Sets the card's latest content. Unchanged content is a no-op (false); changed content makes the row
   * due again, keeping `result_ts` (the card's message). A card not posted yet keeps its attempts: one may
   * have reached Slack, and the sender looks for it before posting again. A new row starts from `ts`, the message the watch
   * already has (the confirmation card that becomes the job's card), if any.
   */
  setCard(watchId: number, channel: string, payload: OutboxPayload, ts: string | null = null): boolean {
    const text = JSON.stringify(payload);
    const at = this.now();
    const r = this.db
      .prepare(
        `insert into outbox (key, watch_id, channel_id, kind, payload, created_at, next_at, result_ts)
         values (?, ?, ?, 'card', ?, ?, ?, ?)
         on conflict(key) do update set payload = excluded.payload, sent_at = null, next_at = excluded.next_at,
           attempts = case when outbox.result_ts is null then outbox.attempts else 0 end, last_error = null
         where outbox.payload <> excluded.payload`,
      )
      .run(cardKey(watchId), watchId, channel, text, at, at, ts);
    return r.changes === 1;
  }

  /** The card now lives in another message (a newer confirmation card): send the content there. */
  moveCard(watchId: number, ts: string): boolean {
    return (
      this.db
        .prepare(
          `update outbox set result_ts = ?, sent_at = null, next_at = ?, attempts = 0, last_error = null
           where key = ? and coalesce(result_ts, '') <> ?`,
        )
        .run(ts, this.now(), cardKey(watchId), ts).changes === 1
    );
  }

  card(watchId: number): OutboxRow | null {
    return this.get(cardKey(watchId));
  }

  /** Where a watch's card is: the ts its card row got when posted, else the message it was given. */
  cardTs(w: { id: number; cardTs: string | null }): string | null {
    return this.card(w.id)?.resultTs ?? w.cardTs;
  }

  has(key: string): boolean {
    return this.db.prepare('select 1 from outbox where key = ?').get(key) !== undefined;
  }

  get(key: string): OutboxRow | null {
    const r = this.db.prepare('select * from outbox where key = ?').get(key);
    return r ? toRow(r) : null;
  }

  /**
   * Unsent rows (due or not: the sender keeps each thread in order): posts and one-off edits oldest first,
   * then cards, those waiting longest first, up to `limit` of each, so that a backlog of card edits never
   * holds back an event.
   */
  pending(limit = 1000): OutboxRow[] {
    const posts = this.db
      .prepare("select * from outbox where sent_at is null and kind <> 'card' order by id limit ?")
      .all(limit);
    const cards = this.db
      .prepare("select * from outbox where sent_at is null and kind = 'card' order by next_at, id limit ?")
      .all(limit);
    return [...posts, ...cards].map(toRow);
  }

  /** Unsent rows, due or not. */
  pendingCount(): number {
    return z
      .number()
      .parse(this.db.prepare('select count(*) from outbox where sent_at is null').pluck().get());
  }

  /**
   * Takes one attempt at a due row: no other sender (a second process that lost its lease late) takes it
   * until `holdMs` has passed. False when the row is not due or no longer pending.
   */
  claim(id: number, holdMs: number): boolean {
    const at = this.now();
    return (
      this.db
        .prepare(
          `update outbox set attempts = attempts + 1, next_at = ?
           where id = ? and sent_at is null and next_at <= ?`,
        )
        .run(at + holdMs, id, at).changes === 1
    );
  }

  /**
   * Marks a row sent, with the ts Slack gave it. Callers run this synchronously right after the awaited
   * Slack call returns: a crash between Slack's answer and this statement is the only way a message can be
   * sent twice (Slack has no idempotency key), and that window is one synchronous SQLite write wide.
   *
   * A card row counts as sent only if neither its content nor its message changed meanwhile (a newer
   * confirmation card took over); otherwise it stays due. Its ts is set only when it had none.
   */
  markSent(row: OutboxRow, ts: string | null): void {
    const at = this.now();
    if (row.kind === 'card') {
      this.db
        .prepare(
          `update outbox set result_ts = coalesce(result_ts, :ts), last_error = null,
             sent_at = case when payload = :raw and coalesce(result_ts, :ts) = :ts then :at else null end,
             next_at = case when payload = :raw and coalesce(result_ts, :ts) = :ts then next_at else :at end
           where id = :id`,
        )
        .run({ ts, raw: row.rawPayload, at, id: row.id });
      return;
    }
    this.db
      .prepare('update outbox set sent_at = ?, result_ts = ?, last_error = null where id = ?')
      .run(at, ts, row.id);
  }

  /** A failed attempt: try again at `nextAt`. */
  retryLater(id: number, nextAt: number, error: string): void {
    this.db
      .prepare('update outbox set next_at = ?, last_error = ? where id = ? and sent_at is null')
      .run(nextAt, error.slice(0, 500), id);
  }

  /** Gives up on a row Slack will never take (channel gone, message rejected); it stays as a record. */
  drop(id: number, error: string): void {
    this.db
      .prepare('update outbox set sent_at = ?, last_error = ? where id = ? and sent_at is null')
      .run(this.now(), `dropped: ${error}`.slice(0, 500), id);
  }

  /** The card lost its message (deleted in Slack): the next send posts a new one. */
  forgetCardTs(id: number): void {
    this.db.prepare('update outbox set result_ts = null, next_at = ? where id = ?').run(this.now(), id);
  }

  /** An unsent row made obsolete by newer content elsewhere: never sent. */
  supersede(key: string): void {
    this.db
      .prepare("update outbox set sent_at = ?, last_error = 'superseded' where key = ? and sent_at is null")
      .run(this.now(), key);
  }

  /**
   * Deletes sent rows of watches that ended before `before` (and sent one-off rows of no watch, such as
   * expired confirmation cards, sent before it). Unsent rows and the rows of active watches stay: their
   * keys still guard against sending an event twice. Returns the rows deleted.
   */
  prune(before: number): number {
    return this.db
      .prepare(
        `delete from outbox where sent_at is not null and (
           (watch_id is null and sent_at < :before)
           or watch_id in (select id from watches where active = 0 and updated_at < :before))`,
      )
      .run({ before }).changes;
  }

  /** Every row of a watch, in order (tests, diagnostics). */
  forWatch(watchId: number): OutboxRow[] {
    return this.db.prepare('select * from outbox where watch_id = ? order by id').all(watchId).map(toRow);
  }
}
