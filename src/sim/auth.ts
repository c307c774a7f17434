// Gateway checks in the order a request meets them: API version, credentials, clock, replay, body
// integrity, signature. All failures use the gateway error shape.
import type { IncomingHttpHeaders } from 'node:http';
import { gatewayError } from './errors.js';
import { contentMd5, headerValue, safeEqual, sign, stringToSign } from './signature.js';
import { MINUTE } from './time.js';

export const API_VERSION = '2022-01-04';
const MAX_SKEW_MS = 15 * MINUTE;

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface SignedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  query: Record<string, string>;
  body: Buffer;
}

/** Remembers signature nonces for the skew window, so a replayed request is refused. */
export class NonceCache {
  /** Insertion order is time order, so expired nonces are always at the front. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly max = 100_000) {}

  use(nonce: string, now: number): boolean {
    for (const [n, at] of this.seen) {
      if (now - at <= MAX_SKEW_MS && this.seen.size < this.max) break;
      this.seen.delete(n);
    }
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, now);
    return true;
  }
}

export function verifyRequest(req: SignedRequest, creds: Credentials, now: number, nonces: NonceCache): void {
  const h = (name: string) => headerValue(req.headers, name);

  const version = h('x-acs-version');
  if (!version)
    throw gatewayError(400, 'MissingParameter.Version', 'The input parameter "x-acs-version" is not set.');
  if (version !== API_VERSION) {
    throw gatewayError(400, 'InvalidVersion', `Specified parameter Version "${version}" is not valid.`);
  }

  const auth = /^acs ([^:\s]+):(\S+)$/.exec(h('authorization') ?? '');
  if (!auth) {
    throw gatewayError(
      400,
      'IncompleteSignature',
      'The request signature does not conform to Aliyun standards.',
    );
  }
  const [, keyId = '', signature = ''] = auth;
  if (keyId !== creds.accessKeyId) {
    throw gatewayError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  }
  if (creds.securityToken !== undefined) {
    const token = h('x-acs-security-token');
    if (!token) throw gatewayError(400, 'InvalidSecurityToken.Missing', 'The security token is missing.');
    if (token !== creds.securityToken || h('x-acs-accesskey-id') !== keyId) {
      throw gatewayError(400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.');
    }
  }

  const method = h('x-acs-signature-method');
  if (method !== undefined && method !== 'HMAC-SHA1') {
    throw gatewayError(
      400,
      'InvalidSignatureMethod',
      `Specified signature method "${method}" is not supported.`,
    );
  }

  const date = Date.parse(h('date') ?? '');
  if (Number.isNaN(date))
    throw gatewayError(400, 'MissingParameter.Date', 'The "date" header is missing or invalid.');
  if (Math.abs(date - now) > MAX_SKEW_MS) {
    throw gatewayError(
      400,
      'RequestTimeTooSkewed',
      `Specified time stamp or date value is expired: ${h('date')} is more than 15 minutes from the server time.`,
    );
  }

  const nonce = h('x-acs-signature-nonce');
  if (!nonce)
    throw gatewayError(
      400,
      'MissingParameter.SignatureNonce',
      'The "x-acs-signature-nonce" header is not set.',
    );

  const md5 = h('content-md5');
  if (md5 !== undefined && md5 !== contentMd5(req.body)) {
    throw gatewayError(
      400,
      'ContentMD5NotMatched',
      'The Content-MD5 you specified did not match what we received.',
    );
  }

  const expected = sign(creds.accessKeySecret, stringToSign(req.method, req.path, req.headers, req.query));
  if (!safeEqual(expected, signature)) {
    throw gatewayError(
      400,
      'SignatureDoesNotMatch',
      'Specified signature is not matched with our calculation. server string to sign is:' +
        stringToSign(req.method, req.path, req.headers, req.query).replace(/\n/g, '#'),
    );
  }
  // The nonce is spent only by a request that is otherwise valid, so a bad attempt cannot burn it.
  if (!nonces.use(nonce, now)) {
    throw gatewayError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  }
}
