import { describe, expect, it } from 'vitest';
import { compilePartitionFilter, parsePartitionValue } from '../../src/sim/partition-filter.js';

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
});
