import { describe, expect, it } from 'vitest';
import {
  humanBytes,
  humanCount,
  humanDuration,
  mmsInstant,
  percent,
  progressBar,
  regionZone,
  statusEmoji,
  timePlain,
  timeText,
  utcOffset,
  when,
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

describe('times a person reads', () => {
  it('reads MMS naive times in the region’s zone', () => {
    // 10:12:45 in Hangzhou (UTC+8) is 02:12:45 UTC; in Tokyo (UTC+9) 01:12:45 UTC.
    expect(mmsInstant('2025-06-03 10:12:45', 'cn-hangzhou')?.toISOString()).toBe('2025-06-03T02:12:45.000Z');
    expect(mmsInstant('2025-06-03 10:12:45', 'ap-northeast-1')?.toISOString()).toBe(
      '2025-06-03T01:12:45.000Z',
    );
    // Frankfurt in summer is UTC+2, in winter UTC+1.
    expect(mmsInstant('2025-06-03 10:12:45', 'eu-central-1')?.toISOString()).toBe('2025-06-03T08:12:45.000Z');
    expect(mmsInstant('2025-01-03 10:12:45', 'eu-central-1')?.toISOString()).toBe('2025-01-03T09:12:45.000Z');
    expect(mmsInstant('2025-06-03T02:12:45Z', 'ap-northeast-1')?.toISOString()).toBe(
      '2025-06-03T02:12:45.000Z',
    );
    expect(mmsInstant(null, 'cn-hangzhou')).toBeNull();
  });

  it('when() gives a Slack date token with a UTC fallback for dates, epochs and MMS strings', () => {
    expect(when(new Date('2025-06-03T02:12:45Z'))).toBe(
      '<!date^1748916765^{date_short_pretty} {time}|2025-06-03 02:12 UTC>',
    );
    expect(when('2025-06-03 10:12:45', 'ap-northeast-1')).toMatch(/^<!date\^1748913165\^/);
    expect(when(1748916765000, 'cn-hangzhou', '{time}')).toBe(
      '<!date^1748916765^{time}|2025-06-03 02:12 UTC>',
    );
    expect(when(undefined)).toBe('—');
    expect(when('soon <b>', 'cn-hangzhou')).toBe('soon &lt;b&gt;');
  });

  it('timePlain turns a naive time into UTC when it knows the region', () => {
    expect(timePlain('2025-06-03 10:12:45', 'cn-hangzhou')).toBe('2025-06-03 02:12:45Z');
  });

  it('zones: regions map to theirs, and offsets read as UTC±hh:mm', () => {
    expect(regionZone('ap-southeast-5')).toBe('Asia/Jakarta');
    expect(regionZone('nowhere')).toBe('Asia/Shanghai');
    expect(utcOffset('Asia/Shanghai', new Date('2025-06-03T00:00:00Z'))).toBe('UTC+08:00');
    expect(utcOffset('America/New_York', new Date('2025-01-03T00:00:00Z'))).toBe('UTC−05:00');
  });
});
