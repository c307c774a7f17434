// Bolt's Logger interface over pino, so Bolt's own messages share our redaction and format.
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../log.js';

export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.INFO;
  const text = (msgs: unknown[]) =>
    msgs.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  // Bolt logs at debug level on every request: build the text only when the level is on, so the ack path
  // stringifies nothing that is then thrown away.
  return {
    debug: (...m: unknown[]) => child.isLevelEnabled('debug') && child.debug(text(m)),
    info: (...m: unknown[]) => child.isLevelEnabled('info') && child.info(text(m)),
    warn: (...m: unknown[]) => child.warn(text(m)),
    error: (...m: unknown[]) => child.error(text(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
