// What the watcher follows: jobs, scans and async tasks, each in the channel that asked.
import { z } from 'zod';
import { parseJson } from '../json.js';
import type { Db } from './db.js';

export type WatchKind = 'job' | 'scan' | 'async';

const Row = z.object({
  id: z.number(),
  kind: z.enum(['job', 'scan', 'async']),
  region: z.string(),
  source_id: z.number(),
  source_name: z.string(),
  object_id: z.number(),
  channel_id: z.string(),
  label: z.string(),
  card_ts: z.string().nullable(),
  state: z.string(),
  active: z.number(),
  created_by: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
});

/**
 * What `/mms watching`, `/mms status` and App Home show of a watch at a glance, kept by the watcher in its
 * state (`state.glance`) as data: MMS's status, the stopped flag, tasks done of total, failed tasks, or a
 * scan's progress in percent, a job's table sizes moved.
 */
export const WatchGlance = z.object({
  status: z.string().nullable().catch(null),
  stopped: z.boolean().catch(false),
  done: z.number().nullable().catch(null),
  total: z.number().nullable().catch(null),
  failed: z.number().int().nonnegative().catch(0),
  percent: z.number().nullable().catch(null),
  /** The watcher's outcome when it ended: finished, deleted, failed or gave up. */
  ended: z.string().nullable().catch(null),
  /** What the watcher last told about it (its kind, when in ms, and the kind's details), if anything. */
  last: z
    .object({
      kind: z.string(),
      at: z.number(),
      count: z.number().optional().catch(undefined),
      table: z.string().optional().catch(undefined),
      status: z.string().optional().catch(undefined),
    })
    .nullable()
    .optional()
    .catch(undefined),
  /** A job's table sizes (MMS's inventory): of the tables done, of all; null: MMS reported none. */
  moved: z
    .object({
      rows: z.number().nullable(),
      bytes: z.number().nullable(),
      totalRows: z.number().nullable(),
      totalBytes: z.number().nullable(),
    })
    .nullable()
    .catch(null),
});
export type WatchGlance = z.infer<typeof WatchGlance>;

const SourceRow = z.object({ region: z.string(), source_id: z.number(), source_name: z.string() });

export interface Watch {
  id: number;
  kind: WatchKind;
  region: string;
  sourceId: number;
  sourceName: string;
  objectId: number;
  channel: string;
  label: string;
  cardTs: string | null;
  /** The watcher's memory of what it last saw (JSON); parsed by the watcher with its own schema. */
  state: unknown;
  /** The part of `state` other readers may show (null until the watcher first polled). */
  glance: WatchGlance | null;
  active: boolean;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

const toWatch = (r: unknown): Watch => {
  const x = Row.parse(r);
  const parsed = parseJson(x.state);
  const state: unknown = parsed === undefined ? {} : parsed;
  const g = WatchGlance.safeParse((state as { glance?: unknown } | null)?.glance);
  return {
    id: x.id,
    kind: x.kind,
    region: x.region,
    sourceId: x.source_id,
    sourceName: x.source_name,
    objectId: x.object_id,
    channel: x.channel_id,
    label: x.label,
    cardTs: x.card_ts,
    state,
    glance: g.success ? g.data : null,
    active: x.active === 1,
    createdBy: x.created_by,
    createdAt: x.created_at,
    updatedAt: x.updated_at,
  };
};

export interface NewWatch {
  kind: WatchKind;
  region: string;
  sourceId: number;
  sourceName: string;
  objectId: number;
  channel: string;
  label: string;
  cardTs?: string | null;
  createdBy?: string | null;
  state?: unknown;
}

export class WatchStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds a watch, or reactivates the same one; `created` is false when it was already active. */
  add(w: NewWatch): { watch: Watch; created: boolean } {
    return this.db
      .transaction(() => {
        const existing = this.find(w.kind, w.region, w.sourceId, w.objectId, w.channel);
        const now = this.now();
        if (existing) {
          this.db
            .prepare(
              'update watches set active = 1, label = ?, card_ts = coalesce(?, card_ts), updated_at = ? where id = ?',
            )
            .run(w.label, w.cardTs ?? null, now, existing.id);
          return { watch: this.get(existing.id)!, created: !existing.active };
        }
        const r = this.db
          .prepare(
            `insert into watches (kind, region, source_id, source_name, object_id, channel_id, label, card_ts, state,
               created_by, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            w.kind,
            w.region,
            w.sourceId,
            w.sourceName,
            w.objectId,
            w.channel,
            w.label,
            w.cardTs ?? null,
            JSON.stringify(w.state ?? {}),
            w.createdBy ?? null,
            now,
            now,
          );
        return { watch: this.get(Number(r.lastInsertRowid))!, created: true };
      })
      .immediate();
  }

  find(kind: WatchKind, region: string, sourceId: number, objectId: number, channel: string): Watch | null {
    const r = this.db
      .prepare(
        'select * from watches where kind = ? and region = ? and source_id = ? and object_id = ? and channel_id = ?',
      )
      .get(kind, region, sourceId, objectId, channel);
    return r ? toWatch(r) : null;
  }

  get(id: number): Watch | null {
    const r = this.db.prepare('select * from watches where id = ?').get(id);
    return r ? toWatch(r) : null;
  }

  /** Ends a watch; false when there was no active one. */
  deactivate(id: number): boolean {
    return (
      this.db
        .prepare('update watches set active = 0, updated_at = ? where id = ? and active = 1')
        .run(this.now(), id).changes === 1
    );
  }

  /** Ended watches updated since `since` (newest first, at most `limit`). */
  endedSince(kind: WatchKind, since: number, limit = 500): Watch[] {
    return this.db
      .prepare(
        `select * from watches where active = 0 and kind = ? and updated_at >= ?
         order by updated_at desc limit ?`,
      )
      .all(kind, since, limit)
      .map(toWatch);
  }

  /** Makes an ended watch active again; false when it already was. */
  reactivate(id: number): boolean {
    return (
      this.db
        .prepare('update watches set active = 1, updated_at = ? where id = ? and active = 0')
        .run(this.now(), id).changes === 1
    );
  }

  active(kind?: WatchKind): Watch[] {
    const rows = kind
      ? this.db.prepare('select * from watches where active = 1 and kind = ? order by id').all(kind)
      : this.db.prepare('select * from watches where active = 1 order by id').all();
    return rows.map(toWatch);
  }

  forChannel(channel: string): Watch[] {
    return this.db
      .prepare('select * from watches where active = 1 and channel_id = ? order by id')
      .all(channel)
      .map(toWatch);
  }

  /** Active and recently ended watches (newest first), for App Home and `/mms status`. */
  recent(limit: number): Watch[] {
    return this.db
      .prepare('select * from watches order by active desc, updated_at desc limit ?')
      .all(limit)
      .map(toWatch);
  }

  setCard(id: number, cardTs: string): void {
    this.db
      .prepare('update watches set card_ts = ?, updated_at = ? where id = ?')
      .run(cardTs, this.now(), id);
  }

  /**
   * Compare-and-set of the watcher's state: writes only if the row still holds `expected` (nothing changed
   * it since it was read). False when it did; the caller re-reads next cycle.
   */
  setStateIf(id: number, expected: unknown, state: unknown): boolean {
    return (
      this.db
        .prepare('update watches set state = ?, updated_at = ? where id = ? and state = ?')
        .run(JSON.stringify(state), this.now(), id, JSON.stringify(expected)).changes === 1
    );
  }

  /** The watches of `kind` `objectId` in every channel (active or not), oldest first. */
  forObject(kind: WatchKind, region: string, sourceId: number, objectId: number): Watch[] {
    return this.db
      .prepare(
        'select * from watches where kind = ? and region = ? and source_id = ? and object_id = ? order by id',
      )
      .all(kind, region, sourceId, objectId)
      .map(toWatch);
  }

  /** Whether `kind` `objectId` is watched in any channel (active or not). */
  watchedAnywhere(kind: WatchKind, region: string, sourceId: number, objectId: number): boolean {
    return (
      this.db
        .prepare(
          'select 1 from watches where kind = ? and region = ? and source_id = ? and object_id = ? limit 1',
        )
        .get(kind, region, sourceId, objectId) !== undefined
    );
  }

  /** Every (region, source) with a watch, active or not. */
  sources(): Array<{ region: string; sourceId: number; sourceName: string }> {
    return this.db
      .prepare(
        'select region, source_id, max(source_name) as source_name from watches group by region, source_id',
      )
      .all()
      .map((r) => {
        const x = SourceRow.parse(r);
        return { region: x.region, sourceId: x.source_id, sourceName: x.source_name };
      });
  }

  setState(id: number, state: unknown): void {
    this.db
      .prepare('update watches set state = ?, updated_at = ? where id = ?')
      .run(JSON.stringify(state), this.now(), id);
  }
}
