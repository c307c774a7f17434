// Entry point (`npm start`, the image's `node dist/main.js`): configuration from the environment (and
// .env), the bot, and a graceful shutdown on SIGTERM/SIGINT. The configuration is checked before the bot's
// modules load, so a configuration error shows at once.
import type { Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadDotEnv, parseConfig } from './config.js';
import { createLogger } from './log.js';
import { serveMetrics } from './metrics.js';
import { keepServing } from './process-handlers.js';

// V8 sizes its heap for the host: on one with over 16 GB it lets the old generation grow up to fourfold after
// each collection, so a burst of requests leaves ~100 MB of dead objects resident long after it. The bot's
// live heap is tens of MB (bench/runtime.ts): growing by half keeps RSS near the live set for a few more
// (cheap) collections. V8 reads this at every collection, so setting it here takes effect.
setFlagsFromString('--heap-growing-percent=50');

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
const { buildBot } = await import('./bot.js');
const bot = buildBot({ config, logger });
let metricsServer: Server | undefined;

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: no new requests, waiting for a running watcher cycle');
  const force = setTimeout(() => {
    logger.error('shutdown took over 10 s; exiting without closing cleanly');
    process.exit(1);
  }, 10_000);
  force.unref();
  try {
    metricsServer?.close();
    await bot.stop();
    logger.info('mms-chatops stopped');
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

const server = await bot.start().catch(async (e: unknown) => {
  logger.fatal({ err: e }, 'mms-chatops could not start');
  await bot.stop().catch(() => {});
  process.exit(1);
});
metricsServer = await serveMetrics(bot.metrics.registry, config.metrics.port, config.metrics.host).catch(
  async (e: unknown) => {
    logger.fatal(
      { err: e },
      `cannot serve metrics on ${config.metrics.host}:${config.metrics.port} (METRICS_PORT)`,
    );
    await bot.stop().catch(() => {});
    process.exit(1);
  },
);
logger.info(
  {
    mode: config.slack.appToken ? 'socket' : 'http',
    port: portOf(server),
    metrics: `http://${config.metrics.host}:${portOf(metricsServer)}/metrics`,
    region: config.mms.region,
  },
  'mms-chatops is running',
);

function portOf(s: Server | undefined): number | undefined {
  const a = s?.address();
  return typeof a === 'object' && a ? a.port : undefined;
}
