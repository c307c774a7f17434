// Faults a test can ask for: the next N matching calls answer with an error of its choosing (throttling,
// 5xx, an HTML 502 from a load balancer, an XML error), and a fixed latency before every response.
import { errorBody, SimError } from './errors.js';

export interface ErrorInjection {
  /** How many matching calls fail. */
  count: number;
  status: number;
  code?: string;
  message?: string;
  /** Default application/json; text/html gets a load-balancer error page, text/xml an XML error. */
  contentType?: string;
  /** A literal body, sent as is. */
  body?: string;
  /** Only these actions (default: any). */
  actions?: string[];
  /** Run the action first, then fail: an ambiguous failure (the write happened, the caller saw an error). */
  afterEffect?: boolean;
  /** Instead of answering, drop the connection (a reset); with `afterEffect`, after the action ran. */
  reset?: boolean;
  /**
   * Hold the answer this long; with `afterEffect` and status 200 the answer is the action's own success,
   * late (an answer after the caller gave up).
   */
  delayMs?: number;
}

const DEFAULTS: Record<number, [string, string]> = {
  400: ['InvalidParameter', 'The specified parameter is not valid.'],
  403: ['Forbidden.RAM', 'User not authorized to operate on the specified resource.'],
  404: ['NotFound', 'The specified resource is not found.'],
  429: ['Throttling.User', 'Request was denied due to user flow control.'],
  500: [
    'InternalError',
    'The request processing has failed due to some unknown error, exception or failure.',
  ],
  502: ['BadGateway', 'Bad gateway.'],
  503: ['ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'],
  504: ['GatewayTimeout', 'The request timed out at the gateway.'],
};

export interface RawResponse {
  status: number;
  contentType: string;
  body: string;
  /** Drop the connection instead of answering. */
  reset?: boolean;
  /** Answer after this long. */
  delayMs?: number;
}

export class Faults {
  private readonly queue: Array<ErrorInjection & { left: number }> = [];
  latencyMs = 0;

  inject(spec: ErrorInjection): void {
    if (spec.count > 0) this.queue.push({ ...spec, left: spec.count });
  }

  /** The injection that claims this call, if any (first queued, matching, not used up). */
  take(action: string): ErrorInjection | null {
    const hit = this.queue.find((s) => s.left > 0 && (!s.actions?.length || s.actions.includes(action)));
    if (!hit) return null;
    hit.left--;
    if (hit.left === 0) this.queue.splice(this.queue.indexOf(hit), 1);
    return hit;
  }

  pending(): number {
    return this.queue.reduce((n, s) => n + s.left, 0);
  }

  clear(): void {
    this.queue.length = 0;
  }
}

export function injectedResponse(spec: ErrorInjection, requestId: string, hostId: string): RawResponse {
  const r = errorResponse(spec, requestId, hostId);
  return { ...r, ...(spec.reset ? { reset: true } : {}), ...(spec.delayMs ? { delayMs: spec.delayMs } : {}) };
}

function errorResponse(spec: ErrorInjection, requestId: string, hostId: string): RawResponse {
  const [defCode, defMessage] =
    DEFAULTS[spec.status] ?? (spec.status >= 500 ? DEFAULTS[500]! : DEFAULTS[400]!);
  const code = spec.code ?? defCode;
  const message = spec.message ?? defMessage;
  const contentType = spec.contentType ?? (spec.body !== undefined ? 'text/plain' : 'application/json');
  if (spec.body !== undefined) return { status: spec.status, contentType, body: spec.body };
  if (contentType.startsWith('text/html')) {
    const title = `${spec.status} ${code}`;
    return {
      status: spec.status,
      contentType,
      body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n`,
    };
  }
  if (contentType.startsWith('text/xml')) {
    return {
      status: spec.status,
      contentType,
      body:
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><RequestId>' +
        requestId +
        '</RequestId><HostId>' +
        hostId +
        '</HostId><Code>' +
        code +
        '</Code><Message>' +
        message +
        '</Message></Error>',
    };
  }
  const err = new SimError(spec.status, code, message, 'gateway');
  return { status: spec.status, contentType, body: JSON.stringify(errorBody(err, requestId, hostId)) };
}
