// docs/security.md names, for each guarantee, the test that proves it: every one it names must exist.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const doc = readFileSync('docs/security.md', 'utf8');
/** `test/…/x.test.ts` › "title" (a title, or the start of one). */
const CITATION = /`(test\/[\w/.-]+\.test\.ts)` › "([^"]+)"/g;

describe('docs/security.md', () => {
  const cited = [...doc.matchAll(CITATION)].map((m) => ({ file: m[1]!, title: m[2]! }));

  it('names a test for its guarantees', () => {
    expect(cited.length).toBeGreaterThan(30);
    for (const section of doc.split(/^## /m).slice(1)) {
      expect(CITATION.test(section), `section "${section.split('\n')[0]}" names no test`).toBe(true);
      CITATION.lastIndex = 0;
    }
  });

  it('every test it names exists', () => {
    const missing = cited.filter(
      ({ file, title }) => !existsSync(file) || !readFileSync(file, 'utf8').includes(title),
    );
    expect(missing).toEqual([]);
  });
});
