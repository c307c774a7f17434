// The unsigned control API under /__sim/ for the sandbox (and anything outside the test process):
// step the world, plan failures, inject errors, set latency, read the call log.
import { z } from 'zod';
import type { ErrorInjection } from './faults.js';
import type { MmsSimulator } from './server.js';

const FailTask = z.object({
  match: z.object({
    jobId: z.number().int().optional(),
    table: z.string().optional(),
    taskId: z.number().int().optional(),
  }),
  failure: z.object({
    phase: z.enum(['SCHEMA', 'DATA', 'VERIFICATION']),
    msg: z.string(),
    action: z.string().optional(),
  }),
});

const InjectErrors = z.object({
  count: z.number().int().positive(),
  status: z.number().int().min(400).max(599),
  code: z.string().optional(),
  message: z.string().optional(),
  contentType: z.string().optional(),
  body: z.string().optional(),
  actions: z.array(z.string()).optional(),
  afterEffect: z.boolean().optional(),
});

export interface AdminResponse {
  status: number;
  body: unknown;
}

const intParam = (query: URLSearchParams, name: string, fallback: number): number => {
  const v = Number(query.get(name) ?? fallback);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer`);
  return v;
};

export function handleAdmin(
  sim: MmsSimulator,
  method: string,
  path: string,
  query: URLSearchParams,
  body: string,
): AdminResponse {
  const json = () => (body ? JSON.parse(body) : {});
  try {
    const route = `${method} ${path}`;
    switch (route) {
      case 'POST /__sim/step': {
        const n = intParam(query, 'n', 1);
        sim.step(n);
        return { status: 200, body: { steps: n, busy: sim.model.busy() } };
      }
      case 'POST /__sim/run-until-idle':
        return { status: 200, body: { steps: sim.runUntilIdle(intParam(query, 'max', 10_000)) } };
      case 'POST /__sim/fail-task': {
        const { match, failure } = FailTask.parse(json());
        sim.failTask(match, failure);
        return { status: 200, body: { ok: true } };
      }
      case 'POST /__sim/inject-errors':
        sim.injectErrors(InjectErrors.parse(json()) satisfies ErrorInjection);
        return { status: 200, body: { ok: true } };
      case 'POST /__sim/latency':
        sim.setLatency(intParam(query, 'ms', 0));
        return { status: 200, body: { ok: true } };
      case 'GET /__sim/calls':
        return { status: 200, body: sim.calls };
      case 'DELETE /__sim/calls':
        sim.resetCalls();
        return { status: 200, body: { ok: true } };
      case 'GET /__sim/state':
        return {
          status: 200,
          body: {
            steps: sim.model.steps,
            busy: sim.model.busy(),
            sources: sim.model.sources.size,
            jobs: sim.model.jobs.size,
            tasks: sim.model.tasks.size,
            timers: sim.model.timers.size,
          },
        };
      default:
        return { status: 404, body: { error: `no admin route ${route}` } };
    }
  } catch (e) {
    const message = e instanceof z.ZodError ? z.prettifyError(e) : (e as Error).message;
    return { status: 400, body: { error: message } };
  }
}
