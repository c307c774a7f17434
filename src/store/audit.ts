// The audit trail: who asked, who confirmed, what ran, and how it ended. Params are stored redacted.
import { z } from 'zod';
import { redact } from '../mms/redact.js';
import type { Db } from './db.js';

export type AuditAction =
  | 'requested'
  | 'confirmed'
  | 'cancelled'
  | 'rejected'
  | 'expired'
  | 'changed'
  | 'ran'
  | 'failed';

export interface AuditEntry {
  at: Date;
  user: string;
  action: string;
  operation: string;
  params: string;
  outcome: string;
  channel: string | null;
  confirmationId: string | null;
}

const Row = z.object({
  at: z.number(),
  user_id: z.string(),
  action: z.string(),
  operation: z.string(),
  params: z.string(),
  outcome: z.string(),
  channel_id: z.string().nullable(),
  confirmation_id: z.string().nullable(),
});

export class AuditStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  record(e: {
    user: string;
    action: AuditAction;
    operation: string;
    params?: unknown;
    outcome?: string;
    channel?: string;
    team?: string;
    confirmationId?: string;
  }): void {
    this.db
      .prepare(
        `insert into audit (at, team_id, channel_id, user_id, action, operation, confirmation_id, params, outcome)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        this.now(),
        e.team ?? null,
        e.channel ?? null,
        e.user,
        e.action,
        e.operation,
        e.confirmationId ?? null,
        JSON.stringify(redact(e.params ?? {})),
        redact(e.outcome ?? '').slice(0, 2000),
      );
  }

  latest(n: number): AuditEntry[] {
    const rows = this.db
      .prepare(
        'select at, user_id, action, operation, params, outcome, channel_id, confirmation_id from audit order by id desc limit ?',
      )
      .all(n);
    return rows.map((r) => {
      const x = Row.parse(r);
      return {
        at: new Date(x.at),
        user: x.user_id,
        action: x.action,
        operation: x.operation,
        params: x.params,
        outcome: x.outcome,
        channel: x.channel_id,
        confirmationId: x.confirmation_id,
      };
    });
  }
}
