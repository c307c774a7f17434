// MMS errors, classified (MMS.md §2.3): by code prefix, then message text, then HTTP status.
import { redactText } from './redact.js';
import { absentString } from './schemas.js';

export type MmsErrorKind =
  | 'permission'
  | 'credentials'
  | 'not-found'
  | 'throttled'
  | 'invalid'
  | 'server'
  | 'network';

export class MmsError extends Error {
  override readonly name = 'MmsError';
  constructor(
    readonly kind: MmsErrorKind,
    message: string,
    readonly details: {
      action: string;
      code?: string;
      httpStatus?: number;
      requestId?: string;
      recommend?: string;
    },
  ) {
    super(redactText(message));
  }
  get code(): string | undefined {
    return this.details.code;
  }
  get requestId(): string | undefined {
    return this.details.requestId;
  }
  /** Throttling, 5xx and network faults may pass; the rest will fail the same way again. */
  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'server' || this.kind === 'network';
  }
}

const CODE_RULES: Array<[RegExp, MmsErrorKind]> = [
  [/^throttling/i, 'throttled'],
  [
    /^(InvalidAccessKeyId|SignatureDoesNotMatch|InvalidSecurityToken|IncompleteSignature|RequestTimeTooSkewed)/i,
    'credentials',
  ],
  [/^(Forbidden|NoPermission|AccessDenied|NotAuthorized|Unauthorized)/i, 'permission'],
  [/(\.NotFound$|NotExist|^NotFound)/i, 'not-found'],
  [/^(InvalidParameter|MissingParameter|IllegalArgument|InvalidVersion|InvalidAction|Invalid)/i, 'invalid'],
  [/^(InternalError|ServiceUnavailable|Internal|UnknownError)/i, 'server'],
];

const MESSAGE_RULES: Array<[RegExp, MmsErrorKind]> = [
  [/throttl|too many requests|rate limit/i, 'throttled'],
  [
    /servicelinkedrole not found|access denied|forbidden|no permission|not authorized|unauthorized/i,
    'permission',
  ],
  [/not found|does not exist|not exist/i, 'not-found'],
  [/invalid|illegal|missing|required/i, 'invalid'],
];

function byStatus(status: number | undefined): MmsErrorKind | undefined {
  if (status === undefined) return undefined;
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'permission';
  if (status === 404) return 'not-found';
  if (status >= 500) return 'server';
  if (status >= 400) return 'invalid';
  return undefined;
}

export function classify(
  code: string | undefined,
  message: string,
  status: number | undefined,
): MmsErrorKind {
  if (code) for (const [re, kind] of CODE_RULES) if (re.test(code)) return kind;
  // 503 with a Throttling message is throttling, not a server fault; other 5xx are server faults
  // whatever their text says.
  if (MESSAGE_RULES[0]![0].test(message)) return 'throttled';
  if (status !== undefined && status >= 500) return 'server';
  for (const [re, kind] of MESSAGE_RULES) if (re.test(message)) return kind;
  return byStatus(status) ?? 'server';
}

/** The first of `keys` that holds a value; "null", "" and whitespace are how MMS writes none. */
const pick = (o: Record<string, unknown>, ...keys: string[]): string | undefined => {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'string' && !absentString(v)) return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
};

/** Builds an MmsError from an error body of either shape (gateway `Code/Message` or backend `errorCode/errorMsg`). */
export function fromErrorBody(action: string, status: number | undefined, body: unknown): MmsError {
  const o = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const code = pick(o, 'Code', 'code', 'errorCode');
  const message =
    pick(o, 'Message', 'message', 'errorMsg') ??
    (typeof body === 'string' && body ? body.slice(0, 300) : `HTTP ${status ?? '?'}`);
  const httpCode = Number(pick(o, 'httpCode')) || status;
  return new MmsError(classify(code, message, httpCode), `${action}: ${message}`, {
    action,
    code,
    httpStatus: httpCode,
    requestId: pick(o, 'RequestId', 'requestId'),
    recommend: pick(o, 'Recommend'),
  });
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

/** Anything pop-core or the socket threw, turned into an MmsError. */
export function fromThrown(action: string, err: unknown): MmsError {
  if (err instanceof MmsError) return err;
  const e = (err ?? {}) as {
    code?: unknown;
    statusCode?: unknown;
    result?: unknown;
    message?: unknown;
    name?: unknown;
  };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (typeof e.statusCode === 'number') return fromErrorBody(action, e.statusCode, e.result ?? { message });
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (
    (code && NETWORK_CODES.has(code)) ||
    /timeout|socket hang up|ECONN|network/i.test(`${e.name} ${message}`)
  ) {
    return new MmsError('network', `${action}: cannot reach MMS (${code ?? message})`, { action, code });
  }
  if (e.name === 'FormatError')
    return new MmsError('server', `${action}: MMS sent a malformed response`, { action });
  // pop-core's ACSError (XML errors) carries only code and message.
  if (code)
    return new MmsError(classify(code, message, undefined), `${action}: ${message}`, { action, code });
  return new MmsError('server', `${action}: ${message}`, { action });
}
