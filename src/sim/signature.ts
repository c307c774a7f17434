// The legacy ROA signature exactly as @alicloud/pop-core 1.8 (lib/roa.js) computes it, recomputed here
// from what arrived on the wire.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import querystring from 'node:querystring';

/** One string per header; pop-core replaces tabs/newlines with spaces and trims before signing. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(', ') : v;
}

const clean = (v: string): string => v.replace(/[\t\n\r\f]/g, ' ').trim();

/** Decoded query; a repeated key (pop-core sends arrays as k=a&k=b) is signed as `a,b`. */
export function parseQuery(raw: string): Record<string, string> {
  const parsed = querystring.parse(raw);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

export function stringToSign(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  query: Record<string, string>,
): string {
  const h = (name: string) => headerValue(headers, name) ?? '';
  let s = `${method}\n${h('accept')}\n${h('content-md5')}\n${h('content-type')}\n${h('date')}\n`;
  const acs = Object.keys(headers)
    .filter((k) => k.startsWith('x-acs-'))
    .sort();
  for (const k of acs) s += `${k}:${clean(h(k))}\n`;
  const keys = Object.keys(query).sort();
  if (keys.length === 0) return s + path;
  return `${s}${path}?${keys.map((k) => `${k}=${query[k]}`).join('&')}`;
}

export function sign(secret: string, toSign: string): string {
  return createHmac('sha1', secret).update(toSign, 'utf8').digest('base64');
}

export function contentMd5(body: Buffer): string {
  return createHash('md5').update(body).digest('base64');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
