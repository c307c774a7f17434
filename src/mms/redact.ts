// The one place that knows what a secret looks like (MMS.md §6.3). Every MMS response passes through
// `redact` at the client boundary; the logger, error messages and the diagnosis' quoted lines use it too.

export const MASK = '********';

/** Key names whose values are secrets. `.` is a wildcard on purpose: access_id, access-key, access.key. */
const SECRET_KEY =
  /password|passwd|pwd|secret|token|credential|private.?key|authorization|access.id|access.key|accesskeyid|accesskeysecret/i;
/** AccessKey ids: LTAI followed by 12+ alphanumerics, anywhere in free text. */
const ACCESS_KEY_ID = /LTAI[0-9A-Za-z]{12,}/g;
/** A whole string value that starts with LTAI is masked outright (vendor rule). */
const STARTS_WITH_LTAI = /^\s*LTAI/;

/**
 * Cheap pre-check: free text with none of these fragments holds no secret this module can recognise, so
 * most strings (names, statuses, numbers) skip the patterns below entirely.
 */
const MAYBE_SECRET =
  /pass|pwd|secret|token|cred|key|auth|sig|LTAI|BEGIN|bearer|basic|AIza|eyJ|:\/\/[^/\s]*@|'[^'\s]{24,}'/i;

/**
 * Words naming a secret, as the last part of a key (`hive.jdbc.password`, `access_token`, `AccessKeySecret`,
 * `bigquery.credentials`), never followed by more of a name (`token_uri`, `password_policy` are not secrets).
 */
const SECRET_WORD =
  '(?:password|passwd|pwd|secret|token|credentials?|private[._-]?key(?:[._-]?id)?|access[._-]?key(?:[._-]?(?:id|secret))?|accesskeysecret|api[._-]?key|auth[._-]?info|signature|sig)(?![A-Za-z0-9_])';
/** A quote, possibly escaped at any depth of JSON-in-string: `"`, `\"`, `\\\"`, `'`. */
const Q = String.raw`(?:\\*["'])`;
/** A quoted value runs to the next quote or backslash (the start of an escaped quote). */
const QUOTED_VALUE = String.raw`[^"'\\\r\n]+`;
/** An unquoted value runs to whitespace, a quote or a delimiter of the surrounding text. */
const BARE_VALUE = String.raw`[^\s"'\\,;&}\])]+`;

/** `password=…`, `"secret": "…"`, `{\"hive.jdbc.password\":\"…\"}`, `?access_token=…`. */
const KEY_VALUE = new RegExp(
  String.raw`(${SECRET_WORD})(${Q}?\s*[:=]\s*)(?:(${Q})(${QUOTED_VALUE})|(${BARE_VALUE}))`,
  'gi',
);
/** `secret <value>`, `password "…"`: only a value that looks like a secret (see `looksSecret`). */
const KEY_SPACE_VALUE = new RegExp(
  String.raw`(\b(?:password|passwd|pwd|secret|token|credential|accesskeysecret|access[._-]?key[._-]?secret)${Q}?\s+)(${Q}?)([^\s"'\\,;]{6,})`,
  'gi',
);
/** Ordinary words that follow a secret word in prose ("token expired", "password authentication"). */
const PROSE = new Set(
  (
    'is was are were has have had expired invalid missing required incorrect wrong empty found not the for ' +
    'and with from must should will cannot could does authentication authorization verification mismatch ' +
    'provided given supplied rejected denied failed failure error exception refresh renewal lifetime length yes no ' +
    'policy file path value field type format request response header parameter configured present user ' +
    'username account principal'
  ).split(' '),
);

/** Whether a word after a secret word (with only whitespace between) is a secret rather than prose. */
function looksSecret(value: string): boolean {
  if (value === MASK || PROSE.has(value.toLowerCase())) return false;
  // `_` and `-` are left out: SQL identifiers ("invalid token 'select_list'") carry them.
  if (/\d/.test(value) || /[+/=$!@#%^*]/.test(value)) return true;
  if (/[A-Z]/.test(value.slice(1)) && /[a-z]/.test(value)) return true;
  return value.length >= 20;
}

/** HTTP credentials: `Authorization: Bearer …`, `Authorization: ODPS LTAI…:sig`, security-token headers. */
const AUTH_HEADER = new RegExp(
  String.raw`((?:proxy-)?authorization|x-(?:odps|acs)-security-token|x-goog-api-key)(${Q}?\s*[:=]\s*${Q}?)(?:(Bearer|Basic|Digest|ODPS|acs|Token|OAuth)\s+)?([^\s"'\\,;]+)`,
  'gi',
);
/** Bearer and Basic credentials anywhere in free text. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+(?!\*{8})[A-Za-z0-9._~+/=-]{8,}/gi;
/** A password in a URL's user info: `jdbc:mysql://etl:S3cret@host`, `https://user:pw@host`. */
const URL_USERINFO = /(\b[a-z][\w+.-]*:\/\/[^/\s:@'"]+:)([^@\s/'"]+)@/gi;
/** A PEM private key (a service-account JSON pasted into an error or a log line), up to its end marker. */
const PEM_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
/** Google API keys. */
const GOOGLE_API_KEY = /AIza[0-9A-Za-z_-]{35}/g;
/** A JSON Web Token anywhere: three base64url parts, the first starting `eyJ`. */
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

/**
 * SQL string arguments that carry a credential. MMA's UDTF, and MMS's agent after it, pass the target's
 * credentials to the source as literals: `odps_data_dump_multi('BearerToken', '<token>', …)`. The literal
 * after an auth-type literal is masked, and so is any long literal shaped like a key or token.
 */
const AUTH_TYPE_ARG =
  /('(?:BearerToken|Bearer|Token|AK|AccessKey|Password|STS|SecurityToken)'\s*,\s*')([^'\r\n]+)(')/gi;
const SQL_LITERAL = /'([A-Za-z0-9+/=_.-]{24,})'/g;

/** Whether a quoted literal looks like a key or token rather than a name, a date or a path. */
function tokenLike(v: string): boolean {
  if (v.startsWith('eyJ')) return true;
  const digits = /\d/.test(v);
  if (/^[0-9a-f]{32,}$/i.test(v) && digits) return true;
  if (/[+/]/.test(v) && digits && /[A-Z]/.test(v) && /[a-z]/.test(v)) return true;
  return digits && /[A-Z]/.test(v) && /[a-z]/.test(v) && v.length >= 32 && !/_[a-z]+_/.test(v);
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * Masks secrets found in free text: AccessKey ids, a secret word followed by `=`, `:`, whitespace or quotes
 * (at any depth of JSON-in-string), credentials in URLs, JDBC URLs, Authorization headers and SQL string
 * arguments, PEM keys and JWTs.
 */
export function redactText(text: string): string {
  if (typeof text !== 'string' || text === '') return text;
  if (STARTS_WITH_LTAI.test(text)) return MASK;
  const nested = redactJsonString(text);
  if (nested !== null) return nested;
  let out = text.replace(ACCESS_KEY_ID, MASK);
  if (!MAYBE_SECRET.test(out)) return out;
  out = out
    .replace(PEM_KEY, MASK)
    .replace(AUTH_HEADER, (_m, k: string, sep: string, scheme: string | undefined) =>
      scheme ? `${k}${sep}${scheme} ${MASK}` : `${k}${sep}${MASK}`,
    )
    .replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${MASK}`)
    .replace(URL_USERINFO, (_m, head: string) => `${head}${MASK}@`)
    .replace(AUTH_TYPE_ARG, (_m, head: string, _v: string, tail: string) => `${head}${MASK}${tail}`)
    .replace(SQL_LITERAL, (m, v: string) => (tokenLike(v) ? `'${MASK}'` : m))
    .replace(
      KEY_VALUE,
      (m, k: string, sep: string, q: string | undefined, _quoted, bare: string | undefined) =>
        // "Invalid credentials: user etl": after `: ` an ordinary word is prose, not a value.
        bare !== undefined && /:\s/.test(sep) && PROSE.has(bare.toLowerCase())
          ? m
          : `${k}${sep}${q ?? ''}${MASK}`,
    )
    .replace(KEY_SPACE_VALUE, (m, head: string, q: string, v: string) =>
      looksSecret(v) ? `${head}${q}${MASK}` : m,
    )
    .replace(GOOGLE_API_KEY, MASK)
    .replace(JWT, MASK);
  return out;
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
 * entries whose `key`/`name` is secret-looking (their `value` and `subItems`), secrets in any string
 * (`redactText`), and JSON hidden inside strings. Never mutates its input.
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
