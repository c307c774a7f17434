// One signed ROA call to MMS: pop-core does the signing; this adds what pop-core leaves to the caller
// (content-type on a body, x-acs-action), parses the envelope, redacts it, classifies errors and retries reads.
import type PopCore from '@alicloud/pop-core';
import type { z } from 'zod';
import type { CredentialSource } from './credentials.js';
import { fromErrorBody, fromThrown, MmsError } from './errors.js';
import { redact } from './redact.js';

export const API_VERSION = '2022-01-04';

export interface RetryPolicy {
  /** Tries in all, the first included (MMS.md §5: at most 4). */
  tries: number;
  baseMs: number;
  maxMs: number;
}

export interface CallInfo {
  action: string;
  ms: number;
  ok: boolean;
  kind?: string;
  tries: number;
}

export interface TransportOptions {
  endpoint: string;
  credentials: CredentialSource;
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Injected for tests: how to wait between tries, and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onCall?: (info: CallInfo) => void;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface Call<S extends z.ZodType> {
  action: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Query;
  body?: Record<string, unknown>;
  /** Schema of `data` in the success envelope. */
  data: S;
}

const DEFAULT_RETRY: RetryPolicy = { tries: 4, baseMs: 1000, maxMs: 30_000 };

export class Transport {
  /** pop-core loads on the first call, not at start-up: the bot answers /healthz without it. */
  private roa: Promise<InstanceType<typeof PopCore.ROAClient>> | null = null;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly opts: TransportOptions) {
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
  }

  /**
   * Runs the call. GETs are retried with jittered exponential backoff on throttling, 5xx and network
   * faults; writes are never retried here, since MMS writes are not idempotent (MMS.md §5).
   */
  async call<S extends z.ZodType>(c: Call<S>): Promise<z.infer<S>> {
    const tries = c.method === 'GET' ? this.retry.tries : 1;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.once(c);
        this.opts.onCall?.({ action: c.action, ms: Date.now() - started, ok: true, tries: attempt });
        return result;
      } catch (thrown) {
        const err = fromThrown(c.action, thrown);
        if (!err.retryable || attempt >= tries) {
          this.opts.onCall?.({
            action: c.action,
            ms: Date.now() - started,
            ok: false,
            kind: err.kind,
            tries: attempt,
          });
          throw err;
        }
        await this.sleep(this.backoff(attempt));
      }
    }
  }

  /** Full jitter: a random wait up to base·2^(attempt-1), capped. */
  backoff(attempt: number): number {
    const ceiling = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt - 1));
    return Math.round(this.retry.baseMs / 2 + this.random() * (ceiling - this.retry.baseMs / 2));
  }

  private async once<S extends z.ZodType>(c: Call<S>): Promise<z.infer<S>> {
    const headers: Record<string, string> = { 'x-acs-action': c.action };
    // A call without a body (Delete/Start/Stop/Retry, TriggerMmsTimer) sends none and no content-type,
    // as the official SDK does; pop-core signs the empty content-type and the empty body's Content-MD5.
    let body = '';
    if (c.body !== undefined) {
      body = JSON.stringify(dropUndefined(c.body));
      headers['content-type'] = 'application/json';
    }
    this.roa ??= import('@alicloud/pop-core').then(
      ({ default: Pop }) =>
        new Pop.ROAClient({
          endpoint: this.opts.endpoint.replace(/\/+$/, ''),
          apiVersion: API_VERSION,
          credentialsProvider: { getCredentials: () => this.opts.credentials.get() },
        }),
    );
    const roa = await this.roa;
    const raw = await roa.request(c.method, c.path, scalarQuery(c.query), body, headers, {
      timeout: this.opts.timeoutMs ?? 15_000,
    });
    // pop-core returns non-JSON bodies (an HTML 502 page) as a string without throwing.
    if (raw === null || typeof raw !== 'object') {
      throw new MmsError('server', `${c.action}: MMS answered with a non-JSON response`, {
        action: c.action,
      });
    }
    const env = redact(raw) as Record<string, unknown>;
    const code = env['Code'] ?? env['code'] ?? env['errorCode'];
    const success = env['success'];
    if ((code && !('data' in env)) || success === false) throw fromErrorBody(c.action, undefined, env);
    const parsed = c.data.safeParse(env['data']);
    if (!parsed.success) {
      throw new MmsError(
        'server',
        `${c.action}: unexpected response shape (${summarizeIssues(parsed.error)})`,
        {
          action: c.action,
          requestId: typeof env['requestId'] === 'string' ? env['requestId'] : undefined,
        },
      );
    }
    return parsed.data;
  }
}

function summarizeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'data'}: ${i.message}`)
    .join('; ');
}

/** Query values must be scalar strings: pop-core signs arrays as `a,b` but sends `k=a&k=b`. */
function scalarQuery(q: Query | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    out[k] = String(v);
  }
  return out;
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
