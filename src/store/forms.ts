// Open modal forms: where each was opened from. A submission answers only there: the channel, region and
// user come from this row, never from what the modal's private_metadata claims.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db.js';

/** Slack keeps a modal open for as long as its user likes; a day is plenty for a form. */
const TTL_MS = 24 * 60 * 60 * 1000;

const Row = z.object({
  id: z.string(),
  kind: z.string(),
  user_id: z.string(),
  channel_id: z.string(),
  team_id: z.string().nullable(),
  region: z.string(),
  created_at: z.number(),
});

export interface OpenForm {
  id: string;
  kind: string;
  user: string;
  channel: string;
  team: string | null;
  region: string;
  createdAt: number;
}

export class FormStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a form about to be opened; returns its id (the nonce for private_metadata). */
  open(f: Omit<OpenForm, 'id' | 'createdAt'>): string {
    const id = randomBytes(16).toString('base64url');
    const at = this.now();
    this.db.transaction(() => {
      this.db.prepare('delete from forms where created_at < ?').run(at - TTL_MS);
      this.db
        .prepare(
          `insert into forms (id, kind, user_id, channel_id, team_id, region, created_at)
           values (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, f.kind, f.user, f.channel, f.team, f.region, at);
    })();
    return id;
  }

  /** The form with this id, if it was opened here and has not expired. */
  get(id: string): OpenForm | null {
    const r = this.db
      .prepare('select * from forms where id = ? and created_at >= ?')
      .get(id, this.now() - TTL_MS);
    if (r === undefined) return null;
    const x = Row.parse(r);
    return {
      id: x.id,
      kind: x.kind,
      user: x.user_id,
      channel: x.channel_id,
      team: x.team_id,
      region: x.region,
      createdAt: x.created_at,
    };
  }

  /** A submitted form is done with. */
  close(id: string): void {
    this.db.prepare('delete from forms where id = ?').run(id);
  }
}
