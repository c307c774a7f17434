// A write whose answer never arrived, though MMS may have acted on it (a 5xx, a dropped connection, a
// timeout): it is never sent again (MMS writes are not idempotent, MMS.md §5); the object is re-read and
// the write reported as what happened. Throttling and 4xx are refusals: MMS did nothing, and they are
// reported as they are.
import { MmsError } from '../mms/errors.js';

export const answerLost = (e: unknown): e is MmsError =>
  e instanceof MmsError && (e.kind === 'server' || e.kind === 'network');

export type LostAnswerVerdict =
  | { happened: true; text: string }
  | { happened: false; text: string }
  /** The re-read failed too: nobody knows yet. */
  | { happened: null; text: string };

/**
 * Re-reads after a lost answer. `reread` returns the object, or null when it is gone (a not-found);
 * `happened` judges it; `now` says how it looks.
 */
export async function afterLostAnswer<T>(
  e: MmsError,
  o: {
    write: string;
    reread: () => Promise<T>;
    happened: (after: T | null) => boolean;
    now: (after: T | null) => string;
    /** How to look for oneself, e.g. "/mms job hive-prod 3". */
    check: string;
  },
): Promise<LostAnswerVerdict> {
  const lost = `MMS's answer to the ${o.write} was lost (MMS error (${e.kind}${e.code ? `, ${e.code}` : ''}): ${e.message}${e.requestId ? ` [request ${e.requestId}]` : ''})`;
  let after: T | null;
  try {
    after = await o.reread();
  } catch (r) {
    if (!(r instanceof MmsError && r.kind === 'not-found')) {
      const why = r instanceof Error ? r.message : String(r);
      return {
        happened: null,
        text: `${lost}, and re-reading failed too (${why}): the ${o.write} may or may not have happened. Check with \`${o.check}\` before asking again.`,
      };
    }
    after = null;
  }
  if (o.happened(after)) return { happened: true, text: `${lost}; re-read: ${o.now(after)}.` };
  return {
    happened: false,
    text: `${lost}, and re-reading shows it did not happen: ${o.now(after)}. It was not sent again; ask again if it should run.`,
  };
}
