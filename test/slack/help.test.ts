// Help is drawn once per topic and kept: what a topic shows must not depend on which was asked first.
import { describe, expect, it } from 'vitest';
import { helpMessage } from '../../src/slack/commands.js';

describe('helpMessage', () => {
  it('reads a topic in any case, asked first or after', () => {
    // Asked before `help` itself: this file's own module, so nothing is kept yet.
    expect(JSON.stringify(helpMessage('HELP'))).toContain('Start here');
    expect(helpMessage('HELP')).toEqual(helpMessage());
    expect(helpMessage('Migrate')).toEqual(helpMessage('migrate'));
  });

  it('an unknown topic is refused every time, and nothing is kept for it', () => {
    expect(() => helpMessage('jbos')).toThrow(/No command `jbos`/);
    expect(() => helpMessage('jbos')).toThrow(/No command `jbos`/);
  });
});
