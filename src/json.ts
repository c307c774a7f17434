// One tolerant JSON.parse for text that may not be JSON (stored rows, Slack metadata, MMS string fields).

/** The parsed value, or `undefined` when there is no text or it is not JSON. */
export function parseJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
