// Boots the whole bot for end-to-end tests: the MMS simulator, the Slack Web API stand-in, the real
// Bolt app over HTTP on loopback with a real SQLite file, and a client that sends signed requests.
import { join } from 'node:path';
import { type Bot, buildBot } from '../../src/bot.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { staticCredentials } from '../../src/mms/credentials.js';
import { type MmsSimulator, type SimOptions, startSimulator } from '../../src/sim/index.js';
import { type SlackApiStandIn, startSlackApi } from './slack-api.js';
import { SlackClient } from './slack-requests.js';
import { tempDir } from './tmp.js';

export const SIGNING_SECRET = 'test-signing-secret';
export const OPERATOR = 'U0OPS00001';
export const OPERATOR2 = 'U0OPS00002';
export const VIEWER = 'U0VIEW0001';

export interface Harness {
  bot: Bot;
  sim: MmsSimulator;
  api: SlackApiStandIn;
  slack: SlackClient;
  /** Every log line the bot wrote, for "no secret in logs" checks. */
  logs: string[];
  close(): Promise<void>;
}

export async function startHarness(
  o: {
    env?: Record<string, string>;
    sim?: SimOptions;
    now?: () => number;
    /** Web API retries of the bot's Slack clients (default 0: fail fast against the stand-in). */
    slackRetries?: number;
    /** How long a slash command may work before the ack says "working…" (here 2000; the bot's default: 0). */
    ackBudgetMs?: number;
    /** As production runs: every request answered at once, its work after (and yielding to) the acks. */
    ackFirst?: boolean;
    /** Bounds of the work after acks (default: the bot's own). */
    work?: { concurrency: number; maxWaiting: number };
    /** MMS client options over the harness's (fast retries), e.g. a short `timeoutMs`. */
    mms?: { timeoutMs?: number; retry?: { tries: number; baseMs: number; maxMs: number } };
  } = {},
): Promise<Harness> {
  const sim = await startSimulator({ seed: 7, ...o.sim });
  const api = await startSlackApi();
  const tmp = tempDir();
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: api.url,
    MMS_REGION: 'cn-hangzhou',
    MMS_ENDPOINT: sim.url,
    DATABASE_PATH: join(tmp.dir, 'bot.db'),
    MMS_OPERATORS: `${OPERATOR},${OPERATOR2}`,
    PORT: '0',
    LOG_LEVEL: 'debug',
    ...o.env,
  });
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const bot = buildBot({
    config,
    logger,
    credentials: staticCredentials(sim.credentials),
    now: o.now,
    mms: { retry: { tries: 2, baseMs: 1, maxMs: 5 }, ...o.mms },
    slack: {
      processBeforeResponse: !o.ackFirst,
      retries: o.slackRetries ?? 0,
      // The suites read most answers from the ack body: give the work time to finish before the ack. The
      // bot's own default (0: ack at once unless the answer needs no I/O) is covered in startup.test.ts.
      ackBudgetMs: o.ackFirst ? 0 : (o.ackBudgetMs ?? 2000),
      ...(o.work ? { workLimits: o.work } : {}),
    },
    watcher: { enabled: false },
    host: '127.0.0.1',
  });
  const server = await bot.start();
  const address = server?.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const slack = new SlackClient({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET, api });
  return {
    bot,
    sim,
    api,
    slack,
    logs,
    async close() {
      await bot.stop();
      await Promise.all([sim.close(), api.close()]);
      tmp.cleanup();
    },
  };
}

/** All text a Slack message holds (fallback text and every block), for assertions. */
export function textOf(m: unknown): string {
  return JSON.stringify(m ?? null);
}
