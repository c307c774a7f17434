// Pending write confirmations. The button carries only the opaque id; everything that will run lives
// here. `claim` is a single UPDATE guarded by state, so two clicks (or two processes) run it once.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db.js';

export type ConfirmationState =
  | 'pending'
  | 'running'
  | 'done'
  | 'failed'
  | 'cancelled'
  | 'expired'
  | 'changed'
  | 'rejected';

const Row = z.object({
  id: z.string(),
  operation: z.string(),
  region: z.string(),
  params: z.string(),
  view: z.string(),
  lock_key: z.string().nullable(),
  team_id: z.string().nullable(),
  channel_id: z.string(),
  requested_by: z.string(),
  response_url: z.string().nullable(),
  message_ts: z.string().nullable(),
  second_approver: z.number(),
  state: z.enum(['pending', 'running', 'done', 'failed', 'cancelled', 'expired', 'changed', 'rejected']),
  acted_by: z.string().nullable(),
  outcome: z.string().nullable(),
  created_at: z.number(),
  expires_at: z.number(),
});

export interface Confirmation {
  id: string;
  operation: string;
  region: string;
  /** The write's payload as JSON text; the operation's schema parses it. */
  payload: string;
  /** The card's parameter list and warnings as JSON text. */
  view: string;
  lockKey: string | null;
  team: string | null;
  channel: string;
  requestedBy: string;
  responseUrl: string | null;
  messageTs: string | null;
  secondApprover: boolean;
  state: ConfirmationState;
  actedBy: string | null;
  outcome: string | null;
  createdAt: number;
  expiresAt: number;
}

const toConfirmation = (r: unknown): Confirmation => {
  const x = Row.parse(r);
  return {
    id: x.id,
    operation: x.operation,
    region: x.region,
    payload: x.params,
    view: x.view,
    lockKey: x.lock_key,
    team: x.team_id,
    channel: x.channel_id,
    requestedBy: x.requested_by,
    responseUrl: x.response_url,
    messageTs: x.message_ts,
    secondApprover: x.second_approver === 1,
    state: x.state,
    actedBy: x.acted_by,
    outcome: x.outcome,
    createdAt: x.created_at,
    expiresAt: x.expires_at,
  };
};

export class ConfirmationStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Stores a pending write, unless one is already pending under the same lock key: then that one is
   * returned with `created: false` (a second request for the same job points to the first card).
   */
  create(c: {
    operation: string;
    region: string;
    payload: unknown;
    view: unknown;
    lockKey: string | null;
    team?: string;
    channel: string;
    requestedBy: string;
    responseUrl?: string;
    secondApprover: boolean;
    ttlSeconds: number;
  }): { confirmation: Confirmation; created: boolean } {
    return this.db
      .transaction(() => {
        this.expireDue();
        if (c.lockKey) {
          const held = this.db
            .prepare(
              "select * from confirmations where lock_key = ? and state in ('pending', 'running') limit 1",
            )
            .get(c.lockKey);
          if (held) return { confirmation: toConfirmation(held), created: false };
        }
        const id = randomBytes(12).toString('base64url');
        const now = this.now();
        this.db
          .prepare(
            `insert into confirmations (id, operation, region, params, view, lock_key, team_id, channel_id, requested_by,
               response_url, second_approver, created_at, expires_at, updated_at)
             values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            id,
            c.operation,
            c.region,
            JSON.stringify(c.payload),
            JSON.stringify(c.view),
            c.lockKey,
            c.team ?? null,
            c.channel,
            c.requestedBy,
            c.responseUrl ?? null,
            c.secondApprover ? 1 : 0,
            now,
            now + c.ttlSeconds * 1000,
            now,
          );
        return { confirmation: this.get(id)!, created: true };
      })
      .immediate();
  }

  /** Runs `fn` as one transaction: every write in it is stored, or none is. */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  get(id: string): Confirmation | null {
    const r = this.db.prepare('select * from confirmations where id = ?').get(id);
    return r ? toConfirmation(r) : null;
  }

  setMessage(id: string, messageTs: string): void {
    this.db
      .prepare('update confirmations set message_ts = ?, updated_at = ? where id = ?')
      .run(messageTs, this.now(), id);
  }

  /** pending → running, once. False when someone else got there first, or it expired or was cancelled. */
  claim(id: string, by: string): boolean {
    const r = this.db
      .prepare(
        `update confirmations set state = 'running', acted_by = ?, updated_at = ?
         where id = ? and state = 'pending' and expires_at > ?`,
      )
      .run(by, this.now(), id, this.now());
    return r.changes === 1;
  }

  /** Ends a confirmation in a final state. Only pending or running ones can end. */
  finish(
    id: string,
    state: Exclude<ConfirmationState, 'pending' | 'running'>,
    by: string | null,
    outcome: string,
  ): boolean {
    const r = this.db
      .prepare(
        `update confirmations set state = ?, acted_by = coalesce(?, acted_by), outcome = ?, updated_at = ?
         where id = ? and state in ('pending', 'running')`,
      )
      .run(state, by, outcome, this.now(), id);
    return r.changes === 1;
  }

  /** Marks every pending confirmation past its expiry as expired; returns them (to edit their cards). */
  expireDue(): Confirmation[] {
    const due = this.db
      .prepare("select * from confirmations where state = 'pending' and expires_at <= ?")
      .all(this.now())
      .map(toConfirmation);
    if (due.length) {
      this.db
        .prepare(
          "update confirmations set state = 'expired', updated_at = ? where state = 'pending' and expires_at <= ?",
        )
        .run(this.now(), this.now());
    }
    return due.map((c) => ({ ...c, state: 'expired' as const }));
  }
}
