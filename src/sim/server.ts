// The MMS simulator: an HTTP server on loopback that speaks MMS's ROA protocol as pop-core sends it,
// checks every signature, and serves the 36 actions from an in-memory lifecycle model.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin.js';
import type { HandlerContext } from './api/context.js';
import { type Credentials, NonceCache, verifyRequest } from './auth.js';
import { errorBody, gatewayError, invalid, SimError } from './errors.js';
import { type ErrorInjection, Faults, injectedResponse, type RawResponse } from './faults.js';
import { MmsModel } from './model.js';
import { BodyParams, QueryParams } from './params.js';
import { parseIds, resolve } from './routes.js';
import { headerValue, parseQuery } from './signature.js';
import type { PlannedFailure, SourceSpec, TaskMatch } from './types.js';

export interface SimOptions {
  seed?: number;
  port?: number;
  accessKeyId?: string;
  accessKeySecret?: string;
  /** When set, every call must carry it (STS credentials). */
  securityToken?: string;
  /** The simulator clock: record times and the 15-minute `date` check (default Date.now). */
  now?: () => number;
  /** Sandbox: step the lifecycle on a real timer every this many ms. */
  autoStepMs?: number;
  /** Demo sources, jobs and a timer (default true). */
  demo?: boolean;
  /** What Start/Stop/Retry/Delete/Update return in `data`: 1 (default) or "success". */
  writeResultStyle?: 'int' | 'success';
  regionId?: string;
  /** Tasks of one job that run at once (default 4). */
  taskConcurrency?: number;
  /** Clamp pageSize to this (default: no maximum, as documented). */
  maxPageSize?: number;
  /**
   * Absent strings as the official sample sends them: the string "null" (`"errorMsg":"null"`). By
   * default an absent field is left out. Either way an answer holds only the fields and types of the
   * official response models (docs/mms-response-models.json).
   */
  nullStrings?: boolean;
}

export interface SimCall {
  action: string;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  at: number;
}

export interface MmsSimulator {
  /** http://127.0.0.1:<port> */
  url: string;
  credentials: Credentials;
  /** Advance scans, async tasks, jobs and tasks by n steps (default 1). */
  step(n?: number): void;
  /** Step until nothing is running; returns the steps taken. */
  runUntilIdle(maxSteps?: number): number;
  /** Plan a failure for a task that will run, or is running, the given phase (fires once). */
  failTask(match: TaskMatch, failure: PlannedFailure): void;
  /** The next `count` matching calls fail as described. */
  injectErrors(spec: ErrorInjection): void;
  setLatency(ms: number): void;
  calls: SimCall[];
  resetCalls(): void;
  addSource(spec: SourceSpec): number;
  addBulkSource(name: string, tableCount: number): number;
  model: MmsModel;
  close(): Promise<void>;
}

const DEFAULT_ACCESS_KEY_ID = 'LTAI5tSimu1atorAccessKey';
const DEFAULT_ACCESS_KEY_SECRET = 'SimSecret0123456789abcdefABCDEF';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: RawResponse): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(r.status, { 'content-type': r.contentType, 'content-length': Buffer.byteLength(r.body) });
  res.end(r.body);
}

const json = (status: number, body: unknown): RawResponse => ({
  status,
  contentType: 'application/json;charset=utf-8',
  body: JSON.stringify(body),
});

/**
 * A success envelope on the wire. Views write an absent string as null and leave other absent fields
 * undefined (see views.ts), so null here always stands for a string: left out, or "null".
 */
const success = (requestId: string, data: unknown, nullStrings: boolean): RawResponse => ({
  status: 200,
  contentType: 'application/json;charset=utf-8',
  body: JSON.stringify({ requestId, data }, (_k, v: unknown) =>
    v === null ? (nullStrings ? 'null' : undefined) : v,
  ),
});

export async function startSimulator(opts: SimOptions = {}): Promise<MmsSimulator> {
  const now = opts.now ?? Date.now;
  const model = new MmsModel({
    seed: opts.seed ?? 42,
    now,
    demo: opts.demo ?? true,
    regionId: opts.regionId ?? 'cn-hangzhou',
    ...(opts.taskConcurrency ? { taskConcurrency: opts.taskConcurrency } : {}),
  });
  const credentials: Credentials = {
    accessKeyId: opts.accessKeyId ?? DEFAULT_ACCESS_KEY_ID,
    accessKeySecret: opts.accessKeySecret ?? DEFAULT_ACCESS_KEY_SECRET,
    ...(opts.securityToken !== undefined ? { securityToken: opts.securityToken } : {}),
  };
  const hostId = `maxcompute.${model.regionId}.aliyuncs.com`;
  const ack = opts.writeResultStyle === 'success' ? 'success' : 1;
  const nonces = new NonceCache();
  const faults = new Faults();
  const calls: SimCall[] = [];
  const sleepers = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  let requests = 0;

  // Request ids look like the service's (uppercase UUIDs) and are reproducible for a seed.
  const requestId = (): string => {
    const h = createHash('sha1').update(`${model.seed}:${++requests}`).digest('hex').toUpperCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((done) => {
      const entry = {
        timer: setTimeout(() => {
          sleepers.delete(entry);
          done();
        }, ms),
        done,
      };
      sleepers.add(entry);
    });

  function handleApi(
    req: IncomingMessage,
    path: string,
    rawQuery: string,
    body: Buffer,
    call: SimCall,
  ): RawResponse {
    const rid = requestId();
    const method = req.method ?? 'GET';
    const query = parseQuery(rawQuery);
    call.query = query;
    const resolved = resolve(method, path);
    const headerAction = headerValue(req.headers, 'x-acs-action');
    call.action = resolved?.route.action ?? headerAction ?? '';
    try {
      verifyRequest({ method, path, headers: req.headers, query, body }, credentials, now(), nonces);
      if (!resolved) {
        throw gatewayError(
          404,
          'InvalidAction.NotFound',
          'Specified api is not found, please check your url and method.',
        );
      }
      const action = resolved.route.action;
      if (!headerAction)
        throw gatewayError(400, 'InvalidParameter.Action', 'The "x-acs-action" header is required.');
      if (headerAction !== action) {
        throw gatewayError(
          400,
          'InvalidParameter.Action',
          `The action "${headerAction}" does not match ${method} ${path} (${action}).`,
        );
      }
      let raw: Record<string, unknown> = {};
      if (body.length > 0 && (method === 'POST' || method === 'PUT')) {
        const type = headerValue(req.headers, 'content-type') ?? '';
        if (!type.toLowerCase().startsWith('application/json')) {
          throw invalid(
            `unsupported content-type "${type}", expected application/json`,
            'InvalidParameter.ContentType',
          );
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          throw invalid('request body is not valid JSON');
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw invalid('request body must be a JSON object');
        }
        raw = parsed as Record<string, unknown>;
      }
      const injected = faults.take(action);
      if (injected && !injected.afterEffect) return injectedResponse(injected, rid, hostId);
      const ids = parseIds(resolved.raw);
      if (ids['sid'] !== undefined) model.source(ids['sid']);
      const ctx: HandlerContext = {
        m: model,
        ids,
        query: new QueryParams(query),
        body: new BodyParams(raw),
        ack,
        maxPageSize: opts.maxPageSize,
      };
      const data = resolved.route.handler(ctx);
      if (injected?.status === 200 && !injected.reset)
        return { ...json(200, { requestId: rid, data }), delayMs: injected.delayMs };
      if (injected) return injectedResponse(injected, rid, hostId);
      return success(rid, data, opts.nullStrings ?? false);
    } catch (e) {
      if (e instanceof SimError) return json(e.status, errorBody(e, rid, hostId));
      const err = new SimError(500, 'InternalError', `simulator bug: ${(e as Error).message}`, 'gateway');
      return json(500, errorBody(err, rid, hostId));
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    if (path.startsWith('/__sim/')) {
      const r = handleAdmin(
        sim,
        req.method ?? 'GET',
        path,
        new URLSearchParams(rawQuery),
        body.toString('utf8'),
      );
      return send(res, json(r.status, r.body));
    }
    const text = body.toString('utf8');
    let logged: unknown;
    try {
      logged = text ? JSON.parse(text) : undefined;
    } catch {
      logged = text;
    }
    const call: SimCall = {
      action: '',
      method: req.method ?? 'GET',
      path,
      query: {},
      body: logged,
      status: 0,
      at: now(),
    };
    calls.push(call);
    const response = handleApi(req, path, rawQuery, body, call);
    call.status = response.status;
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (response.delayMs) await sleep(response.delayMs);
    if (response.reset) return void res.socket?.destroy();
    send(res, response);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      send(res, json(500, { Code: 'InternalError', Message: `simulator bug: ${(e as Error).message}` }));
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  const { port } = server.address() as AddressInfo;

  const ticker = opts.autoStepMs ? setInterval(() => model.step(), opts.autoStepMs) : null;
  ticker?.unref();

  const sim: MmsSimulator = {
    url: `http://127.0.0.1:${port}`,
    credentials,
    step: (n = 1) => model.step(n),
    runUntilIdle: (maxSteps) => model.runUntilIdle(maxSteps),
    failTask: (match, failure) => model.failTask(match, failure),
    injectErrors: (spec) => faults.inject(spec),
    setLatency: (ms) => {
      faults.latencyMs = ms;
    },
    calls,
    resetCalls: () => {
      calls.length = 0;
    },
    addSource: (spec) => model.addSource(spec),
    addBulkSource: (name, tableCount) => model.addBulkSource(name, tableCount),
    model,
    close: async () => {
      if (ticker) clearInterval(ticker);
      for (const s of sleepers) {
        clearTimeout(s.timer);
        s.done();
      }
      sleepers.clear();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
  return sim;
}
