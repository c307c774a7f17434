// `npm run sandbox`: the whole bot on this machine with no cloud account (docs/sandbox.md).
// PORT: the page's port (default 3100). SANDBOX_DB: the SQLite file (default ./data/sandbox.db).
// SANDBOX_STEP_MS: how often the simulator moves jobs along (default 1500). LOG_LEVEL (default warn).
// SANDBOX_NULL_STRINGS=1: the simulator answers "null" for absent strings, as the official MMS sample does.
import { label } from './sandbox/people.js';
import { startSandbox } from './sandbox/server.js';

const env = process.env;
const number = (v: string | undefined, fallback: number) => (v && /^\d+$/.test(v) ? Number(v) : fallback);

const sandbox = await startSandbox({
  port: number(env.PORT, 3100),
  dbPath: env.SANDBOX_DB || './data/sandbox.db',
  autoStepMs: number(env.SANDBOX_STEP_MS, 1500),
  nullStrings: env.SANDBOX_NULL_STRINGS === '1' || env.SANDBOX_NULL_STRINGS === 'true',
  logLevel: env.LOG_LEVEL || 'warn',
}).catch((e: unknown) => {
  console.error(`mms sandbox could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

console.log(
  `mms sandbox: open ${sandbox.url} and act as ${sandbox.users.map(label).join(', ')} ` +
    `(${sandbox.users.map((u) => u.id).join(', ')}); Ctrl-C stops it.`,
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => {
    console.error(`mms sandbox: still stopping after 10 s (${signal}); exiting anyway`);
    process.exit(1);
  }, 10_000);
  force.unref();
  await sandbox.close();
  console.log('mms sandbox: stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
