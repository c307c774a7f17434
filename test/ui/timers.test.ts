import { describe, expect, it } from 'vitest';
import { Timer } from '../../src/mms/schemas.js';
import { scheduleText, timerLogsMessage, timerMessage, timersMessage } from '../../src/ui/timers.js';
import { ctx, makeTimerLog, offCtx, page, pager, source, timer } from './fixtures.js';
import { expectNoInjection, INJECT } from './inject.js';
import { assertWithinLimits, buttons, runCommands, textOf } from './limits.js';

describe('timers', () => {
  it('scheduleText', () => {
    expect(scheduleText('Daily', '02:30')).toBe('Daily at 02:30');
    expect(scheduleText('Daily', '2:5')).toBe('Daily at 02:05');
    expect(scheduleText('Hourly', 15)).toBe('Hourly at :15');
    expect(scheduleText('Hourly', '5')).toBe('Hourly at :05');
    expect(scheduleText('Weekly', 'Mon')).toBe('Weekly Mon');
    expect(scheduleText(null, null)).toBe('no schedule');
  });
  it('timerMessage: schedule, state, times in any form, config, buttons', () => {
    for (const createTime of [1748919600000, '2025-06-03T03:00:00Z', '2025-06-03 11:00:00']) {
      const m = timerMessage(source, Timer.parse({ ...timer, createTime }), ctx);
      assertWithinLimits(m);
      expect(textOf(m)).toContain('<!date^1748919600^');
    }
    const m = timerMessage(source, Timer.parse({ ...timer, createTime: 'sometime <b>' }), ctx);
    const t = textOf(m);
    expect(t).toContain('Daily at 02:30');
    expect(t).toContain('active');
    expect(t).toContain('sometime &lt;b&gt;');
    expect(t).toContain('*Verification (row counts):* on');
    expect(t).toContain('Daily at 02:30 (Asia/Shanghai)');
    expect(runCommands(m)).toEqual([
      'timer-logs 2000015 31',
      'timer-pause 2000015 31',
      'timer-run 2000015 31',
      'timer-delete 2000015 31',
    ]);
    expect(buttons(m).find((b) => b.value.startsWith('timer-delete'))?.confirm).toBeDefined();
  });
  it('a paused timer offers resume; off-region commands carry --region', () => {
    const cmds = runCommands(timerMessage(source, Timer.parse({ ...timer, stopped: true }), offCtx));
    expect(cmds).toContain('timer-resume 2000015 31 --region cn-shanghai');
    expect(cmds).not.toContain('timer-pause 2000015 31 --region cn-shanghai');
  });
  it('timersMessage and timerLogsMessage fit and escape', () => {
    const timers = Array.from({ length: 500 }, (_, i) =>
      Timer.parse({ ...timer, id: i, name: `${INJECT}${i}` }),
    );
    const m = timersMessage(source, page(timers, 1, 500, 500), pager('timers 2000015', 1, 500, 500), ctx);
    assertWithinLimits(m);
    expectNoInjection(m);
    const logs = Array.from({ length: 1000 }, (_, i) =>
      makeTimerLog(i, { msg: INJECT, status: i % 2 ? 'DONE' : 'FAILED' }),
    );
    const l = timerLogsMessage(
      source,
      timer,
      page(logs, 2, 1000, 3000),
      pager('timer-logs 2000015 31', 2, 1000, 3000),
      ctx,
    );
    assertWithinLimits(l);
    expectNoInjection(l);
    const cmds = runCommands(l);
    expect(cmds).toContain('timer-logs 2000015 31 --page 1');
    expect(cmds).toContain('timer-logs 2000015 31 --page 3');
    expect(cmds).toContain('timer 2000015 31');
    expect(cmds).not.toContain('timer-logs 2000015 31');
  });
});
