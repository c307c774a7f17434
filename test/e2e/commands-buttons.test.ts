// Every run button the renderers emit carries a command that parses, and pressing one runs it: collected
// from the answers to every read command, then a sample (one per command word) pressed over HTTP. With
// `--region cn-shanghai` every generated button keeps the region.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/slack/commands.js';
import type { SlackMessage } from '../../src/ui/types.js';
import {
  ANY_ERROR,
  ask,
  CHANNEL,
  confirmId,
  HIVE,
  mmsWrites,
  OPERATOR,
  press,
  type RunButton,
  runButtons,
  sharedBot,
  textOf,
} from './support.js';

/** Read commands whose answers hold buttons: lists, details, diagnoses, ambiguous names, errors. */
const READS = [
  'help',
  'help sources',
  'regions',
  'setup',
  'sources',
  `source ${HIVE}`,
  'source mc-legacy',
  'source hive',
  `dbs ${HIVE}`,
  'dbs mc-legacy',
  `tables ${HIVE} sales`,
  `tables ${HIVE} sales --page 2`,
  `tables ${HIVE} a`,
  `partitions ${HIVE} sales.orders`,
  `jobs ${HIVE}`,
  `jobs ${HIVE} --status FAILED`,
  `job ${HIVE} 1`,
  `job ${HIVE} 2`,
  `job ${HIVE} 3`,
  `job ${HIVE} i`,
  `tasks ${HIVE} --job 2`,
  `tasks ${HIVE} --job 3`,
  `task ${HIVE} 7603`,
  `task ${HIVE} 7615`,
  `logs ${HIVE} 7603`,
  `timers ${HIVE}`,
  `timer ${HIVE} 1`,
  `timer-logs ${HIVE} 1`,
  `diagnose ${HIVE} finance_nightly`,
  `diagnose ${HIVE} task:7603`,
  `diagnose ${HIVE} 3`,
  'watching',
  'status',
];

const SHANGHAI = 'cn-shanghai';

const h = sharedBot(async (bot) => {
  await ask(bot, `watch ${HIVE} 3`);
});

async function collect(suffix: string): Promise<Array<RunButton & { from: string }>> {
  const out: Array<RunButton & { from: string }> = [];
  for (const text of READS) {
    const cmd = text.startsWith('help') ? text : `${text}${suffix}`;
    const m = await ask(h, cmd);
    for (const b of runButtons(m)) out.push({ ...b, from: cmd });
  }
  return out;
}

/** Presses a button; a write's card is cancelled again so the next write on the same target can ask. */
async function pressAndSettle(value: string): Promise<SlackMessage | 'card' | 'modal'> {
  const views = h.api.callsTo('views.open').length;
  const { reply, card } = await press(h, value);
  if (card) {
    await h.slack.click('mms_cancel', confirmId(card), { user: OPERATOR, message: card });
    return 'card';
  }
  if (reply) return reply;
  expect(h.api.callsTo('views.open').length, `${value}: no reply, card or modal`).toBe(views + 1);
  return 'modal';
}

describe('run buttons', () => {
  it('every button of every answer parses as a command', async () => {
    const all = await collect('');
    expect(all.length).toBeGreaterThan(80);
    for (const b of all) {
      expect(
        () => parseCommand(b.value, 'cn-hangzhou'),
        `${b.text} = ${b.value} (from ${b.from})`,
      ).not.toThrow();
      expect(parseCommand(b.value, 'cn-hangzhou').kind, b.value).toBe('op');
      expect(b.value, `${b.from}: a button for the default region names no region`).not.toContain('--region');
    }
  });

  it('pressing one button per command word runs it without a usage or MMS error', async () => {
    const all = await collect('');
    const byVerb = new Map<string, string>();
    for (const b of all) {
      const verb = b.value.split(' ')[0]!;
      if (!byVerb.has(verb)) byVerb.set(verb, b.value);
    }
    expect([...byVerb.keys()].sort()).toEqual(
      expect.arrayContaining([
        'dbs',
        'diagnose',
        'job',
        'logs',
        'partitions',
        'retry-task',
        'source',
        'tables',
      ]),
    );
    const writesBefore = mmsWrites(h).length;
    const outcomes: string[] = [];
    for (const [verb, value] of byVerb) {
      const r = await pressAndSettle(value);
      if (typeof r === 'string') outcomes.push(`${verb}:${r}`);
      else {
        expect(textOf(r), `${value}`).not.toMatch(ANY_ERROR);
        outcomes.push(`${verb}:reply`);
      }
    }
    // Write buttons produce cards (cancelled here), never a direct MMS write.
    expect(outcomes).toEqual(expect.arrayContaining(['retry-task:card', 'scan:card']));
    expect(mmsWrites(h)).toHaveLength(writesBefore);
  });

  it('buttons of a list page lead to pages whose buttons work too (two levels deep)', async () => {
    const dbs = await ask(h, `dbs ${HIVE}`);
    const tablesReply = (await press(h, runButtons(dbs)[0]!.value)).reply!;
    expect(textOf(tablesReply)).toContain('Tables · hive-prod › sales');
    const partsValue = runButtons(tablesReply).find((b) => b.value.startsWith('partitions'))!.value;
    const parts = (await press(h, partsValue)).reply!;
    expect(textOf(parts)).toMatch(/Partitions of sales\.\w+/);
    expect(textOf(parts)).not.toMatch(ANY_ERROR);
  });
});

describe('--region', () => {
  it('is accepted everywhere and every generated button carries it', async () => {
    const all = await collect(` --region ${SHANGHAI}`);
    expect(all.length).toBeGreaterThan(80);
    for (const b of all) {
      // help is region-free; watch lists show each watch in its own region (next test).
      if (/^(help|watching|status)/.test(b.from)) continue;
      expect(b.value, `${b.text} (from ${b.from})`).toContain(`--region ${SHANGHAI}`);
      const parsed = parseCommand(b.value, 'cn-hangzhou');
      expect(parsed.kind === 'op' && parsed.region, b.value).toBe(SHANGHAI);
    }
  });

  it('watch lists give each watch the region it was made in', async () => {
    await ask(h, `watch ${HIVE} 2 --region ${SHANGHAI}`);
    const values = runButtons(await ask(h, 'watching')).map((b) => b.value);
    expect(values).toEqual(expect.arrayContaining(['job 2000015 3', `job 2000015 2 --region ${SHANGHAI}`]));
  });

  it('pressing a region button keeps the region on the next page', async () => {
    const m = await ask(h, `tables ${HIVE} sales --region ${SHANGHAI}`);
    const next = runButtons(m).find((b) => /^Next/.test(b.text))!.value;
    expect(next).toBe(`tables 2000015 sales --page 2 --region ${SHANGHAI}`);
    const { reply } = await press(h, next);
    expect(textOf(reply!)).toContain('5 shown of 25');
    for (const b of runButtons(reply!)) expect(b.value).toContain(`--region ${SHANGHAI}`);
  });

  it('a write in another region shows the region on its card', async () => {
    const posts = h.api.callsTo('chat.postMessage').length;
    await h.slack.command(`retry-task ${HIVE} 7603 --region ${SHANGHAI}`, { user: OPERATOR });
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(posts + 1);
    const card = h.api.messages(CHANNEL).at(-1)!;
    expect(textOf(card)).toContain(`*Region:* \`${SHANGHAI}\``);
    await h.slack.click('mms_cancel', confirmId(card), { user: OPERATOR, message: card });
  });
});
