// The migrate form's builder and its field errors: errors follow zod issue paths, never message wording.
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/operations/migrate.js';
import { FIELD, fieldErrors, migrateFormView } from '../../src/ui/migrate-form.js';
import { assertWithinLimits } from './limits.js';

const ALL = new Set<string>(Object.values(FIELD));

describe('migrate form', () => {
  it('builds a modal with one scope choice and a table picker once a database is chosen', () => {
    const names = Array.from({ length: 30 }, (_, i) => `t_${i}`);
    const view = migrateFormView({
      metadata: '{"form":"x"}',
      region: 'cn-hangzhou',
      source: { id: 1, name: 'hive <prod>' },
      dbs: ['sales'],
      db: 'sales',
      tables: names,
    });
    const ids = view.blocks.map((b) => b.block_id).filter(Boolean);
    expect(ids).toEqual(['db', 'scope', 'tables', 'partitions', 'options', 'name']);
    const tables = view.blocks.find((b) => b.block_id === 'tables') as {
      element: { type: string; options: unknown[] };
    };
    expect(tables.element.type).toBe('multi_static_select');
    expect(tables.element.options).toHaveLength(30);
    expect(JSON.stringify(view)).toContain('hive &lt;prod&gt;');
    assertWithinLimits({ blocks: view.blocks }, { maxBlocks: 100 });
  });

  it('types tables when there are too many for a menu, or none could be listed', () => {
    for (const tables of [null, Array.from({ length: 101 }, (_, i) => `t${i}`)]) {
      const view = migrateFormView({
        metadata: '',
        region: 'r',
        source: { id: 1, name: 's' },
        dbs: ['a'],
        db: 'a',
        tables,
      });
      const el = (view.blocks.find((b) => b.block_id === 'tables') as { element: { type: string } }).element;
      expect(el.type).toBe('plain_text_input');
    }
  });

  it('maps each schema issue to its field by path, in the form’s words', () => {
    const parsed = migrate.params.safeParse({
      source: '1',
      db: 'sales',
      partitions: "ds >= '1'",
      name: '9lives',
    });
    expect(parsed.success).toBe(false);
    const issues = parsed.error!.issues.map((i) => ({
      path: i.path,
      reason: (i as { params?: { reason?: string } }).params?.reason,
    }));
    const errors = fieldErrors(issues, ALL);
    expect(Object.keys(errors).sort()).toEqual(['name', 'partitions']);
    expect(errors.partitions).toMatch(/Only these tables/);
    expect(JSON.stringify(errors)).not.toMatch(/--/);
  });

  it('the words do not depend on the message: a reworded message lands on the same field', () => {
    const errors = fieldErrors([{ path: ['exclude'], reason: 'conflict' }, { path: ['no-verify'] }], ALL);
    expect(errors).toEqual({ tables: 'Pick tables for one scope only.', options: expect.any(String) });
  });

  it('an issue on a field the form does not show lands on one it does', () => {
    expect(Object.keys(fieldErrors([{ path: ['name'] }], new Set(['db'])))).toEqual(['db']);
  });
});
