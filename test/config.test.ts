import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';

const base = {
  SLACK_BOT_TOKEN: 'xoxb-1-abc',
  SLACK_SIGNING_SECRET: 'shhh-signing',
  MMS_REGION: 'cn-hangzhou',
};

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const c = parseConfig(base);
    expect(c.slack.port).toBe(3000);
    expect(c.databasePath).toBe('./data/mms-chatops.db');
    expect(c.secondApproverFor).toEqual(['delete', 'timer-delete']);
    expect(c.operators).toEqual([]);
    expect(c.writeChannels).toBeNull();
    expect(c.watchIntervalSeconds).toBe(30);
    expect(c.confirmTtlSeconds).toBe(600);
    expect(c.logLevel).toBe('info');
  });

  it('lists every missing variable at once', () => {
    const p = problems({});
    expect(p.map((x) => x.split(':')[0])).toEqual(
      expect.arrayContaining(['SLACK_BOT_TOKEN', 'MMS_REGION', 'SLACK_SIGNING_SECRET']),
    );
  });

  it('lists every invalid variable with what it should hold, never the secret value', () => {
    const env = {
      SLACK_BOT_TOKEN: 'xoxp-user-token-value',
      SLACK_SIGNING_SECRET: 'sig',
      SLACK_APP_TOKEN: 'not-an-app-token-value',
      MMS_REGION: 'mars-1',
      MMS_OPERATORS: 'U123,bob',
      MMS_SECOND_APPROVER_FOR: 'delete,explode',
      WATCH_INTERVAL_SECONDS: 'soon',
      MMS_ENDPOINT: 'nope',
    };
    let message = '';
    try {
      parseConfig(env);
    } catch (e) {
      message = (e as Error).message;
    }
    for (const name of Object.keys(env).filter((k) => k !== 'SLACK_SIGNING_SECRET'))
      expect(message).toContain(name);
    expect(message).toContain('xoxb-');
    expect(message).toContain('cn-hangzhou');
    expect(message).not.toContain('xoxp-user-token-value');
    expect(message).not.toContain('not-an-app-token-value');
  });

  it('does not need a signing secret in Socket Mode', () => {
    const c = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      MMS_REGION: 'cn-shanghai',
    });
    expect(c.slack.appToken).toBe('xapp-1');
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ ...base, PORT: '', MMS_OPERATORS: '' }).slack.port).toBe(3000);
  });

  it('parses lists', () => {
    const c = parseConfig({ ...base, MMS_OPERATORS: 'U1AAA, S2BBB', MMS_WRITE_CHANNELS: 'C01X,G02Y' });
    expect(c.operators).toEqual(['U1AAA', 'S2BBB']);
    expect(c.writeChannels).toEqual(['C01X', 'G02Y']);
  });
});

describe('MMS endpoints', () => {
  it('picks the public or VPC host, and the override wins for every region', async () => {
    const { regionEndpoint } = await import('../src/mms/regions.js');
    expect(regionEndpoint('cn-shanghai')).toBe('https://maxcompute.cn-shanghai.aliyuncs.com');
    expect(regionEndpoint('cn-shanghai', 'vpc')).toBe('https://maxcompute-vpc.cn-shanghai.aliyuncs.com');
    expect(parseConfig({ ...base, MMS_NETWORK: 'vpc' }).mms.network).toBe('vpc');
    expect(() => parseConfig({ ...base, MMS_NETWORK: 'intranet' })).toThrow(/MMS_NETWORK/);
  });
});
