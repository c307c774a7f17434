// Assertion that MMS- or user-supplied text never becomes a ping or a link.
import { expect } from 'vitest';
import { renderedStrings } from './limits.js';

export { INJECT } from './fixtures.js';

/** Strings MMS data must never turn into pings or links (in anything Slack renders). */
export function expectNoInjection(msg: { text?: unknown; blocks?: unknown }): void {
  const all = [typeof msg.text === 'string' ? msg.text : '', ...renderedStrings(msg.blocks)].join('\n');
  expect(all).not.toContain('<!channel>');
  expect(all).not.toContain('<@U123>');
  expect(all).not.toContain('<https://evil.example');
  expect(all).not.toContain('<!subteam');
  expect(all).not.toMatch(/@here/);
}
