// MMS lives in UTC+8 (Beijing time): `YYYY-MM-DD HH:mm:ss` strings carry no zone and mean UTC+8.
const UTC8_MS = 8 * 3600_000;

export const MINUTE = 60_000;
export const HOUR = 3600_000;
export const DAY = 86_400_000;

/** `YYYY-MM-DD HH:mm:ss` in UTC+8, the usual MMS time format. */
export function formatTime(ms: number): string {
  return new Date(ms + UTC8_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export function formatTimeOrNull(ms: number | null): string | null {
  return ms === null ? null : formatTime(ms);
}

/** ISO-8601 with an explicit +08:00 offset (timer logs use it: MMS.md allows ISO for timers). */
export function formatIso(ms: number): string {
  return new Date(ms + UTC8_MS).toISOString().slice(0, 19) + '+08:00';
}

/** `YYYYMMDDHHmmss` in UTC+8, for generated names and instance ids. */
export function compactTime(ms: number): string {
  return formatTime(ms).replace(/[- :]/g, '');
}

/** A query time: `YYYY-MM-DD HH:mm:ss` (UTC+8), `YYYY-MM-DD`, or epoch-ms digits. */
export function parseTimeParam(s: string): number | null {
  if (/^\d{10,13}$/.test(s)) return s.length === 10 ? Number(s) * 1000 : Number(s);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?$/.exec(s);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}+08:00`);
  return Number.isNaN(ms) ? null : ms;
}
