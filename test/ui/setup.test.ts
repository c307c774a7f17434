import { describe, expect, it } from 'vitest';
import { type SetupInfo, setupMessage } from '../../src/ui/setup.js';
import { ctx } from './fixtures.js';
import { expectNoInjection, INJECT } from './inject.js';
import { assertWithinLimits, textOf } from './limits.js';

const info: SetupInfo = {
  region: 'cn-hangzhou',
  credentials: { configured: true, source: 'environment' },
  probe: { ok: true },
  operators: 2,
  writeChannels: ['C0123ABC'],
  accountId: '1234567890123456',
};

/** Anything that looks like an AccessKey id, an AccessKey secret (long mixed-case alphanumerics), or a token. */
function secretish(text: string): string[] {
  const found = [
    ...(text.match(/LTAI[0-9A-Za-z]{8,}/g) ?? []),
    ...(text.match(/xox[abp]-\S+|xapp-\S+/g) ?? []),
  ];
  for (const run of text.match(/[A-Za-z0-9]{24,}/g) ?? []) {
    if (/\d/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run)) found.push(run);
  }
  return found;
}

describe('setupMessage', () => {
  it('covers the role, the RAM policy, the project grants, the quota and credentials', () => {
    const m = setupMessage(info, ctx);
    assertWithinLimits(m);
    const t = textOf(m);
    expect(t).toContain('AliyunServiceRoleForMaxComputeMMS');
    expect(t).toContain('AliyunRAMFullAccess');
    expect(t).toContain('AliyunMaxComputeFullAccess');
    expect(t).toContain('"odps:CreateMmsJob"');
    expect(t).toContain('"odps:ListMmsTaskLogs"');
    expect(t).toContain('"odps:DeleteMmsJob"');
    // Only what the bot calls: it never edits data sources, databases or tables, nor reads RAM.
    for (const unused of [
      'CreateMmsDataSource',
      'UpdateMmsDataSource',
      'UpdateMmsTable',
      'UpdateMmsDb',
      'ram:',
    ])
      expect(t).not.toContain(unused);
    expect(t).toContain('ADD USER RAM$1234567890123456:role/AliyunServiceRoleForMaxComputeMMS;');
    expect(t).toContain('GRANT admin TO USER RAM$1234567890123456:role/AliyunServiceRoleForMaxComputeMMS;');
    expect(t).toContain('CreateInstance');
    expect(t).toContain('quota');
    expect(t).toContain('Credentials*: configured (from environment)');
    expect(t).toContain('<#C0123ABC>');
    expect(t).toContain('2 operator entries');
    expect(t).toContain('/cn-hangzhou/quota-manage');
  });
  it('offers a read-only policy: the reads alone, no write action', () => {
    const t = textOf(setupMessage(info, ctx));
    const readOnly = t.slice(t.indexOf('Read-only variant'));
    expect(readOnly).toContain('"odps:ListMmsTaskLogs"');
    expect(readOnly).toContain('"odps:GetMmsAsyncTask"');
    for (const write of ['CreateMmsJob', 'StopMmsJob', 'DeleteMmsJob', 'RetryMmsTask', 'UpdateMmsTimer'])
      expect(readOnly).not.toContain(write);
  });
  it('without an account id, a placeholder (escaped); without credentials, says so', () => {
    const m = setupMessage(
      { ...info, accountId: undefined, credentials: { configured: false }, probe: null },
      ctx,
    );
    assertWithinLimits(m);
    const t = textOf(m);
    expect(t).toContain('RAM$&lt;accountId&gt;:role/');
    expect(t).toContain('not configured');
    expect(m.text).toContain('NOT configured');
  });
  it('never prints anything that looks like a secret, even when the probe error carries one', () => {
    const m = setupMessage(
      {
        ...info,
        writeChannels: null,
        operators: 0,
        credentials: { configured: true, source: 'profile LTAI5tQwErTyUiOpAsDfGh' },
        probe: {
          ok: false,
          kind: 'credentials',
          code: 'InvalidAccessKeyId.NotFound',
          message:
            `Specified access key is not found: LTAI5tQwErTyUiOpAsDfGh ${INJECT} ` +
            'AccessKeySecret: q1W2e3R4t5Y6u7I8o9P0aSdFgHjKlZ',
        },
      },
      ctx,
    );
    assertWithinLimits(m);
    expectNoInjection(m);
    expect(secretish(JSON.stringify(m))).toEqual([]);
    expect(secretish('x LTAI5tQwErTyUiOpAsDfGh q1W2e3R4t5Y6u7I8o9P0aSdFgHjKlZ')).toHaveLength(2);
    const t = textOf(m);
    expect(t).toContain('InvalidAccessKeyId.NotFound');
    expect(t).toContain('Specified access key is not found');
    expect(t).toContain('nobody can confirm a write');
    expect(t).toContain('any channel');
  });
});
