import { describe, expect, it } from 'vitest';
import { MASK, redact, redactText } from '../../src/mms/redact.js';

const AK = 'LTAI5tQb9xYzAbCdEfGh1234';

describe('redact', () => {
  const cases: Array<[string, unknown, (out: unknown) => void]> = [
    ['password key at top level', { password: 'hunter2' }, (o) => expect(o).toEqual({ password: MASK })],
    [
      'mixed-case keys at depth',
      { a: { B: { DbPassWord: 'x', accessKeySecret: 'y', Access_Id: 'z', 'ACCESS-KEY': 'w' } } },
      (o) => expect(JSON.stringify(o)).not.toMatch(/"(x|y|z|w)"/),
    ],
    [
      'secrets inside nested arrays',
      { list: [[{ token: 't1' }], [{ nested: [{ secret: 's1' }] }]] },
      (o) => expect(JSON.stringify(o)).not.toMatch(/t1|s1/),
    ],
    [
      'JSON object hidden in a string value',
      { extra: JSON.stringify({ user: 'bob', password: 'p@ss' }) },
      (o) => {
        const s = (o as { extra: string }).extra;
        expect(s).not.toContain('p@ss');
        expect(JSON.parse(s)).toEqual({ user: 'bob', password: MASK });
      },
    ],
    [
      'JSON array in a string, twice nested',
      { others: JSON.stringify([{ config: JSON.stringify({ accessKeyId: AK }) }]) },
      (o) => expect(JSON.stringify(o)).not.toContain(AK),
    ],
    [
      'config item list hides the name in `key`',
      { config: [{ key: 'hive.metastore.password', value: 'pw1', subItems: [{ key: 'x', value: 'pw2' }] }] },
      (o) => expect(JSON.stringify(o)).not.toMatch(/pw1|pw2/),
    ],
    [
      'config item named by `name`',
      [{ name: 'bigquery.token', value: 'tok' }],
      (o) => expect(JSON.stringify(o)).not.toContain('tok"'),
    ],
    ['LTAI value under an innocent key', { owner: AK }, (o) => expect(o).toEqual({ owner: MASK })],
    [
      'LTAI id inside free text',
      { errorMsg: `auth failed for ${AK} on host` },
      (o) => expect((o as { errorMsg: string }).errorMsg).toBe(`auth failed for ${MASK} on host`),
    ],
    [
      'key=value secrets in free text',
      { msg: 'connect jdbc:hive2://h:10000 user=etl password=S3cr3t! token: abc.def' },
      (o) => expect(JSON.stringify(o)).not.toMatch(/S3cr3t|abc\.def/),
    ],
    [
      'leaves non-secrets alone',
      { name: 'orders', numRows: 12, ok: true, nothing: null },
      (o) => expect(o).toEqual({ name: 'orders', numRows: 12, ok: true, nothing: null }),
    ],
  ];
  it.each(cases)('%s', (_name, input, check) => {
    const before = JSON.stringify(input);
    check(redact(input));
    expect(JSON.stringify(input)).toBe(before); // never mutates
  });

  it('keeps the shape of a masked container', () => {
    expect(redact({ credentials: { a: 1, b: [2, 'x'] } })).toEqual({
      credentials: { a: MASK, b: [MASK, MASK] },
    });
  });

  it('masks a whole string that starts with LTAI', () => {
    expect(redactText('LTAI-something-short')).toBe(MASK);
  });
});
