// The layout's rules (DESIGN.md): two front doors (slack/, watch/) over one core, arrows pointing down only.
// Every relative import in src/, type-only ones included, is checked against the folders it must never reach.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** Folder → folders it must never import from. */
const NEVER: Record<string, string[]> = {
  operations: ['slack', 'sim', 'sandbox'],
  ui: ['slack', 'sim', 'sandbox', 'watch', 'confirm'],
  watch: ['slack', 'sim', 'sandbox'],
  confirm: ['slack', 'sim', 'sandbox', 'watch'],
  slack: ['sim', 'sandbox'],
  diagnosis: ['watch', 'slack', 'ui', 'store', 'confirm', 'operations', 'sim', 'sandbox'],
  mms: ['slack', 'store', 'ui', 'sim', 'sandbox', 'watch', 'confirm', 'operations', 'diagnosis'],
  store: ['slack', 'ui', 'sim', 'sandbox', 'watch', 'confirm', 'operations'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Top folder under src/ of a file (`''` for files at src/ itself). */
const topOf = (file: string): string => {
  const parts = relative(SRC, file).split('/');
  return parts.length > 1 ? parts[0]! : '';
};

/** Relative specifiers of every import and export-from, `import type` and dynamic `import()` included. */
function importsOf(code: string): string[] {
  const found: string[] = [];
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.[^'"]+)['"]/gm)) {
    found.push(m[1]!);
  }
  return found;
}

describe('layout', () => {
  it('finds imports of every form, type-only and dynamic included', () => {
    const code = [
      "import type { A } from '../slack/a.js';",
      "import { type B, c } from './b.js';",
      "export { d } from '../ui/d.js';",
      "const e = await import('../sim/index.js');",
      "import '../side-effect.js';",
    ].join('\n');
    expect(importsOf(code)).toEqual([
      '../slack/a.js',
      './b.js',
      '../ui/d.js',
      '../sim/index.js',
      '../side-effect.js',
    ]);
  });

  it('no folder imports from a folder above it or from the simulator', () => {
    const broken: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = topOf(file);
      const banned = NEVER[from];
      if (!banned) continue;
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const to = topOf(resolve(dirname(file), spec));
        if (banned.includes(to)) broken.push(`${relative(SRC, file)} → ${spec}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('production code never imports the simulator or the sandbox', () => {
    const broken: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = topOf(file);
      if (from === 'sim' || from === 'sandbox' || relative(SRC, file) === 'sandbox.ts') continue;
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const to = topOf(resolve(dirname(file), spec));
        if (to === 'sim' || to === 'sandbox') broken.push(`${relative(SRC, file)} → ${spec}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
