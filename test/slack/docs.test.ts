// docs/commands.md and the README must describe the commands and variables the code has.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/operations/catalog.js';
import { usage } from '../../src/slack/commands.js';

const commands = readFileSync('docs/commands.md', 'utf8');
const readme = readFileSync('README.md', 'utf8');
const config = readFileSync('src/config.ts', 'utf8');

describe('documentation', () => {
  it('docs/commands.md shows the usage line of every command', () => {
    const missing = CATALOG.filter((op) => !commands.includes(usage(op.spec))).map((op) => op.spec.name);
    expect(missing).toEqual([]);
  });

  it('the README lists every environment variable the config reads', () => {
    const vars = [...config.matchAll(/^\s+([A-Z][A-Z_]{2,}):/gm)].map((m) => m[1]!);
    expect(vars.length).toBeGreaterThan(10);
    expect(vars.filter((v) => !readme.includes(`\`${v}\``))).toEqual([]);
  });
});
