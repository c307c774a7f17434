import type { KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { ACTION_RUN, arg, cmd, runButton, withRegion } from '../../src/ui/actions.js';
import {
  actions,
  button,
  confirmDialog,
  context,
  divider,
  fields,
  header,
  section,
} from '../../src/ui/kit.js';
import { forModal, message } from '../../src/ui/message.js';
import { assertWithinLimits, limitViolations } from './limits.js';

describe('kit builders enforce limits', () => {
  it('header ≤ 150, plain text, escaped', () => {
    const h = header(`<!channel> ${'x'.repeat(400)}`);
    expect(h.text.type).toBe('plain_text');
    expect(h.text.text.length).toBeLessThanOrEqual(150);
    expect(h.text.text).not.toContain('<!channel>');
  });
  it('section ≤ 3000', () => {
    const s = section('y'.repeat(10_000));
    expect(s.text?.text.length).toBeLessThanOrEqual(3000);
  });
  it('fields: ≤ 10 per section, ≤ 2000 each, split into more sections', () => {
    const pairs = Array.from({ length: 25 }, (_, i): [string, string] => [`k${i}`, 'v'.repeat(5000)]);
    const blocks = fields(pairs);
    expect(blocks).toHaveLength(3);
    for (const b of blocks) {
      expect(b.fields!.length).toBeLessThanOrEqual(10);
      for (const f of b.fields!) expect(f.text.length).toBeLessThanOrEqual(2000);
    }
  });
  it('context folds more than 10 elements into the tenth', () => {
    const c = context(Array.from({ length: 15 }, (_, i) => `e${i}`));
    expect(c.elements).toHaveLength(10);
    expect((c.elements[9] as { text: string }).text).toContain('e14');
  });
  it('button text ≤ 75, value ≤ 2000', () => {
    const b = button('t'.repeat(200), 'a', 'v'.repeat(5000));
    expect(b.text.text.length).toBeLessThanOrEqual(75);
    expect(b.value!.length).toBeLessThanOrEqual(2000);
  });
  it('actions: ≤ 25 elements, run buttons numbered mms_run, mms_run:1, …', () => {
    const a = actions(Array.from({ length: 30 }, (_, i) => runButton(`b${i}`, `job 1 ${i}`)));
    expect(a.elements).toHaveLength(25);
    const ids = a.elements.map((e) => (e as { action_id: string }).action_id);
    expect(ids[0]).toBe(ACTION_RUN);
    expect(ids[1]).toBe('mms_run:1');
    expect(ids[24]).toBe('mms_run:24');
    expect(new Set(ids).size).toBe(25);
    for (const id of ids) expect(id).toMatch(/^mms_run(:\d+)?$/);
  });
  it('confirmDialog limits', () => {
    const c = confirmDialog('T'.repeat(300), 'x'.repeat(1000), 'C'.repeat(50), 'D'.repeat(50));
    expect(c.title!.text.length).toBeLessThanOrEqual(100);
    expect(c.text.text.length).toBeLessThanOrEqual(300);
    expect(c.confirm!.text.length).toBeLessThanOrEqual(30);
    expect(c.deny!.text.length).toBeLessThanOrEqual(30);
  });
  it('withRegion appends only off the default region, once', () => {
    const on = { region: 'cn-hangzhou', defaultRegion: 'cn-hangzhou' };
    const off = { region: 'cn-shanghai', defaultRegion: 'cn-hangzhou' };
    expect(withRegion('job 1 2', on)).toBe('job 1 2');
    expect(withRegion('job 1 2', off)).toBe('job 1 2 --region cn-shanghai');
    expect(withRegion('job 1 2 --region cn-shanghai', off)).toBe('job 1 2 --region cn-shanghai');
  });
});

describe('command texts', () => {
  it('quote names only when needed, the way the command tokenizer reads them', () => {
    expect(arg('sales')).toBe('sales');
    expect(arg('my db')).toBe('"my db"');
    expect(arg('a"b')).toBe(`'a"b'`);
    expect(arg(`a'b"c`)).toBe('"a\'b\\"c"');
    expect(cmd.tables(1, 'my db')).toBe('tables 1 "my db"');
    expect(cmd.partitions(1, 'sales', 'orders')).toBe('partitions 1 sales.orders');
    expect(cmd.migrate(1, 'sales', ['a', 'b'])).toBe('migrate 1 sales --tables a,b');
    expect(cmd.tasks(1, 10, 'DATA_FAILED')).toBe('tasks 1 --job 10 --status DATA_FAILED');
    expect(cmd.diagnoseJob(1, 10)).toBe('diagnose 1 job:10');
    expect(cmd.diagnoseTask(1, 7680)).toBe('diagnose 1 task:7680');
  });
});

describe('message()', () => {
  it('keeps ≤ 50 blocks, keeps the final actions block, and says how many were dropped', () => {
    const blocks: KnownBlock[] = [header('big')];
    for (let i = 0; i < 80; i++) blocks.push(section(`line ${i}`));
    blocks.push(actions([runButton('Next', 'jobs 1 --page 2')]));
    const m = message('fallback', blocks, { narrow: 'a filter' });
    assertWithinLimits(m);
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    expect(m.blocks[m.blocks.length - 1]!.type).toBe('actions');
    const note = m.blocks[m.blocks.length - 2]!;
    expect(note.type).toBe('context');
    expect(JSON.stringify(note)).toMatch(/…\d+ more not shown — narrow with a filter/);
  });
  it('keeps total block text under the budget', () => {
    const blocks: KnownBlock[] = Array.from({ length: 20 }, () => section('z'.repeat(2900)));
    const m = message('t', blocks);
    assertWithinLimits(m);
    expect(limitViolations(m, { maxTotalText: 11_000 })).toEqual([]);
  });
  it('fallback text is set and ≤ 4000; empty blocks are dropped', () => {
    const m = message('x'.repeat(9000), [section('a'), actions([]), divider()]);
    expect(m.text.length).toBeLessThanOrEqual(4000);
    expect(m.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(message('', [section('a')]).text.length).toBeGreaterThan(0);
  });
  it('forModal allows 100 blocks', () => {
    const blocks: SectionBlock[] = Array.from({ length: 150 }, (_, i) => section(`l${i}`));
    const b = forModal(blocks);
    expect(b.length).toBeLessThanOrEqual(100);
    expect(b.length).toBeGreaterThan(50);
    assertWithinLimits({ blocks: b }, { maxBlocks: 100 });
  });
});

describe('limit checker catches violations', () => {
  it('reports oversize and duplicate ids', () => {
    const bad = {
      text: 't',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
        { type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } },
        {
          type: 'actions',
          block_id: 'a',
          elements: [
            { type: 'button', action_id: 'x', text: { type: 'plain_text', text: 'b' }, value: 'v' },
            {
              type: 'button',
              action_id: 'x',
              text: { type: 'plain_text', text: 'b'.repeat(76) },
              value: 'v',
            },
          ],
        },
        {
          type: 'context',
          block_id: 'a',
          elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })),
        },
      ],
    };
    const v = limitViolations(bad).join('\n');
    expect(v).toMatch(/header.*151/);
    expect(v).toMatch(/3001/);
    expect(v).toMatch(/duplicate action_id x/);
    expect(v).toMatch(/76 chars > 75/);
    expect(v).toMatch(/duplicate block_id a/);
    expect(v).toMatch(/11 elements > 10/);
    expect(() => assertWithinLimits(bad)).toThrow(/limits violated/);
  });
});
