// Who may confirm: only user ids are operators; a user group listed in MMS_OPERATORS grants its members and
// never matches a clicking "user" that carries the group's own id.
import { describe, expect, it } from 'vitest';
import { Authz } from '../../src/authz.js';

const cfg = { operators: ['U0OPS00001', 'S0OPSGRP01'], secondApproverFor: ['delete'], writeChannels: null };

describe('Authz', () => {
  const groups: Record<string, string[]> = {
    S0OPSGRP01: ['U0OPS00002', 'W0GRID0001', 'S0OPSGRP01', 'B0BOT00001'],
  };
  const authz = new Authz(cfg, async (g) => groups[g] ?? []);

  it('a listed user, and the members of a listed group, are operators', async () => {
    expect(await authz.isOperator('U0OPS00001')).toBe(true);
    expect(await authz.isOperator('U0OPS00002')).toBe(true);
    expect(await authz.isOperator('W0GRID0001')).toBe(true);
    expect(await authz.isOperator('U0VIEW0001')).toBe(false);
  });

  it('the group id itself, or any id that is not a user id, is never an operator', async () => {
    for (const id of ['S0OPSGRP01', 'B0BOT00001', 'C0DATA0001', '', 'u0ops00001', ' U0OPS00001']) {
      expect(await authz.isOperator(id), id).toBe(false);
      expect((await authz.canConfirm('stop', id, 'U0VIEW0001')).ok, id).toBe(false);
    }
  });

  it('the group id cannot cancel someone else’s request either', async () => {
    expect((await authz.canCancel('S0OPSGRP01', 'U0VIEW0001')).ok).toBe(false);
    expect((await authz.canCancel('U0OPS00002', 'U0VIEW0001')).ok).toBe(true);
  });
});
