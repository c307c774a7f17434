// Pending writes: plan → stored confirmation → approve (authorize, claim once, re-check, execute) or
// cancel or expire. Slack I/O stays in slack/; this module returns what happened and the card to show.
import { z } from 'zod';
import type { Authz } from '../authz.js';
import type { WriteOperation } from '../config.js';
import { parseJson } from '../json.js';
import { MmsError } from '../mms/errors.js';
import { redactText } from '../mms/redact.js';
import { type AnyWrite, findWrite } from '../operations/catalog.js';
import type { OpContext, WatchRequest } from '../operations/types.js';
import type { AuditStore } from '../store/audit.js';
import type { Confirmation, ConfirmationStore } from '../store/confirmations.js';
import { type ConfirmParam, confirmCard, type PendingView } from '../ui/confirm.js';
import type { RenderCtx, SlackMessage } from '../ui/types.js';

const View = z.object({
  title: z.string(),
  params: z.array(z.object({ label: z.string(), value: z.string() })),
  warnings: z.array(z.string()),
});

export interface FlowDeps {
  store: ConfirmationStore;
  audit: AuditStore;
  authz: Authz;
  ttlSeconds: number;
  now: () => number;
}

export type ApproveResult =
  | { kind: 'missing' }
  /** Not allowed: the card stays as it is; the reason goes to the clicker alone. */
  | { kind: 'rejected'; reason: string; confirmation: Confirmation }
  /** Already confirmed, cancelled or expired: show the card as it is now. */
  | { kind: 'settled'; confirmation: Confirmation }
  | (Finished & { watch?: WatchRequest });

/**
 * The confirmation as it ended. `unrecorded`: the database refused the final state (the error); the
 * confirmation is shown from memory and its row stays `running`, so it can never run again.
 */
type Finished = { kind: 'finished'; confirmation: Confirmation; unrecorded?: unknown };

/** Where a click came from, as the click says: checked against where the bot posted the card. */
export interface ClickOrigin {
  channel: string | undefined;
  messageTs: string | undefined;
}

const WRONG_PLACE = 'This button does not belong to the card it claims; nothing ran.';

export class ConfirmFlow {
  constructor(private readonly d: FlowDeps) {}

  /** Stores the plan and returns the card; a write already pending for the same job returns that one. */
  async request(ctx: OpContext, op: AnyWrite, params: unknown, responseUrl?: string) {
    const plan = await op.plan(ctx, params);
    // The card's row and its audit line are stored together: a database that fails half-way leaves
    // no pending request without its record (nor a lock on the job that no card can release).
    const { confirmation, created } = this.d.store.atomically(() => {
      const made = this.d.store.create({
        operation: op.name,
        region: ctx.region,
        payload: plan.payload,
        view: { title: plan.title, params: plan.params, warnings: plan.warnings },
        lockKey: plan.lockKey,
        team: ctx.team,
        channel: ctx.channel,
        requestedBy: ctx.user,
        responseUrl,
        secondApprover: this.d.authz.needsSecondApprover(op.name),
        ttlSeconds: this.d.ttlSeconds,
      });
      if (made.created) {
        this.d.audit.record({
          user: ctx.user,
          action: 'requested',
          operation: op.name,
          params: plan.payload,
          channel: ctx.channel,
          team: ctx.team,
          confirmationId: made.confirmation.id,
        });
      }
      return made;
    });
    return { confirmation, created };
  }

  /**
   * Whether a click comes from where the card was posted: its channel, and its message when the bot
   * recorded one (a card shown only to the requester, through the response URL, has no message to check).
   * The signature proves Slack sent the click, not that the ids in it are the card's.
   */
  private fromCard(c: Confirmation, from: ClickOrigin): boolean {
    if (from.channel !== c.channel) return false;
    return c.messageTs === null || from.messageTs === c.messageTs;
  }

  private wrongPlace(c: Confirmation, user: string, from: ClickOrigin): ApproveResult {
    this.d.audit.record({
      user,
      action: 'rejected',
      operation: c.operation,
      outcome: `click from channel ${from.channel ?? '-'} message ${from.messageTs ?? '-'}, not the card's`,
      channel: c.channel,
      confirmationId: c.id,
    });
    return { kind: 'rejected', reason: WRONG_PLACE, confirmation: c };
  }

  async approve(
    id: string,
    user: string,
    from: ClickOrigin,
    contextFor: (c: Confirmation) => OpContext,
  ): Promise<ApproveResult> {
    this.expire();
    const c = this.d.store.get(id);
    if (!c) return { kind: 'missing' };
    if (!this.fromCard(c, from)) return this.wrongPlace(c, user, from);
    if (c.state !== 'pending') return { kind: 'settled', confirmation: c };
    const op = findWrite(c.operation);
    if (!op) return this.end(c, 'failed', user, `Unknown operation ${c.operation}; nothing ran.`);
    const allowed = await this.d.authz.canConfirm(op.name as WriteOperation, user, c.requestedBy);
    if (!allowed.ok) {
      this.d.audit.record({
        user,
        action: 'rejected',
        operation: op.name,
        outcome: allowed.reason,
        channel: c.channel,
        confirmationId: id,
      });
      return { kind: 'rejected', reason: allowed.reason, confirmation: c };
    }
    // Single use: only the click that moves pending → running goes on. The claim and its audit line are
    // one transaction, before anything runs: a database that cannot take them stops the write here.
    const claimed = this.d.store.atomically(() => {
      if (!this.d.store.claim(id, user)) return false;
      this.d.audit.record({
        user,
        action: 'confirmed',
        operation: op.name,
        channel: c.channel,
        confirmationId: id,
      });
      return true;
    });
    if (!claimed) return { kind: 'settled', confirmation: this.d.store.get(id)! };

    const payload = op.payload.safeParse(parseJson(c.payload));
    if (!payload.success)
      return this.end(c, 'failed', user, 'The stored request could not be read back; nothing ran.', true);
    const ctx = contextFor(c);
    try {
      const changes = await op.recheck(ctx, payload.data);
      if (changes.length) {
        this.d.audit.record({
          user,
          action: 'changed',
          operation: op.name,
          outcome: changes.join('; '),
          confirmationId: id,
        });
        return this.end(c, 'changed', user, changes.join('\n'), true);
      }
    } catch (e) {
      return this.end(
        c,
        'failed',
        user,
        `Could not re-check before running; nothing ran. ${errorText(e)}`,
        true,
      );
    }
    try {
      const outcome = await op.execute(ctx, payload.data);
      const done = this.end(c, outcome.ok ? 'done' : 'failed', user, outcome.text, true);
      return { ...done, watch: outcome.watch };
    } catch (e) {
      return this.end(c, 'failed', user, errorText(e), true);
    }
  }

  async cancel(id: string, user: string, from: ClickOrigin): Promise<ApproveResult> {
    const c = this.d.store.get(id);
    if (!c) return { kind: 'missing' };
    if (!this.fromCard(c, from)) return this.wrongPlace(c, user, from);
    if (c.state !== 'pending') return { kind: 'settled', confirmation: c };
    if (c.expiresAt <= this.d.now()) return this.expireOne(c);
    const allowed = await this.d.authz.canCancel(user, c.requestedBy);
    if (!allowed.ok) return { kind: 'rejected', reason: allowed.reason, confirmation: c };
    return this.end(c, 'cancelled', user, 'Cancelled; nothing ran.');
  }

  /** A click on a card past its expiry: mark it expired now, so the click edits the card. */
  private expireOne(c: Confirmation): ApproveResult {
    if (this.d.store.finish(c.id, 'expired', null, 'Expired; nothing ran.')) {
      this.d.audit.record({
        user: c.requestedBy,
        action: 'expired',
        operation: c.operation,
        confirmationId: c.id,
      });
    }
    return { kind: 'settled', confirmation: this.d.store.get(c.id)! };
  }

  /** Expires due confirmations (the watcher calls this each cycle); returns them to edit their cards. */
  expire(): Confirmation[] {
    const due = this.d.store.expireDue();
    for (const c of due) {
      this.d.audit.record({
        user: c.requestedBy,
        action: 'expired',
        operation: c.operation,
        confirmationId: c.id,
      });
    }
    return due;
  }

  card(c: Confirmation, render: RenderCtx): SlackMessage {
    return confirmCard(this.view(c), render);
  }

  view(c: Confirmation): PendingView {
    const v = View.safeParse(parseJson(c.view));
    const view = v.success ? v.data : { title: c.operation, params: [] as ConfirmParam[], warnings: [] };
    return {
      id: c.id,
      title: view.title,
      region: c.region,
      params: view.params,
      warnings: view.warnings,
      requestedBy: c.requestedBy,
      expiresAt: new Date(c.expiresAt),
      secondApprover: c.secondApprover,
      state: c.state,
      actedBy: c.actedBy ?? undefined,
      outcome: c.state === 'changed' ? undefined : (c.outcome ?? undefined),
      changes: c.state === 'changed' ? (c.outcome ?? '').split('\n').filter(Boolean) : undefined,
    };
  }

  /** Ends `c`; `claimed` when this click moved it to running (so the row cannot run again, whatever). */
  private end(
    c: Confirmation,
    state: 'done' | 'failed' | 'changed' | 'cancelled',
    user: string,
    outcome: string,
    claimed = false,
  ): Finished {
    const text = redactText(outcome).slice(0, 1500);
    const action =
      state === 'done' ? 'ran' : state === 'failed' ? 'failed' : state === 'cancelled' ? 'cancelled' : null;
    try {
      this.d.store.atomically(() => {
        this.d.store.finish(c.id, state, user, text);
        if (action)
          this.d.audit.record({
            user,
            action,
            operation: c.operation,
            outcome: text,
            channel: c.channel,
            confirmationId: c.id,
          });
      });
    } catch (e) {
      // After the write ran, a database that cannot record it must not hide what MMS did: the outcome is
      // shown from memory, and the row stays `running`, so the card can never run the write again.
      if (!claimed) throw e;
      return {
        kind: 'finished',
        confirmation: { ...c, state, actedBy: user, outcome: text },
        unrecorded: e,
      };
    }
    return { kind: 'finished', confirmation: this.d.store.get(c.id)! };
  }
}

/** MMS errors carry their own redacted, specific message; anything else is summarised. */
export function errorText(e: unknown): string {
  if (e instanceof MmsError) {
    return `MMS error (${e.kind}${e.code ? `, ${e.code}` : ''}): ${e.message}${e.requestId ? ` [request ${e.requestId}]` : ''}`;
  }
  return redactText(e instanceof Error ? e.message : String(e));
}
