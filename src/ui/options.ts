// A job's or timer's options (MMS's `config`) in the words of the migrate form and its card: `Schema
// migration: on`, never `enableSchemaMigration: true`.
import { parseJson } from '../json.js';
import { esc, truncate } from './escape.js';
import { exactCount, valueText } from './format.js';

const OPTION_WORDS: Record<string, string> = {
  srcDbName: 'Database',
  tables: 'Tables',
  tableWhiteList: 'Only these tables',
  tableBlackList: 'All tables except',
  partitionFilters: 'Partition filter',
  enableSchemaMigration: 'Schema migration',
  enableDataMigration: 'Data migration',
  enableVerification: 'Verification (row counts)',
  increment: 'Incremental',
  schemaOnly: 'Schema only',
  others: 'Other settings',
};

/** A key the form does not name: `enableFooBar` → `Enable foo bar`. */
const words = (key: string) => {
  const w = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return w.charAt(0).toUpperCase() + w.slice(1);
};

/** Lists are cut at about 220 characters (a line holds 300) and say how many there are in all. */
function listText(v: unknown[]): string {
  const items = v.map((x) => valueText(x));
  const shown: string[] = [];
  let len = 0;
  for (const it of items) {
    if (len + it.length > 220) break;
    shown.push(it);
    len += it.length + 2;
  }
  const more = items.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? `, … (+${exactCount(more)} more, ${exactCount(items.length)} in total)` : ''}`;
}

/** `partitionFilters` is per table: `orders: ds >= '…'`, and one filter for all reads as just the filter. */
function optionValue(key: string, v: unknown): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (Array.isArray(v)) return listText(v);
  if (key === 'partitionFilters' && v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    const filters = new Set(entries.map(([, f]) => valueText(f)));
    if (filters.size === 1) return `${[...filters][0]} (on ${entries.map(([t]) => t).join(', ')})`;
    return entries.map(([t, f]) => `${t}: ${valueText(f)}`).join('; ');
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    const text = entries.map(([k, x]) => `${k}: ${valueText(x)}`).join('; ');
    return truncate(text, 400) + (text.length > 400 ? ` (${exactCount(entries.length)} entries)` : '');
  }
  return valueText(v);
}

/** A config (an object, or a JSON string) as `*label:* value` mrkdwn lines in words; null when empty. */
export function optionsText(config: unknown): string | null {
  let c = config;
  if (typeof config === 'string') {
    c = parseJson(config);
    if (c === undefined) return config.trim() ? esc(truncate(config, 2000)) : null;
  }
  if (c === null || c === undefined) return null;
  if (typeof c !== 'object' || Array.isArray(c)) return esc(truncate(valueText(c), 2000));
  const lines = Object.entries(c as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .slice(0, 40)
    .map(
      ([k, v]) =>
        `*${esc(OPTION_WORDS[k] ?? words(k))}:* ${esc(truncate(optionValue(k, v).replace(/\s+/g, ' '), 300))}`,
    );
  return lines.length ? lines.join('\n') : null;
}
