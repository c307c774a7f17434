// Entry point: configuration from the environment (and .env), the bot, and a graceful shutdown.
import { buildBot } from './bot.js';
import { ConfigError, loadDotEnv, parseConfig } from './config.js';
import { createLogger } from './log.js';
import { keepServing } from './process-handlers.js';

loadDotEnv();
let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

const logger = createLogger(config.logLevel);
keepServing(logger);
const bot = buildBot({ config, logger });
const server = await bot.start().catch(async (e: unknown) => {
  logger.fatal({ err: e }, 'mms-chatops could not start');
  await bot.stop().catch(() => {});
  process.exit(1);
});
const address = server?.address();
logger.info(
  {
    mode: config.slack.appToken ? 'socket' : 'http',
    port: typeof address === 'object' && address ? address.port : undefined,
    region: config.mms.region,
  },
  'mms-chatops is running',
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await bot.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
