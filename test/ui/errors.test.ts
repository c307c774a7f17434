import { describe, expect, it } from 'vitest';
import { ambiguousMessage, errorMessage, permissionLayer, usageMessage } from '../../src/ui/errors.js';
import { ctx, offCtx } from './fixtures.js';
import { expectNoInjection, INJECT } from './inject.js';
import { assertWithinLimits, runCommands, textOf } from './limits.js';

describe('errorMessage', () => {
  const kinds = [
    'permission',
    'credentials',
    'not-found',
    'throttled',
    'invalid',
    'server',
    'network',
    'ambiguous',
    'usage',
  ] as const;
  for (const kind of kinds) {
    it(`${kind}: a headline, the message escaped, the request id`, () => {
      const m = errorMessage(
        { kind, message: `oops ${INJECT}`, code: 'Some.Code', requestId: 'E1B2-REQ' },
        ctx,
      );
      assertWithinLimits(m);
      expectNoInjection(m);
      expect(m.blocks[0]!.type).toBe('section');
      expect(textOf(m)).toContain('oops');
      const last = m.blocks.filter((b) => b.type === 'context').pop();
      expect(JSON.stringify(last)).toContain('E1B2-REQ');
    });
  }
  it('permission guidance matches the layer', () => {
    expect(permissionLayer(undefined, 'ServiceLinkedRole not found')).toBe('service-linked-role');
    expect(
      permissionLayer('Forbidden.RAM', 'User not authorized to operate on the specified resource.'),
    ).toBe('ram-policy');
    expect(permissionLayer(undefined, 'ODPS-0420095: Access Denied - Authorization Failed')).toBe(
      'project-grants',
    );
    expect(permissionLayer('Forbidden', 'nope')).toBe('unknown');

    const role = textOf(errorMessage({ kind: 'permission', message: 'ServiceLinkedRole not found' }, ctx));
    expect(role).toContain('AliyunServiceRoleForMaxComputeMMS');
    expect(role).not.toContain('GRANT admin');
    const ram = textOf(
      errorMessage({ kind: 'permission', code: 'Forbidden.RAM', message: 'not authorized' }, ctx),
    );
    expect(ram).toContain('AliyunMaxComputeFullAccess');
    expect(ram).not.toContain('GRANT admin');
    const grants = textOf(errorMessage({ kind: 'permission', message: 'Access Denied' }, ctx));
    expect(grants).toContain('ADD USER RAM$');
    expect(grants).toContain('GRANT admin TO USER');
    const unknown = textOf(errorMessage({ kind: 'permission', message: 'no' }, ctx));
    expect(unknown).toContain('AliyunServiceRoleForMaxComputeMMS');
    expect(unknown).toContain('AliyunMaxComputeFullAccess');
    expect(unknown).toContain('GRANT admin');
  });
  it('permission and credentials offer the setup checklist in the right region', () => {
    expect(runCommands(errorMessage({ kind: 'permission', message: 'Access Denied' }, ctx))).toEqual([
      'setup',
    ]);
    expect(runCommands(errorMessage({ kind: 'credentials', message: 'bad key' }, offCtx))).toEqual([
      'setup --region cn-shanghai',
    ]);
  });
  it('masks AccessKey ids in messages and shows hints', () => {
    const m = errorMessage(
      {
        kind: 'credentials',
        message: 'Specified access key is not found: LTAI5tQwErTyUiOpAsDfGh',
        hint: 'check the env',
      },
      ctx,
    );
    expect(JSON.stringify(m)).not.toContain('LTAI5tQwErTyUiOpAsDfGh');
    expect(textOf(m)).toContain('check the env');
  });
  it('huge messages are cut', () => {
    assertWithinLimits(
      errorMessage({ kind: 'server', message: 'x'.repeat(100_000), hint: 'h'.repeat(10_000) }, ctx),
    );
  });
});

describe('ambiguousMessage', () => {
  it('up to 10 candidates as run buttons, and how many more', () => {
    const candidates = Array.from({ length: 25 }, (_, i) => ({
      id: 100 + i,
      name: `sales_${i}`,
      detail: `db sales · ${INJECT}`,
    }));
    const m = ambiguousMessage('job', 'sales', candidates, (id) => `job 2000015 ${id}`);
    assertWithinLimits(m);
    expectNoInjection(m);
    const cmds = runCommands(m);
    expect(cmds).toHaveLength(10);
    expect(cmds[0]).toBe('job 2000015 100');
    expect(textOf(m)).toContain('25 jobs match');
    expect(textOf(m)).toContain('and 15 more');
  });
  it('escapes the input', () => {
    expectNoInjection(ambiguousMessage('source', INJECT, [{ id: 1, name: INJECT }], (id) => `source ${id}`));
  });
});

describe('usageMessage', () => {
  it('escapes placeholders so they show as typed, and splits long help', () => {
    const m = usageMessage('Usage: `tables <source> <db> [name]`');
    expect(textOf(m)).toContain('`tables &lt;source&gt; &lt;db&gt; [name]`');
    const long = usageMessage(
      Array.from({ length: 60 }, (_, i) => `para ${i} ${'w '.repeat(100)}`).join('\n\n'),
    );
    assertWithinLimits(long);
    expect(long.blocks.length).toBeGreaterThan(1);
  });
});

describe('problems with a request', () => {
  it('each kind has its own heading', () => {
    const kinds = [
      'unknown-command',
      'missing',
      'bad-argument',
      'not-allowed',
      'waiting',
      'wrong-state',
      'not-ready',
      'usage',
    ] as const;
    const headings = kinds.map((kind) => errorMessage({ kind, message: 'x' }, ctx).text.replace(/ x$/, ''));
    expect(new Set(headings).size).toBe(kinds.length);
    expect(headings.join('\n')).not.toMatch(/needs something else/);
  });

  it('offers the next step as buttons, in the region asked', () => {
    const m = errorMessage(
      {
        kind: 'not-ready',
        message: 'Source hive-prod has not been scanned yet.',
        next: [{ text: 'Scan hive-prod', command: 'scan 2000015' }],
      },
      { ...ctx, region: 'cn-shanghai' },
    );
    const buttons = m.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])) as Array<{
      text: { text: string };
      value: string;
    }>;
    expect(buttons.map((b) => [b.text.text, b.value])).toEqual([
      ['Scan hive-prod', 'scan 2000015 --region cn-shanghai'],
    ]);
  });
});
