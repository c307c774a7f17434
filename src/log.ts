// pino with secrets masked twice over: known secret paths are censored, and every logged object and
// error passes through the MMS redaction rules (LTAI ids, secret-looking keys, JSON hidden in strings).
import pino, { type Logger } from 'pino';
import { MASK, redact, redactText } from './mms/redact.js';

export type { Logger };

const SECRET_PATHS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'accessKeySecret',
  'securityToken',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'headers["x-acs-security-token"]',
  '*.token',
  '*.password',
  '*.secret',
  '*.accessKeySecret',
];

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'mms-chatops' },
      redact: { paths: SECRET_PATHS, censor: MASK },
      serializers: {
        // The serialized error has a non-plain prototype; copy it plain so redaction walks into it.
        err: (e: unknown) => redact(JSON.parse(JSON.stringify(pino.stdSerializers.err(e as Error)))),
      },
      hooks: {
        // Free-text messages can carry secrets too (an MMS error echoing a key).
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? redactText(a) : a));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
      formatters: {
        log: (obj) => redact(obj),
      },
    },
    destination,
  );
}
