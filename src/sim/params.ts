// Readers for query strings and JSON bodies that fail the way a strict backend would: 400
// InvalidParameter naming the field, rather than silently ignoring a value in the wrong shape.
import { invalid } from './errors.js';
import { parseTimeParam } from './time.js';

export interface Page {
  pageNum: number;
  pageSize: number;
}

export interface Sorter {
  field: string;
  desc: boolean;
}

const isInt = (s: string): boolean => /^\d+$/.test(s) && Number.isSafeInteger(Number(s));

/** A path id: digits only. */
export function pathId(name: string, raw: string): number {
  if (!isInt(raw)) throw invalid(`invalid ${name}: ${raw} is not an integer`);
  return Number(raw);
}

export class QueryParams {
  constructor(readonly raw: Record<string, string>) {}

  str(name: string): string | undefined {
    const v = this.raw[name];
    return v === undefined || v === '' ? undefined : v;
  }

  int(name: string): number | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (!isInt(v)) throw invalid(`invalid ${name}: ${v} is not an integer`);
    return Number(v);
  }

  /** `true`/`false` (ListMmsTimers `stopped`, `withConfig`, `hasPartitions`...). */
  bool(name: string): boolean | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') throw invalid(`invalid ${name}: ${v}, expected true or false`);
    return v === 'true';
  }

  /** `0`/`1` (ListMmsJobs `stopped`). */
  bit(name: string): boolean | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (v !== '0' && v !== '1') throw invalid(`invalid ${name}: ${v}, expected 0 or 1`);
    return v === '1';
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    const hit = values.find((x) => x === v);
    if (hit === undefined) throw invalid(`invalid ${name}: ${v}, expected one of ${values.join(', ')}`);
    return hit;
  }

  /** A JSON-array string such as `["DONE","FAILED"]` (ListMmsTables/Partitions `status`). */
  jsonArrayOf<T extends string>(name: string, values: readonly T[]): T[] | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed))
      throw invalid(`invalid ${name}: ${v}, expected a JSON array such as ["DONE"]`);
    return parsed.map((x) => {
      const hit = values.find((y) => y === x);
      if (hit === undefined)
        throw invalid(`invalid ${name}: ${String(x)}, expected one of ${values.join(', ')}`);
      return hit;
    });
  }

  time(name: string): number | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    const t = parseTimeParam(v);
    if (t === null) throw invalid(`invalid ${name}: ${v}, expected yyyy-MM-dd HH:mm:ss`);
    return t;
  }

  /** Dotted sorters: `sorter.numRows=desc`. */
  sorters(allowed: readonly string[]): Sorter[] {
    const out: Sorter[] = [];
    for (const [k, v] of Object.entries(this.raw)) {
      if (!k.startsWith('sorter.')) continue;
      const field = k.slice('sorter.'.length);
      if (!allowed.includes(field)) throw invalid(`invalid sorter field: ${field}`);
      out.push({ field, desc: direction(k, v) });
    }
    return out;
  }

  /** One JSON string: `sorter={"numRows":"desc"}` (ListMmsDbs). */
  sorterJson(allowed: readonly string[]): Sorter[] {
    const v = this.str('sorter');
    if (v === undefined) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalid(`invalid sorter: ${v}, expected a JSON object such as {"numRows":"desc"}`);
    }
    return Object.entries(parsed).map(([field, dir]) => {
      if (!allowed.includes(field)) throw invalid(`invalid sorter field: ${field}`);
      return { field, desc: direction('sorter', dir) };
    });
  }

  /** Paging; `null` when `all` is allowed and neither parameter was given. */
  page(opts: { allowAll?: boolean; maxPageSize?: number } = {}): Page | null {
    const pageNum = this.int('pageNum');
    const pageSize = this.int('pageSize');
    if (opts.allowAll && pageNum === undefined && pageSize === undefined) return null;
    if (pageNum !== undefined && pageNum < 1) throw invalid('invalid pageNum: must be >= 1');
    if (pageSize !== undefined && pageSize < 1) throw invalid('invalid pageSize: must be >= 1');
    const size = pageSize ?? 20;
    return { pageNum: pageNum ?? 1, pageSize: opts.maxPageSize ? Math.min(size, opts.maxPageSize) : size };
  }
}

function direction(name: string, v: unknown): boolean {
  const d = String(v).toLowerCase();
  if (d !== 'asc' && d !== 'desc') throw invalid(`invalid ${name}: ${String(v)}, expected asc or desc`);
  return d === 'desc';
}

export class BodyParams {
  constructor(readonly raw: Record<string, unknown>) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  str(name: string, required = false): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') {
      if (required) throw invalid(`${name} is required`);
      return undefined;
    }
    if (typeof v !== 'string') throw invalid(`invalid ${name}: expected a string`);
    return v;
  }

  requiredStr(name: string): string {
    return this.str(name, true) as string;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw invalid(`invalid ${name}: expected a boolean`);
    return v;
  }

  strArray(name: string): string[] | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw invalid(`invalid ${name}: expected an array of strings`);
    }
    return v as string[];
  }

  intArray(name: string): number[] | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw invalid(`invalid ${name}: expected an array of integers`);
    return v.map((x) => {
      const n = typeof x === 'string' && isInt(x) ? Number(x) : x;
      if (typeof n !== 'number' || !Number.isSafeInteger(n))
        throw invalid(`invalid ${name}: expected integers`);
      return n;
    });
  }

  /** An object of string values (`partitionFilters`, `tableMapping`). */
  strRecord(name: string): Record<string, string> | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
      throw invalid(`invalid ${name}: expected an object of strings`);
    }
    return { ...(v as Record<string, string>) };
  }

  record(name: string): Record<string, unknown> | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw invalid(`invalid ${name}: expected an object`);
    return { ...(v as Record<string, unknown>) };
  }

  any(name: string): unknown {
    return this.raw[name] ?? undefined;
  }
}
