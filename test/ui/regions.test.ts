import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../src/mms/regions.js';
import { regionsMessage } from '../../src/ui/regions.js';
import { assertWithinLimits, textOf } from './limits.js';

describe('regionsMessage', () => {
  it('all 13 regions with ids, names and console links; marks the default and unverified hosts', () => {
    const m = regionsMessage('cn-shanghai');
    assertWithinLimits(m);
    const t = textOf(m);
    expect(REGIONS).toHaveLength(13);
    for (const r of REGIONS) {
      expect(t).toContain(`\`${r.id}\``);
      expect(t).toContain(r.name);
      expect(t).toContain(`https://maxcompute.console.aliyun.com/${r.id}/mma|`);
    }
    expect(t).toMatch(/⭐ `cn-shanghai`.*\*default\*/);
    expect(t).toMatch(/`us-east-1`.*unverified/);
    expect(t).toMatch(/`eu-central-1`.*unverified/);
    expect(t).not.toMatch(/`cn-hangzhou`[^\n]*unverified/);
    expect(t).toContain('--region &lt;id&gt;');
  });
  it('warns about an unknown default region', () => {
    expect(textOf(regionsMessage('mars-1'))).toContain('not one MMS is known to serve');
  });
});
