// Shared formatting helpers: status emoji, human numbers, durations, progress bars, times.
import { parseMmsTime } from '../mms/schemas.js';
import { esc, slackDate } from './escape.js';

/** Emoji for job, task, table, partition, scan, async-task and data-source statuses (MMS.md §4). */
export function statusEmoji(status: string | null | undefined): string {
  const s = (status ?? '').toUpperCase();
  if (s === '') return '❔';
  if (s.endsWith('FAILED') || s === 'ERROR') return '❌';
  if (s === 'PART_DONE') return '🟡';
  if (s === 'DONE' || s === 'SCAN_DONE' || s === 'STARTED' || s === 'SUCCESS' || s === 'SUCCEEDED')
    return '✅';
  if (s.endsWith('_DONE')) return '☑️';
  if (s.endsWith('DOING') || s === 'RUNNING') return '🔄';
  if (s === 'INIT' || s === 'PENDING' || s === 'WAITING') return '⚪';
  if (s === 'STOPPED' || s === 'PAUSED') return '⏸️';
  return '❔';
}

/** `✅ DONE`: emoji and the status, escaped. */
export function statusText(status: string | null | undefined): string {
  return `${statusEmoji(status)} ${status ? esc(status) : 'unknown'}`;
}

const isNum = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

/** 1536 → `1.5 KB` (binary units); null → `—`. */
export function humanBytes(n: number | null | undefined): string {
  if (!isNum(n)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  const s = i === 0 ? String(Math.round(v)) : v < 10 ? v.toFixed(1) : String(Math.round(v));
  return `${n < 0 ? '-' : ''}${s} ${units[i]}`;
}

/** 1234 → `1.2k`, 1203331 → `1.2M`; null → `—`. */
export function humanCount(n: number | null | undefined): string {
  if (!isNum(n)) return '—';
  const a = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  const fmt = (v: number, unit: string) =>
    `${sign}${v < 10 ? v.toFixed(1).replace(/\.0$/, '') : Math.round(v)}${unit}`;
  if (a < 1000) return `${sign}${Math.round(a)}`;
  if (a < 1e6) return fmt(a / 1e3, 'k');
  if (a < 1e9) return fmt(a / 1e6, 'M');
  if (a < 1e12) return fmt(a / 1e9, 'B');
  return fmt(a / 1e12, 'T');
}

/** Exact count with thousands separators: 1203331 → `1,203,331`. */
export function exactCount(n: number | null | undefined): string {
  return isNum(n) ? n.toLocaleString('en-US') : '—';
}

/** 45_000 → `45s`, 200_000 → `3m 20s`, 7_500_000 → `2h 05m`, 3 days → `3d 4h`. */
export function humanDuration(ms: number | null | undefined): string {
  if (!isNum(ms) || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** `█████▌░░░░` for done/total; an empty bar when total is unknown or 0. */
export function progressBar(
  done: number | null | undefined,
  total: number | null | undefined,
  width = 10,
): string {
  const w = Math.max(1, Math.floor(width));
  if (!isNum(done) || !isNum(total) || total <= 0) return '░'.repeat(w);
  const ratio = Math.min(1, Math.max(0, done / total));
  const eighths = Math.round(ratio * w * 8);
  const full = Math.floor(eighths / 8);
  const part = PARTIAL[eighths % 8] ?? '';
  const rest = w - full - (part ? 1 : 0);
  return '█'.repeat(full) + part + '░'.repeat(Math.max(0, rest));
}

/** `50%` (floored, so 99.9% never reads 100%). */
export function percent(done: number | null | undefined, total: number | null | undefined): string {
  if (!isNum(done) || !isNum(total) || total <= 0) return '—';
  return `${Math.floor((Math.min(done, total) / total) * 100)}%`;
}

/**
 * The zone MMS writes its naive `YYYY-MM-DD HH:mm:ss` times in: the region's own (MMS.md §2.1 regions).
 * Unknown regions read as China Standard Time, MMS's home zone.
 */
const REGION_ZONES: Record<string, string> = {
  'cn-hangzhou': 'Asia/Shanghai',
  'cn-shanghai': 'Asia/Shanghai',
  'cn-beijing': 'Asia/Shanghai',
  'cn-zhangjiakou': 'Asia/Shanghai',
  'cn-wulanchabu': 'Asia/Shanghai',
  'cn-shenzhen': 'Asia/Shanghai',
  'cn-chengdu': 'Asia/Shanghai',
  'cn-hongkong': 'Asia/Hong_Kong',
  'ap-southeast-1': 'Asia/Singapore',
  'ap-southeast-5': 'Asia/Jakarta',
  'ap-northeast-1': 'Asia/Tokyo',
  'us-east-1': 'America/New_York',
  'eu-central-1': 'Europe/Berlin',
};

/** The IANA zone of a region (its MMS times and its timers' schedules). */
export function regionZone(region: string | undefined): string {
  return (region && REGION_ZONES[region]) || 'Asia/Shanghai';
}

/** Minutes east of UTC of `zone` at the instant `at`. */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one costs far more than using it (logs have thousands of times). */
function formatter(zone: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    FORMATTERS.set(zone, f);
  }
  return f;
}

function offsetMinutes(zone: string, at: Date): number {
  const parts = formatter(zone).formatToParts(at);
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000);
}

/** `UTC+08:00`: a zone's offset at an instant, for schedules that must say their zone. */
export function utcOffset(zone: string, at: Date): string {
  const m = offsetMinutes(zone, at);
  const a = Math.abs(m);
  return `UTC${m < 0 ? '−' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/**
 * An MMS time as an instant: naive `YYYY-MM-DD HH:mm:ss` read in the region's zone (when a region is
 * given), epoch seconds or ms, or ISO-8601 with its own zone.
 */
export function mmsInstant(t: string | number | null | undefined, region?: string): Date | null {
  if (t === null || t === undefined || t === '') return null;
  const naive = typeof t === 'string' ? /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(t) : null;
  if (naive && region) {
    const [y, mo, d, h, mi, s] = naive.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const wall = Date.UTC(y, mo - 1, d, h, mi, s);
    const zone = regionZone(region);
    // The offset at the wall time, corrected once for a DST change between the guess and the instant.
    let at = wall - offsetMinutes(zone, new Date(wall)) * 60000;
    at = wall - offsetMinutes(zone, new Date(at)) * 60000;
    return new Date(at);
  }
  const d = parseMmsTime(t);
  return d && !Number.isNaN(d.getTime()) ? d : null;
}

/**
 * Every time a person reads: a Slack date token (each reader sees their own zone) with a UTC fallback.
 * Takes a Date, epoch ms, or an MMS time (naive ones read in `region`'s zone); `—` when absent, and an
 * unreadable string as given (escaped). `format` is Slack's (`{date_short_pretty} {time}` by default).
 */
export function when(
  t: Date | string | number | null | undefined,
  region?: string,
  format = '{date_short_pretty} {time}',
): string {
  if (t === null || t === undefined || t === '') return '—';
  const d = t instanceof Date ? t : mmsInstant(t, region);
  if (!d || Number.isNaN(d.getTime())) return esc(String(t));
  return slackDate(d, format);
}

/**
 * An MMS time as mrkdwn: a Slack date token (shown in the reader's zone) when it parses, else the MMS
 * string as given (escaped); `—` when absent. Naive times are read in `region`'s zone when given.
 */
export function timeText(t: string | number | null | undefined, region?: string): string {
  return when(t, region);
}

/**
 * An MMS time as plain text for code blocks (which cannot hold a Slack date): UTC, marked as such.
 * Naive times are read in `region`'s zone when given, else shown as MMS wrote them.
 */
export function timePlain(t: string | number | null | undefined, region?: string): string {
  if (t === null || t === undefined || t === '') return '';
  if (typeof t === 'string' && !/^\d+$/.test(t) && !region) return t;
  const d = mmsInstant(t, region);
  return d && !Number.isNaN(d.getTime())
    ? d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : String(t);
}

/** Milliseconds between two MMS times, or null. */
export function durationBetween(
  start: string | number | null | undefined,
  end: string | number | null | undefined,
): number | null {
  const a = parseMmsTime(start ?? null);
  const b = parseMmsTime(end ?? null);
  if (!a || !b) return null;
  const ms = b.getTime() - a.getTime();
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** `yes` / `no` / `—`. */
export function yesNo(v: boolean | null | undefined): string {
  return v === true ? 'yes' : v === false ? 'no' : '—';
}

/** Any config value as one line of plain text (objects as JSON). */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
