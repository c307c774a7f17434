import { describe, expect, it } from 'vitest';
import { MmsError } from '../../src/mms/errors.js';
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

// Free text: every form a secret takes in MMS errors, task logs and configs (issue: secrets in free text).
const SECRET = 'Zx9kQw2LmN4pRt7v';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MTcwMDAwMDAsInVpZCI6IjEyMyJ9.c2lnbmF0dXJlMTIzNDU2Nzg5MA';
const ODPS_TOKEN = 'aXNzdWVyPW1tcyZ1c2VyPTEyMzQ1Njc4OTAmZXhwPTE3MTcwMDAwMDAK+Qw3Rt/Zk9=';

describe('redactText: secrets in free text', () => {
  const planted: Array<[string, string, string]> = [
    ['word, masked key, then the value', `AK ******** secret ${SECRET} for user etl`, SECRET],
    ['internal error with `secret <value>`', `internal error: signing failed with secret ${SECRET}`, SECRET],
    ['password followed by whitespace and quotes', `login with password "${SECRET}" failed`, SECRET],
    ['key=value', `user=etl password=${SECRET}`, SECRET],
    ['key: value', `accessKeySecret: ${SECRET}`, SECRET],
    ['JSON pair in prose', `bad config {"hive.jdbc.password": "${SECRET}", "user": "etl"}`, SECRET],
    [
      'JSON-in-string with escaped quotes inside an error message',
      `InvalidParameter: config "{\\"hive.jdbc.password\\":\\"${SECRET}\\",\\"hive.user\\":\\"etl\\"}" rejected`,
      SECRET,
    ],
    [
      'twice-escaped JSON-in-string',
      `{"msg":"{\\\\\\"bigquery.credentials\\\\\\":\\\\\\"${SECRET}\\\\\\"}"} trailing text`,
      SECRET,
    ],
    ['a quoted value with spaces', `"password": "correct horse ${SECRET}"`, 'correct horse'],
    ['URL token=', `GET https://mms.example.com/api?token=${SECRET}&x=1`, SECRET],
    [
      'URL access_token=',
      `https://bigquery.googleapis.com/bigquery/v2/projects?access_token=${SECRET}`,
      SECRET,
    ],
    ['JDBC URL password', `jdbc:hive2://10.0.3.17:10000/sales;user=etl;password=${SECRET};ssl=true`, SECRET],
    ['JDBC URL user info', `jdbc:mysql://etl:${SECRET}@10.0.3.17:3306/meta`, SECRET],
    ['Authorization: Bearer', `Authorization: Bearer ${ODPS_TOKEN}`, ODPS_TOKEN],
    [
      'Authorization header with the ODPS scheme',
      `Authorization: ODPS LTAI5tQb9xYzAbCdEfGh1234:${SECRET}`,
      SECRET,
    ],
    ['security token header', `x-odps-security-token: ${ODPS_TOKEN}`, ODPS_TOKEN],
    [
      'a token passed to a UDTF as a SQL string argument',
      `SELECT default.odps_data_dump_multi('BearerToken', '${ODPS_TOKEN}', 'http://service.cn-hangzhou.maxcompute.aliyun.com/api', '', 'mc_sales') FROM sales.orders`,
      ODPS_TOKEN,
    ],
    [
      'a token-shaped SQL literal after another argument',
      `select f('mc_sales', '${ODPS_TOKEN.replace(/[+/=]/g, 'A')}') from t`,
      ODPS_TOKEN.replace(/[+/=]/g, 'A'),
    ],
    ['a JWT anywhere', `assertion ${TOKEN} rejected`, TOKEN],
    [
      'a Google API key',
      'https://www.googleapis.com/x?key=AIzaSyD3xT6q9ZkLmNoPqRsTuVwXyZ0123456789',
      'AIzaSyD3',
    ],
  ];
  it.each(planted)('masks %s', (_name, text, secret) => {
    const out = redactText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(MASK);
  });

  it('masks the secret wherever the text sits in an MMS response', () => {
    const response = {
      errorMsg: `auth failed: AK ******** secret ${SECRET}`,
      logs: [{ action: `connect jdbc:hive2://h:10000/;password=${SECRET}`, msg: `token=${SECRET}` }],
      config: [{ key: 'extra', value: `{"hive.jdbc.password":"${SECRET}"}` }],
    };
    expect(JSON.stringify(redact(response))).not.toContain(SECRET);
  });

  const prose: string[] = [
    'Access token expired for the data source; refresh it in the console',
    'Authentication failed: password authentication failed for user "etl"',
    'GSSException: No valid credentials provided (Mechanism level: Failed to find any Kerberos tgt)',
    'google.auth.exceptions.RefreshError: invalid_grant: Invalid JWT Signature.',
    'The request signature we calculated does not match the signature you provided',
    'ErrorCode=Unauthorized, ErrorMessage=The request authorization header is invalid or missing',
    'Invalid credentials: user etl is locked',
    'token_uri https://oauth2.googleapis.com/token',
    "insert overwrite table mc_sales.default.orders partition (ds) select `id`, `amount` from sales.orders where ds='2025-06-01';",
    "SELECT COUNT(*) FROM sales.`orders_2025_backup_partition_01` WHERE ds='2025-06-01'",
    'hdfs://nn:8020/warehouse/sales.db/orders/ds=2025-06-01/000000_0',
    'Secret Manager is not enabled for this project',
    "ODPS-0130161:[1,58] Parse exception - invalid token 'select_list', expect one of 'StringLiteral'",
    'the token refresh_window is too short',
  ];
  it.each(prose)('leaves ordinary text readable: %s', (text) => {
    expect(redactText(text)).toBe(text);
  });

  it('is idempotent', () => {
    for (const [, text] of planted) expect(redactText(redactText(text))).toBe(redactText(text));
  });
});

describe('the forms planted in an MMS error, a task log and a config', () => {
  const SECRET = 'Qw7eRt9yUi2oPa5s';
  it('an MMS error carrying a config as a JSON string with escaped quotes', () => {
    const e = new MmsError(
      'invalid',
      `InvalidParameter: bad config "{\\"hive.jdbc.password\\":\\"${SECRET}\\",\\"hive.metastore.uris\\":\\"thrift://h:9083\\"}"`,
      { action: 'UpdateMmsDataSource' },
    );
    expect(e.message).not.toContain(SECRET);
    expect(e.message).toContain('thrift://h:9083');
  });
  it('a task log line with the key masked and the secret after the word "secret"', () => {
    const log = { status: 'DATA_FAILED', action: 'connect', msg: `AK ******** secret ${SECRET} rejected` };
    expect(JSON.stringify(redact(log))).not.toContain(SECRET);
  });
  it('a config value holding JSON whose secret key is nested two levels down', () => {
    const config = [
      { key: 'hive.extra', value: JSON.stringify({ conn: { props: { 'hive.jdbc.password': SECRET } } }) },
    ];
    expect(JSON.stringify(redact(config))).not.toContain(SECRET);
  });
});
