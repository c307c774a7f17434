// Start-up with a token Slack rejects: one clear error, and nothing left listening.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBot } from '../../src/bot.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { staticCredentials } from '../../src/mms/credentials.js';
import { type SlackApiStandIn, startSlackApi } from '../helpers/slack-api.js';
import { tempDir } from '../helpers/tmp.js';

describe('start-up', () => {
  let api: SlackApiStandIn;
  let tmp: ReturnType<typeof tempDir>;
  afterEach(async () => {
    await api?.close();
    tmp?.cleanup();
  });

  /** A bot with this token whose Slack Web API is at `slackUrl`; it fails fast (no retries). */
  const botWith = (token: string, slackUrl: string) =>
    buildBot({
      config: parseConfig({
        SLACK_BOT_TOKEN: token,
        SLACK_SIGNING_SECRET: 's',
        SLACK_API_URL: slackUrl,
        MMS_REGION: 'cn-hangzhou',
        DATABASE_PATH: join(tmp.dir, 'b.db'),
        PORT: '0',
      }),
      logger: createLogger('silent'),
      credentials: staticCredentials({ accessKeyId: 'k', accessKeySecret: 's' }),
      slack: { retries: 0 },
      watcher: { enabled: false },
      host: '127.0.0.1',
    });

  it('fails with a clear message when Slack rejects the bot token, after one auth.test', async () => {
    api = await startSlackApi();
    tmp = tempDir();
    api.failNext('auth.test', 'invalid_auth');
    const bot = botWith('xoxb-revoked', api.url);
    await expect(bot.start()).rejects.toThrow(
      'Slack did not accept SLACK_BOT_TOKEN (auth.test: invalid_auth)',
    );
    expect(api.callsTo('auth.test')).toHaveLength(1);
    await bot.stop();
  });

  it('says Slack could not be reached (not that the token was rejected) when nothing answers', async () => {
    api = await startSlackApi();
    const url = api.url;
    await api.close();
    tmp = tempDir();
    const bot = botWith('xoxb-fine', url);
    const err = await bot.start().then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^Could not reach Slack at start \(auth\.test: .+\); check the network/);
    expect(err?.message).not.toMatch(/SLACK_BOT_TOKEN/);
    await bot.stop();
  });
});
