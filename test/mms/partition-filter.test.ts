import { describe, expect, it } from 'vitest';
import {
  compilePartitionFilter,
  PartitionFilterError,
  parsePartitionValue,
} from '../../src/mms/partition-filter.js';

const pick = (expr: string, values: string[], cols = ['ds', 'hour']) => {
  const pred = compilePartitionFilter(expr, cols);
  return values.filter((v) => pred(parsePartitionValue(v)));
};

describe('partition filters', () => {
  const days = ['ds=20241231', 'ds=20250101', 'ds=20250102', 'ds=20250103'];

  it('compares, with IN, BETWEEN, AND/OR/NOT and parentheses', () => {
    expect(pick("ds >= '20250101'", days)).toEqual(days.slice(1));
    expect(pick("ds = '20250102'", days)).toEqual(['ds=20250102']);
    expect(pick("ds in ('20241231', '20250103')", days)).toEqual(['ds=20241231', 'ds=20250103']);
    expect(pick("ds BETWEEN '20250101' AND '20250102'", days)).toEqual(['ds=20250101', 'ds=20250102']);
    expect(pick("not (ds < '20250102') or ds = '20241231'", days)).toEqual([
      'ds=20241231',
      'ds=20250102',
      'ds=20250103',
    ]);
    expect(pick("ds <> '20250101' and ds != '20250102'", days)).toEqual(['ds=20241231', 'ds=20250103']);
    expect(pick('hour >= 22', ['ds=1/hour=03', 'ds=1/hour=22', 'ds=1/hour=23'])).toEqual([
      'ds=1/hour=22',
      'ds=1/hour=23',
    ]);
  });

  it('rejects unknown columns and malformed expressions', () => {
    expect(() => compilePartitionFilter("dt = '1'", ['ds'])).toThrow(/partition column dt does not exist/);
    expect(() => compilePartitionFilter('ds = ', ['ds'])).toThrow(/literal/);
    expect(() => compilePartitionFilter("ds = '1' junk", ['ds'])).toThrow(/unexpected/);
    expect(() => compilePartitionFilter('', ['ds'])).toThrow(/empty/);
  });

  it('says what is wrong apart from the filter: a short reason, and the column a table lacks', () => {
    const caught = (expr: string, cols = ['ds']) => {
      try {
        compilePartitionFilter(expr, cols);
      } catch (e) {
        return e;
      }
      throw new Error(`${expr} compiled`);
    };
    const junk = caught("ds = '1' junk");
    expect(junk).toBeInstanceOf(PartitionFilterError);
    expect(junk).toMatchObject({
      reason: 'unexpected "junk"',
      message: `unexpected "junk" in partition filter: ds = '1' junk`,
      column: undefined,
    });
    expect(caught("ds between '1' '2'")).toMatchObject({ reason: 'expected "and" after between' });
    expect(caught('ds ~ 1')).toMatchObject({ reason: 'unexpected character at 3: ~ 1' });
    expect(caught("(ds = '1'")).toMatchObject({ reason: 'expected ")"' });
    expect(caught("dt = '1'", ['ds', 'hour'])).toMatchObject({
      reason: 'partition column dt does not exist (partition columns: ds, hour)',
      column: 'dt',
    });
  });

  it('reads values with several keys, quotes and numbers', () => {
    expect(parsePartitionValue('ds=20250101/hour=03')).toEqual({ ds: '20250101', hour: '03' });
    expect(parsePartitionValue('')).toEqual({});
    expect(pick("ds = '2025''01'", ["ds=2025'01", 'ds=202501'], ['ds'])).toEqual(["ds=2025'01"]);
    // A number compares as a number with a value that reads as one, else as text.
    expect(pick('hour < 10', ['ds=1/hour=9', 'ds=1/hour=10', 'ds=1/hour=x'])).toEqual(['ds=1/hour=9']);
  });

  it('compares with a quoted literal as text and with a number as a number, as SQL does a string column', () => {
    expect(pick("ds > '2099'", days)).toEqual([]);
    expect(pick('ds > 2099', days)).toEqual(days);
    const hours = ['ds=1/hour=03', 'ds=1/hour=3', 'ds=1/hour=10'];
    expect(pick("hour = '3'", hours)).toEqual(['ds=1/hour=3']);
    expect(pick('hour = 3', hours)).toEqual(['ds=1/hour=03', 'ds=1/hour=3']);
    expect(pick("hour in ('03', 10)", hours)).toEqual(['ds=1/hour=03', 'ds=1/hour=10']);
    expect(pick("hour between '1' and '2'", hours)).toEqual(['ds=1/hour=10']);
    expect(pick('hour between 1 and 5', hours)).toEqual(['ds=1/hour=03', 'ds=1/hour=3']);
  });
});
