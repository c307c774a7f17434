// The diagnosis on real failure messages (test/fixtures/failures): causes named and fixes given in the bot's
// own words, the categories still weak, and no planted secret in any reply.
import { describe, expect, it } from 'vitest';
import { CATEGORY_LABELS, type Diagnosis, summarizeDiagnoses } from '../../src/diagnosis/diagnose.js';
import { MASK } from '../../src/mms/redact.js';
import { diagnosisMessage } from '../../src/ui/diagnosis.js';
import {
  dataFails,
  type FailureCase,
  row,
  SOURCES,
  SQL,
  schemaFails,
  verification,
} from '../fixtures/failures/build.js';
import { CORPUS } from '../fixtures/failures/corpus.js';
import { HELD_OUT } from '../fixtures/failures/held-out.js';
import { diagnose, longestSharedRun, score, scoreCorpus } from '../fixtures/failures/score.js';
import { ctx } from '../ui/fixtures.js';

/** A run of this many words shared with the log means the text was copied, not written. */
const COPIED = 8;

describe('the failure corpus', () => {
  it('holds at least 60 realistic cases, each with its provenance and expectations', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CORPUS.map((c) => c.id)).size).toBe(CORPUS.length);
    for (const c of CORPUS) {
      expect(c.provenance, c.id).toMatch(/^https?:\/\/\S+|^[\w.-]+\/[\w.-]+:\S+|MMS\.md/);
      expect(Object.keys(CATEGORY_LABELS), c.id).toContain(c.expect.category);
      expect(c.expect.fix.length, c.id).toBeGreaterThan(0);
      expect(c.seniorFix.length, c.id).toBeGreaterThan(20);
      expect(c.logs.length, c.id).toBeGreaterThanOrEqual(3);
      const last = c.logs.at(-1)!;
      expect(last.status, c.id).toBe(c.status);
    }
  });

  it('covers the failures real migrations hit, on every side', () => {
    const categories = new Set(CORPUS.map((c) => c.expect.category));
    for (const k of [
      'permission-target',
      'permission-source',
      'credentials',
      'clock-skew',
      'limit',
      'invalid-partition',
      'conflict',
      'memory',
      'rate-limit',
      'quota',
      'corrupt-source',
      'tooling-missing',
      'type-conversion',
      'target-connectivity',
      'source-connectivity',
      'timeout',
      'verification-mismatch',
      'unknown',
    ] as const)
      expect(categories, k).toContain(k);
    const systems = new Set(CORPUS.map((c) => c.expect.system));
    for (const s of [
      'hive',
      'hdfs',
      'kerberos',
      'bigquery',
      'tunnel',
      'yarn',
      'spark',
      'maxcompute',
    ] as const)
      expect(systems, s).toContain(s);
  });

  it('names at least 90 % of causes and gives at least 90 % of fixes', () => {
    const s = scoreCorpus(CORPUS);
    const weak = [...s.byCategory.entries()]
      .filter(([, v]) => v.causes < v.cases || v.fixes < v.cases)
      .map(([k, v]) => `${k} ${v.causes}/${v.cases} causes, ${v.fixes}/${v.cases} fixes`);
    console.info(
      `diagnosis corpus: ${s.cases} cases, causes named ${s.causesNamed}/${s.cases} ` +
        `(${((100 * s.causesNamed) / s.cases).toFixed(1)} %), fixes given ${s.fixesGiven}/${s.cases} ` +
        `(${((100 * s.fixesGiven) / s.cases).toFixed(1)} %)` +
        (weak.length ? `; weak: ${weak.join('; ')}` : '; no weak category'),
    );
    const missed = s.results
      .filter((r) => !r.causeNamed || !r.fixGiven)
      .map((r) => `${r.case.id}: ${r.diagnosis.category}/${r.diagnosis.system}/${r.diagnosis.phase}`);
    expect(s.causesNamed / s.cases, missed.join('\n')).toBeGreaterThanOrEqual(0.9);
    expect(s.fixesGiven / s.cases, missed.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it.each(CORPUS.map((c) => [c.id, c] as const))('%s: cause and fix are the bot’s own words', (_id, c) => {
    const r = score(c);
    const log = c.logs.map((l) => `${l.action ?? ''}\n${l.msg ?? ''}`).join('\n');
    expect(r.copiedWords, `${r.diagnosis.cause}\n${r.diagnosis.fix}`).toBeLessThan(COPIED);
    expect(log).not.toContain(r.diagnosis.cause);
    expect(log).not.toContain(r.diagnosis.fix);
    // The evidence quotes the log; the cause does not repeat it.
    expect(r.diagnosis.evidence.length).toBeGreaterThan(0);
  });

  it('the copy check fails a diagnosis that only echoes the log', () => {
    const c = CORPUS.find((x) => x.id === 'yarn-physical-memory')!;
    const echoed = c.logs.at(-1)!.msg!;
    expect(longestSharedRun(echoed, echoed)).toBeGreaterThanOrEqual(COPIED);
    // …and a cause with the right category but copied text is still caught by the per-case check.
    const log = c.logs.map((l) => l.msg ?? '').join('\n');
    expect(longestSharedRun(`Cause: ${echoed.slice(0, 200)}`, log)).toBeGreaterThanOrEqual(COPIED);
  });

  it('a count that timed out and reported -1 is the timeout, not a row-count mismatch', () => {
    const d = diagnose(CORPUS.find((x) => x.id === 'count-timeout-then-minus-one')!);
    expect(d.category).toBe('source-connectivity');
    expect(d.cause).toContain('not a row-count mismatch');
    expect(d.verification).toBeUndefined();
  });

  it('fixes name the source by its name in the next command', () => {
    for (const c of CORPUS) {
      const d = diagnose(c);
      const name = SOURCES[c.sourceType].name;
      if (d.command?.startsWith('/mms retry-task')) expect(d.command, c.id).toContain(` ${name} `);
      expect(d.fix, c.id).not.toMatch(new RegExp(`\\b${SOURCES[c.sourceType].id}\\b`));
    }
  });

  it('an unknown failure says so, keeps the decisive lines and says what to check for its system', () => {
    const c = CORPUS.find((x) => x.id === 'hive-mapred-return-code-2')!;
    const d = diagnose(c);
    expect(d.category).toBe('unknown');
    expect(d.cause).toContain('match no known cause');
    expect(d.fix).toContain('yarn logs -applicationId application_1717400000000_0042');
    expect(d.fix).toContain('/mms logs hive-prod 7620');
    expect(d.evidence.at(-1)).toContain('return code 2');
    expect(d.summary).toBe('unknown cause · Hive (source) · data phase');
  });
});

describe('no planted secret appears in any reply', () => {
  const TOKEN = 'aXNzdWVyPW1tcyZ1c2VyPTE2ODgwMDM3MTIzNDU2NzgmZXhwPTE3MTcwMDAwMDA+Qw3Rt/Zk9=';
  const PASSWORD = 'Hv7#kQ2pLm9x';
  const KEY_SECRET = 'kX8vB2nM4qR7tY1wE5zU9iO3pA6sD0';
  const udtf = SQL.udtf().replace(`'********'`, `'${TOKEN}'`);
  const planted: Array<[string, FailureCase['logs']]> = [
    [
      'a token passed to the UDTF as a SQL string argument',
      [
        ...dataFails('HIVE', 'ok').slice(0, -1),
        row('DATA_FAILED', udtf, 'java.sql.SQLException: Invalid function default.odps_data_dump_multi'),
      ],
    ],
    [
      'a JDBC URL with a password and an Authorization header',
      schemaFails(
        'HIVE',
        `Could not open client transport with JDBC Uri: jdbc:hive2://10.0.3.17:10000/default;user=mma;password=${PASSWORD}: ` +
          `java.net.ConnectException: Connection refused; request headers: Authorization: Bearer ${TOKEN}`,
      ),
    ],
    [
      'a secret word and value in an internal error, and a config as JSON in a string',
      dataFails(
        'BIGQUERY',
        `internal error: AK ******** secret ${KEY_SECRET} rejected; config ` +
          `"{\\"bigquery.credentials\\":\\"${PASSWORD}\\",\\"project\\":\\"analytics-prod\\"}"`,
      ),
    ],
    [
      'a token in a URL of a verification error',
      verification('HIVE', [
        row(
          'VERIFICATION_FAILED',
          `GET https://mms.cn-hangzhou.aliyuncs.com/count?access_token=${TOKEN}`,
          `count failed for https://x/api?token=${TOKEN}: Read timed out`,
        ),
      ]),
    ],
  ];
  it.each(planted)('%s', (_name, logs) => {
    const c: FailureCase = {
      id: 'planted',
      provenance: 'https://example.invalid',
      sourceType: logs.some((l) => /bigquery/i.test(l.msg ?? '')) ? 'BIGQUERY' : 'HIVE',
      status: logs.at(-1)!.status!,
      logs,
      expect: { category: 'unknown', system: 'unknown', phase: 'DATA', fix: ['x'] },
      seniorFix: 'not scored: this case only carries planted secrets',
    };
    const d: Diagnosis = diagnose(c);
    const message = diagnosisMessage(
      { id: 2000015, name: 'hive-prod' } as never,
      'task 7620',
      summarizeDiagnoses([d]),
      [],
      ctx,
    );
    const out = JSON.stringify({ d, message });
    for (const secret of [TOKEN, PASSWORD, KEY_SECRET, TOKEN.slice(0, 24), KEY_SECRET.slice(0, 16)])
      expect(out).not.toContain(secret);
    expect(d.evidence.join('\n')).toContain(MASK);
  });
});

describe('held-out real messages (never used to tune the rules)', () => {
  it('reports its score and stays above a floor', () => {
    const s = scoreCorpus(HELD_OUT);
    const missed = s.results
      .filter((r) => !r.causeNamed || !r.fixGiven)
      .map(
        (r) =>
          `${r.case.id} (expected ${r.case.expect.category}/${r.case.expect.system}, got ` +
          `${r.diagnosis.category}/${r.diagnosis.system})`,
      );
    console.info(
      `held-out: ${s.cases} cases, causes named ${s.causesNamed}/${s.cases}, fixes given ${s.fixesGiven}/${s.cases}` +
        (missed.length ? `; missed: ${missed.join('; ')}` : ''),
    );
    expect(s.causesNamed / s.cases).toBeGreaterThanOrEqual(0.5);
    for (const r of s.results) expect(r.copiedWords, r.case.id).toBeLessThan(COPIED);
  });
});
