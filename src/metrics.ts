// Prometheus metrics served at GET /metrics: MMS calls, commands, confirmations, watcher ticks.
import { createServer, type Server } from 'node:http';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  // The event-loop lag gauge samples with a timer: prom-client's default, every 10 ms, woke an idle bot 100
  // times a second (about 10 ms of CPU each second). Every 100 ms still catches every stall that long.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  return {
    registry,
    mmsCalls: new Counter({
      name: 'mms_calls_total',
      help: 'MMS API calls by action and outcome (ok or the error kind)',
      labelNames: ['action', 'outcome'] as const,
      registers: [registry],
    }),
    mmsLatency: new Histogram({
      name: 'mms_call_seconds',
      help: 'MMS API call duration, retries included',
      labelNames: ['action'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    commands: new Counter({
      name: 'slack_commands_total',
      help: '/mms commands and buttons handled, by command name',
      labelNames: ['command'] as const,
      registers: [registry],
    }),
    confirmations: new Counter({
      name: 'confirmations_total',
      help: 'Confirmation cards by how they ended',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    watcherTicks: new Counter({
      name: 'watcher_ticks_total',
      help: 'Watcher cycles, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * GET /metrics on its own listener (METRICS_HOST:METRICS_PORT, loopback by default), apart from the port
 * Slack calls: process and MMS figures are for the operator's Prometheus, not for the internet.
 */
export async function serveMetrics(registry: Registry, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
