// The one place that decides who may do what. Everyone may read and may ask for a write; only operators
// (listed users, or members of listed user groups) may confirm one; some operations need a second
// operator; writes may be limited to some channels.
import type { WriteOperation } from './config.js';

export type Decision = { ok: true } | { ok: false; reason: string };

export interface AuthzConfig {
  operators: string[];
  secondApproverFor: readonly string[];
  writeChannels: string[] | null;
}

/** Looks up the members of a Slack user group (usergroups.users.list). */
export type GroupMembers = (groupId: string) => Promise<string[]>;

const GROUP_TTL_MS = 5 * 60_000;

/** A Slack user id: `U…`, or `W…` on Enterprise Grid. */
export const isUserId = (id: string): boolean => /^[UW][A-Z0-9]{2,}$/.test(id);
const isGroupId = (id: string): boolean => /^S[A-Z0-9]{2,}$/.test(id);

export class Authz {
  private readonly groupCache = new Map<string, { members: Set<string>; at: number }>();

  constructor(
    private readonly cfg: AuthzConfig,
    private readonly groupMembers: GroupMembers,
    private readonly now: () => number = Date.now,
  ) {}

  get hasOperators(): boolean {
    return this.cfg.operators.length > 0;
  }

  /**
   * Whether `user` is an operator: listed by user id, or a member of a listed user group. Only a user id
   * (`U…`, `W…`) can be one: a group id (`S…`) in MMS_OPERATORS grants its members, never itself.
   */
  async isOperator(user: string): Promise<boolean> {
    if (!isUserId(user)) return false;
    if (this.cfg.operators.includes(user)) return true;
    for (const id of this.cfg.operators) {
      if (!isGroupId(id)) continue;
      if ((await this.members(id)).has(user)) return true;
    }
    return false;
  }

  needsSecondApprover(op: WriteOperation): boolean {
    return this.cfg.secondApproverFor.includes(op);
  }

  /** May this write be asked for here? Anyone may ask (an operator confirms), but only in write channels. */
  canRequest(_op: WriteOperation, channel: string): Decision {
    if (this.cfg.writeChannels && !this.cfg.writeChannels.includes(channel)) {
      const where = this.cfg.writeChannels.map((c) => `<#${c}>`).join(', ');
      return { ok: false, reason: `Write operations can only be requested in ${where}.` };
    }
    return { ok: true };
  }

  async canConfirm(op: WriteOperation, user: string, requester: string): Promise<Decision> {
    if (!this.hasOperators) {
      return {
        ok: false,
        reason: 'No operators are configured (MMS_OPERATORS), so nobody can confirm writes.',
      };
    }
    if (!(await this.isOperator(user))) {
      return { ok: false, reason: 'Only operators can confirm this. Ask an operator to press Confirm.' };
    }
    if (this.needsSecondApprover(op) && user === requester) {
      return {
        ok: false,
        reason: `\`${op}\` needs a second operator: someone other than the requester must confirm.`,
      };
    }
    return { ok: true };
  }

  /** Cancelling is open to the requester and to operators. */
  async canCancel(user: string, requester: string): Promise<Decision> {
    if (!isUserId(user)) return { ok: false, reason: 'Only the requester or an operator can cancel this.' };
    if (user === requester || (await this.isOperator(user))) return { ok: true };
    return { ok: false, reason: 'Only the requester or an operator can cancel this.' };
  }

  async canReadAudit(user: string): Promise<Decision> {
    return (await this.isOperator(user))
      ? { ok: true }
      : { ok: false, reason: 'The audit log is for operators only.' };
  }

  private async members(groupId: string): Promise<Set<string>> {
    const hit = this.groupCache.get(groupId);
    if (hit && this.now() - hit.at < GROUP_TTL_MS) return hit.members;
    try {
      // Members are users; a group listing itself (or another group) grants nothing.
      const members = new Set((await this.groupMembers(groupId)).filter(isUserId));
      this.groupCache.set(groupId, { members, at: this.now() });
      return members;
    } catch {
      // Slack unreachable or the group is gone: keep a stale answer rather than locking everyone out,
      // but never invent membership.
      return hit?.members ?? new Set();
    }
  }
}
