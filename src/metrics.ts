// Prometheus metrics served at GET /metrics: MMS calls, commands, confirmations, watcher ticks.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
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
