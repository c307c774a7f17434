import { describe, expect, it } from 'vitest';
import {
  codeBlock,
  esc,
  inlineCode,
  mdLink,
  mentionUser,
  slackDate,
  truncate,
  truncateMiddle,
  truncateMrkdwn,
  truncateStart,
} from '../../src/ui/escape.js';

describe('esc', () => {
  it('escapes & first, then < and >', () => {
    expect(esc('a & <b> &lt;')).toBe('a &amp; &lt;b&gt; &amp;lt;');
  });
  it('turns mentions and links into text', () => {
    const out = esc('<!channel> <@U123> <https://evil|x> <!subteam^S1>');
    expect(out).not.toMatch(/[<>]/);
  });
  it('neutralises literal @here/@channel/@everyone with a zero-width space', () => {
    const out = esc('ping @here and @Channel and @everyone, not @hereford');
    expect(out).not.toMatch(/@here\b|@channel\b|@everyone\b/i);
    expect(out).toContain('@\u200bhere');
    expect(out).toContain('@hereford');
  });
  it('handles null, numbers and booleans', () => {
    expect(esc(null)).toBe('');
    expect(esc(undefined)).toBe('');
    expect(esc(12)).toBe('12');
    expect(esc(false)).toBe('false');
  });
});

describe('truncate', () => {
  it('leaves short text alone and ends cut text with …', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('hello world', 6)).toBe('hello…');
    expect(truncate('hello world', 6).length).toBeLessThanOrEqual(6);
  });
  it('never breaks a surrogate pair', () => {
    const s = '😀😀😀😀';
    for (let max = 1; max < 9; max++) {
      const t = truncate(s, max);
      expect(t.length).toBeLessThanOrEqual(max);
      // No lone surrogates.
      expect(() => encodeURIComponent(t)).not.toThrow();
    }
  });
  it('never cuts an escaped entity in half', () => {
    const s = esc('a<<<<<<<<<<');
    for (let max = 2; max < s.length; max++) expect(truncate(s, max)).not.toMatch(/&(a|am|amp|l|lt|g|gt)?…/);
  });
  it('truncateStart keeps the end; truncateMiddle keeps both ends', () => {
    expect(truncateStart('0123456789', 5)).toBe('…6789');
    const m = truncateMiddle('a'.repeat(50) + 'Z'.repeat(50), 40);
    expect(m.length).toBeLessThanOrEqual(40);
    expect(m.startsWith('a')).toBe(true);
    expect(m.endsWith('Z')).toBe(true);
  });
  it('truncateMrkdwn does not leave half a link or an open fence', () => {
    const link = `see <https://example.com/${'x'.repeat(50)}|the console> ok`;
    const t = truncateMrkdwn(link, 30);
    expect(t).not.toContain('<');
    const fenced = '```\n' + 'line\n'.repeat(100) + '```';
    const f = truncateMrkdwn(fenced, 100);
    expect(f.length).toBeLessThanOrEqual(100);
    expect((f.match(/```/g) ?? []).length % 2).toBe(0);
  });
});

describe('code', () => {
  it('inlineCode escapes and removes backticks', () => {
    const c = inlineCode('a`b<c>');
    expect(c.startsWith('`') && c.endsWith('`')).toBe(true);
    expect(c.slice(1, -1)).not.toContain('`');
    expect(c).toContain('&lt;c&gt;');
  });
  it('codeBlock fences, escapes, defuses inner fences, and keeps the end when asked', () => {
    const b = codeBlock('x```y <!channel>', 200);
    expect(b.startsWith('```\n') && b.endsWith('\n```')).toBe(true);
    expect((b.match(/```/g) ?? []).length).toBe(2);
    expect(b).toContain('&lt;!channel&gt;');
    const long = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n');
    const tail = codeBlock(long, 300, 'tail');
    expect(tail.length).toBeLessThanOrEqual(300);
    expect(tail).toContain('line 499');
    expect(tail).not.toContain('line 0\n');
    const head = codeBlock(long, 300);
    expect(head).toContain('line 0');
    expect(head.length).toBeLessThanOrEqual(300);
  });
});

describe('links and mentions', () => {
  it('mdLink only links http(s) urls and escapes the label', () => {
    expect(mdLink('https://maxcompute.console.aliyun.com/cn-hangzhou/mma', 'a<b')).toBe(
      '<https://maxcompute.console.aliyun.com/cn-hangzhou/mma|a&lt;b>',
    );
    expect(mdLink('javascript:alert(1)', 'x')).toBe('x');
    expect(mdLink('https://a|b', 'x')).toBe('x');
  });
  it('mentionUser only mentions real user ids', () => {
    expect(mentionUser('U0123ABC')).toBe('<@U0123ABC>');
    expect(mentionUser('W0123ABC')).toBe('<@W0123ABC>');
    expect(mentionUser('<!channel>')).toBe('&lt;!channel&gt;');
    expect(mentionUser('u123')).toBe('u123');
  });
  it('slackDate renders a date token with a fallback', () => {
    expect(slackDate(new Date('2025-06-03T02:30:00Z'), '{time}')).toBe(
      '<!date^1748917800^{time}|2025-06-03 02:30 UTC>',
    );
  });
});
