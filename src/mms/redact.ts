// The one place that knows what a secret looks like (MMS.md §6.3). Every MMS response passes through
// `redact` at the client boundary; the logger and error messages use it too.

export const MASK = '********';

/** Key names whose values are secrets. `.` is a wildcard on purpose: access_id, access-key, access.key. */
const SECRET_KEY =
  /password|passwd|pwd|secret|token|credential|private.?key|authorization|access.id|access.key|accesskeyid|accesskeysecret/i;
/** AccessKey ids: LTAI followed by 12+ alphanumerics, anywhere in free text. */
const ACCESS_KEY_ID = /LTAI[0-9A-Za-z]{12,}/g;
/** A whole string value that starts with LTAI is masked outright (vendor rule). */
const STARTS_WITH_LTAI = /^\s*LTAI/;
/** STS tokens and bearer-like strings inside free text: `token=…`, `password: …`, `"secret":"…"`. */
const INLINE_SECRET =
  /((?:password|passwd|pwd|secret|token|private[._-]?key(?:[._-]?id)?|access[._-]?key(?:[._-]?(?:id|secret))?|accesskeysecret)["']?\s*[:=]\s*["']?)([^\s"',;&}]+)/gi;
/** HTTP credentials in free text: `Authorization: Bearer …`, `Basic …`. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
/** A PEM private key (a service-account JSON pasted into an error or a log line), up to its end marker. */
const PEM_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Masks secrets found in free text: AccessKey ids and `key=value` pairs with a secret-looking key. */
export function redactText(text: string): string {
  if (STARTS_WITH_LTAI.test(text)) return MASK;
  const nested = redactJsonString(text);
  if (nested !== null) return nested;
  return text
    .replace(PEM_KEY, MASK)
    .replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${MASK}`)
    .replace(ACCESS_KEY_ID, MASK)
    .replace(INLINE_SECRET, (_m, k: string) => `${k}${MASK}`);
}

/** Strings that hold a JSON object or array are parsed, redacted and serialised again. */
function redactJsonString(text: string): string | null {
  const t = text.trim();
  if (!((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']')))) return null;
  try {
    return JSON.stringify(redact(JSON.parse(t)));
  } catch {
    return null;
  }
}

/** Keys whose value names the entry in config-item lists `[{key, value}]` (MMS.md §6.3). */
const NAME_KEYS = ['key', 'name'] as const;

/**
 * Deep copy of `value` with every secret masked: values under secret-looking keys, ConfigItem-style
 * entries whose `key`/`name` is secret-looking (their `value` and `subItems`), LTAI ids in any string,
 * and JSON hidden inside strings. Never mutates its input.
 */
export function redact<T>(value: T): T {
  return redactAny(value, 0) as T;
}

function redactAny(value: unknown, depth: number): unknown {
  if (depth > 64) return MASK; // pathological nesting: refuse to show it rather than risk a leak
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactAny(v, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  if (!isPlainObject(value)) return value;
  const obj = value as Record<string, unknown>;
  const namedSecret = NAME_KEYS.some((k) => typeof obj[k] === 'string' && isSecretKey(obj[k] as string));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (isSecretKey(k) && v !== null && v !== undefined && v !== '') out[k] = maskValue(v);
    else if (
      namedSecret &&
      (k === 'value' || k === 'subItems' || k === 'defaultValue') &&
      v !== null &&
      v !== ''
    )
      out[k] = maskValue(v);
    else out[k] = redactAny(v, depth + 1);
  }
  return out;
}

function maskValue(v: unknown): unknown {
  // Keep the shape of containers so renderers do not break, but mask every leaf.
  if (Array.isArray(v)) return v.map(maskValue);
  if (v !== null && typeof v === 'object' && isPlainObject(v)) {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, maskValue(x)]),
    );
  }
  if (typeof v === 'boolean') return v;
  return MASK;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
