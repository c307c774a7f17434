// A bot process for the fault suite: the whole bot built from the environment as `npm start` builds it,
// with the watcher's intervals, lease and claim shortened so that a run of kills fits in seconds. Prints
// `ready` once it serves.
import { buildBot } from '../../src/bot.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

const config = parseConfig(process.env);
const bot = buildBot({
  config,
  logger: createLogger('warn'),
  host: '127.0.0.1',
  watcher: { intervalSeconds: 1, fastIntervalSeconds: 1, leaseSeconds: 3, claimSeconds: 3 },
});
await bot.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void bot.stop().then(() => process.exit(0));
});
