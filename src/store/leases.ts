// Named leases: two processes on one database file run one watcher. A holder renews its lease every tick;
// another takes it over only once it has expired.
import { z } from 'zod';
import type { Db } from './db.js';

const Row = z.object({ name: z.string(), holder: z.string(), expires_at: z.number() });

export interface Lease {
  name: string;
  holder: string;
  expiresAt: number;
}

export class LeaseStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes or renews the lease for `ttlMs`; false while someone else holds an unexpired one. */
  acquire(name: string, holder: string, ttlMs: number): boolean {
    const at = this.now();
    // One statement: SQLite serialises writers, so two processes cannot both win.
    return (
      this.db
        .prepare(
          `insert into leases (name, holder, expires_at) values (?, ?, ?)
           on conflict(name) do update set holder = excluded.holder, expires_at = excluded.expires_at
           where leases.holder = excluded.holder or leases.expires_at <= ?`,
        )
        .run(name, holder, at + ttlMs, at).changes === 1
    );
  }

  /** Whether `holder` holds the lease now (checked again before sending). */
  holds(name: string, holder: string): boolean {
    const l = this.get(name);
    return !!l && l.holder === holder && l.expiresAt > this.now();
  }

  /** Lets it go at once (clean shutdown), so another process need not wait for expiry. */
  release(name: string, holder: string): void {
    this.db.prepare('delete from leases where name = ? and holder = ?').run(name, holder);
  }

  get(name: string): Lease | null {
    const r = this.db.prepare('select * from leases where name = ?').get(name);
    if (!r) return null;
    const x = Row.parse(r);
    return { name: x.name, holder: x.holder, expiresAt: x.expires_at };
  }
}
