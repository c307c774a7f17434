// Timers (scheduled, recurring, incremental migrations) and their runs.
import type { Button, KnownBlock } from '@slack/types';
import type { Page, Timer, TimerLog } from '../mms/schemas.js';
import { cmd, runButton, withRegion } from './actions.js';
import { label, listMessage, sourceLabel } from './common.js';
import { esc, inlineCode, truncate, truncateMiddle } from './escape.js';
import { regionZone, statusEmoji, timeText } from './format.js';
import { actions, confirmDialog, fields, header, section } from './kit.js';
import { message } from './message.js';
import { optionsText } from './options.js';
import type { Pager, RenderCtx, SlackMessage, SourceRef } from './types.js';

const pad2 = (s: string): string => s.padStart(2, '0');

/** `Daily at 02:30`, `Hourly at :15`; anything else as given. */
export function scheduleText(
  scheduleType: string | null | undefined,
  value: string | number | null | undefined,
): string {
  const type = (scheduleType ?? '').toLowerCase();
  const v = value === null || value === undefined ? '' : String(value).trim();
  if (type === 'daily') {
    const m = /^(\d{1,2}):(\d{1,2})(?::\d{1,2})?$/.exec(v);
    if (m) return `Daily at ${pad2(m[1]!)}:${pad2(m[2]!)}`;
  }
  if (type === 'hourly') {
    const m = /^(?:\d{1,2}:)?(\d{1,2})$/.exec(v);
    if (m) return `Hourly at :${pad2(m[1]!)}`;
  }
  return [scheduleType, v].filter(Boolean).join(' ') || 'no schedule';
}

const stateText = (stopped: boolean | null | undefined): string =>
  stopped === true ? '⏸️ paused' : stopped === false ? '▶️ active' : '—';

function timerLine(t: Timer): string {
  return [
    `⏰ *${esc(t.name)}* ${inlineCode(`#${t.id}`)}`,
    esc(scheduleText(t.scheduleType, t.value)),
    t.srcDbName ? `db *${esc(t.srcDbName)}*` : '',
    stateText(t.stopped),
  ]
    .filter((p) => p !== '' && p !== '—')
    .join(' · ');
}

export function timersMessage(
  source: SourceRef,
  page: Page<Timer>,
  pager: Pager,
  ctx: RenderCtx,
): SlackMessage {
  const sid = source.id;
  return listMessage({
    text: `Timers of ${esc(source.name)}: ${page.items.length} shown of ${page.total}`,
    title: `Timers · ${source.name}`,
    intro: `Source ${sourceLabel(source)}`,
    items: page.items.map((t) => ({
      line: timerLine(t),
      drill: runButton(label(t.name), withRegion(cmd.timer(sid, t.id), ctx)),
    })),
    empty: 'No timers. Create one with `schedule`.',
    pager,
    ctx,
    narrow: '`--page`',
  });
}

function timerButtons(sid: number, timer: Timer, ctx: RenderCtx, exclude?: string): Button[] {
  const run = (text: string, command: string, style?: 'primary' | 'danger') =>
    runButton(text, withRegion(command, ctx), style);
  const b: Button[] = [run('Runs', cmd.timerLogs(sid, timer.id))];
  if (timer.stopped) b.push(run('Resume', cmd.timerOp('resume', sid, timer.id), 'primary'));
  else b.push(run('Pause', cmd.timerOp('pause', sid, timer.id)));
  b.push(run('Run now', cmd.timerOp('run', sid, timer.id)));
  const del = run('Delete', cmd.timerOp('delete', sid, timer.id), 'danger');
  del.confirm = confirmDialog(
    `Delete timer ${truncate(timer.name, 60)}?`,
    'You will get a confirmation card next. Deleting a timer stops its future runs and cannot be undone.',
  );
  b.push(del);
  return exclude ? b.filter((x) => x.value !== withRegion(exclude, ctx)) : b;
}

export function timerMessage(source: SourceRef, timer: Timer, ctx: RenderCtx): SlackMessage {
  const sid = source.id;
  const schedule = `${scheduleText(timer.scheduleType, timer.value)} (${regionZone(ctx.region)})`;
  const blocks: KnownBlock[] = [header(`Timer ${timer.name}`)];
  blocks.push(
    ...fields([
      ['Schedule', esc(schedule)],
      ['State', stateText(timer.stopped)],
      ['Database', timer.srcDbName ? `*${esc(timer.srcDbName)}*` : '—'],
      ['Type', esc(timer.type ?? '—')],
      ['Created', timeText(timer.createTime, ctx.region)],
      ['Updated', timeText(timer.updateTime, ctx.region)],
      ['Source', sourceLabel(source)],
      ['Timer id', inlineCode(`#${timer.id}`)],
    ]),
  );
  const config = optionsText(timer.config);
  if (config) blocks.push(section(`*Migration options*\n${config}`));
  blocks.push(actions(timerButtons(sid, timer, ctx)));
  const text = `Timer ${esc(timer.name)}: ${esc(schedule)}, ${timer.stopped ? 'paused' : 'active'}`;
  return message(text, blocks);
}

function timerLogLine(l: TimerLog, region: string): string {
  const time = l.createTime ? timeText(l.createTime, region) : '';
  const action = (l.action ?? '').replace(/\s+/g, ' ').trim();
  const msg = (l.msg ?? '').replace(/\s+/g, ' ').trim();
  return (
    `${statusEmoji(l.status)} ${l.status ? `*${esc(l.status)}*` : ''}` +
    (time ? ` ${time}` : '') +
    (action ? ` · ${esc(truncate(action, 150))}` : '') +
    (msg ? ` → ${esc(truncateMiddle(msg, 200))}` : '')
  );
}

export function timerLogsMessage(
  source: SourceRef,
  timer: Timer,
  page: Page<TimerLog>,
  pager: Pager,
  ctx: RenderCtx,
): SlackMessage {
  const sid = source.id;
  return listMessage({
    text: `Runs of timer ${esc(timer.name)} (#${timer.id}): ${page.items.length} shown of ${page.total}`,
    title: `Timer runs · ${timer.name}`,
    intro: `Timer *${esc(timer.name)}* · ${esc(scheduleText(timer.scheduleType, timer.value))} (${esc(regionZone(ctx.region))}) · ${stateText(timer.stopped)} · source ${sourceLabel(source)}`,
    items: page.items.map((l) => ({ line: timerLogLine(l, ctx.region) })),
    empty: 'No runs yet.',
    pager,
    ctx,
    extra: [
      runButton('Timer', withRegion(cmd.timer(sid, timer.id), ctx)),
      ...timerButtons(sid, timer, ctx, cmd.timerLogs(sid, timer.id)),
    ],
    narrow: '`--page`',
  });
}
