import { describe, expect, it } from 'vitest';
import {
  humanBytes,
  humanCount,
  humanDuration,
  percent,
  progressBar,
  statusEmoji,
  timePlain,
  timeText,
} from '../../src/ui/format.js';

describe('format', () => {
  it('statusEmoji covers job, task, table and scan statuses', () => {
    expect(statusEmoji('DONE')).toBe('✅');
    expect(statusEmoji('FAILED')).toBe('❌');
    expect(statusEmoji('DATA_FAILED')).toBe('❌');
    expect(statusEmoji('SCAN_FAILED')).toBe('❌');
    expect(statusEmoji('VERIFICATION_DOING')).toBe('🔄');
    expect(statusEmoji('SCAN_DOING')).toBe('🔄');
    expect(statusEmoji('SCHEMA_DONE')).toBe('☑️');
    expect(statusEmoji('PART_DONE')).toBe('🟡');
    expect(statusEmoji('INIT')).toBe('⚪');
    expect(statusEmoji('STARTED')).toBe('✅');
    expect(statusEmoji(null)).toBe('❔');
    expect(statusEmoji('WHATEVER')).toBe('❔');
  });
  it('humanBytes and humanCount', () => {
    expect(humanBytes(0)).toBe('0 B');
    expect(humanBytes(1536)).toBe('1.5 KB');
    expect(humanBytes(3.4 * 1024 ** 3)).toBe('3.4 GB');
    expect(humanBytes(null)).toBe('—');
    expect(humanCount(999)).toBe('999');
    expect(humanCount(1234)).toBe('1.2k');
    expect(humanCount(1_203_331)).toBe('1.2M');
    expect(humanCount(undefined)).toBe('—');
  });
  it('humanDuration', () => {
    expect(humanDuration(45_000)).toBe('45s');
    expect(humanDuration(200_000)).toBe('3m 20s');
    expect(humanDuration(7_500_000)).toBe('2h 05m');
    expect(humanDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
    expect(humanDuration(null)).toBe('—');
  });
  it('progressBar has a fixed width and fills with done/total', () => {
    expect(progressBar(0, 10, 10)).toBe('░'.repeat(10));
    expect(progressBar(10, 10, 10)).toBe('█'.repeat(10));
    expect(progressBar(5, 10, 10)).toBe('█████░░░░░');
    expect([...progressBar(1, 3, 10)].length).toBe(10);
    expect(progressBar(1, 0, 5)).toBe('░░░░░');
    expect(percent(1, 2)).toBe('50%');
    expect(percent(999, 1000)).toBe('99%');
  });
  it('timeText uses a Slack date token, or the MMS string as given', () => {
    expect(timeText('2025-06-03 10:12:45')).toMatch(/^<!date\^1748916765\^/);
    expect(timeText(1748916765000)).toMatch(/^<!date\^1748916765\^/);
    expect(timeText('2025-06-03T02:12:45Z')).toMatch(/^<!date\^1748916765\^/);
    expect(timeText('yesterday <b>')).toBe('yesterday &lt;b&gt;');
    expect(timeText(null)).toBe('—');
    expect(timePlain('2025-06-03 10:12:45')).toBe('2025-06-03 10:12:45');
    expect(timePlain(1748916765000)).toBe('2025-06-03 02:12:45Z');
  });
});
