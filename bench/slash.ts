// A slash command end to end: signed HTTP to the Bolt app, the grammar, the MMS client against the
// simulator, rendering, the ack. Baseline: GET /healthz on the same server (HTTP and Bolt's routing only).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBot } from '../src/bot.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { staticCredentials } from '../src/mms/credentials.js';
import { SlackClient } from '../src/sandbox/slack-client.js';
import { startSlackApi } from '../src/sandbox/slack-standin.js';
import { startSimulator } from '../src/sim/index.js';
import { heapMb, report, time } from './measure.js';

export async function benchSlash(): Promise<void> {
  const sim = await startSimulator({ seed: 1 });
  const api = await startSlackApi();
  const dir = mkdtempSync(join(tmpdir(), 'mms-bench-'));
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-secret',
    SLACK_API_URL: api.url,
    MMS_REGION: 'cn-hangzhou',
    MMS_ENDPOINT: sim.url,
    DATABASE_PATH: join(dir, 'bench.db'),
    MMS_OPERATORS: 'U0OPS00001',
    PORT: '0',
  });
  const bot = buildBot({
    config,
    logger: createLogger('silent'),
    credentials: staticCredentials(sim.credentials),
    watcher: { enabled: false },
    host: '127.0.0.1',
  });
  try {
    const server = await bot.start();
    const port = (server!.address() as { port: number }).port;
    const base = `http://127.0.0.1:${port}`;
    const slack = new SlackClient({ baseUrl: base, signingSecret: 'bench-secret', api });
    const before = heapMb();
    const health = await time('GET /healthz (same server)', async () =>
      (await fetch(`${base}/healthz`)).text(),
    );
    report('a /mms command, signed HTTP to ack', health, [
      await time('/mms jobs hive-prod', () => slack.command('jobs hive-prod')),
      await time('/mms tables hive-prod sales', () => slack.command('tables hive-prod sales')),
      await time('/mms source hive-prod (withConfig, redacted)', () => slack.command('source hive-prod')),
      await time('/mms help migrate (no MMS call)', () => slack.command('help migrate')),
    ]);
    console.log(`  heap growth over the run: ${(heapMb() - before).toFixed(1)} MB`);
  } finally {
    await bot.stop();
    await Promise.all([sim.close(), api.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSlash();
