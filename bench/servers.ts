// Alibaba's and Slack's side for bench/runtime.ts, in a process of its own so that their work does not
// slow the load generator: the MMS simulator and the Slack Web API stand-in on loopback. Prints one JSON
// line with their URLs; `BENCH_BULK_TABLES=n` adds a source `bulk-src` with n tables. Ends on SIGTERM.
import { startSlackApi } from '../src/sandbox/slack-standin.js';
import { startSimulator } from '../src/sim/index.js';

const sim = await startSimulator({ seed: 1, maxPageSize: 100 });
const api = await startSlackApi();
const bulk = Number(process.env.BENCH_BULK_TABLES ?? 0);
const bulkSourceId = bulk > 0 ? sim.addBulkSource('bulk-src', bulk) : null;
// Responses to response_url are counted, not kept: the bench sends tens of thousands.
if (bulk === 0) setInterval(() => api.reset(), 2000).unref();
console.log(JSON.stringify({ sim: sim.url, api: api.url, credentials: sim.credentials, bulkSourceId }));
process.on('SIGTERM', () => {
  void Promise.all([sim.close(), api.close()]).then(() => process.exit(0));
});
