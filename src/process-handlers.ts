// Process-level safety net: a promise rejected with nobody listening, or an exception thrown outside any
// request (a timer, a socket callback), is logged and the bot keeps serving. Node's default would end the
// process, and one bad request would take every channel's commands and the watcher down with it. The
// process exits only when it cannot start, or on SIGTERM/SIGINT (main.ts).
import type { Logger } from './log.js';

export function keepServing(logger: Logger, proc: NodeJS.Process = process): void {
  proc.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'a promise was rejected and nothing handled it; still serving');
  });
  proc.on('uncaughtException', (err, origin) => {
    logger.error({ err, origin }, 'an exception escaped every handler; still serving');
  });
}
