import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDb } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { tempDir } from '../helpers/tmp.js';

describe('openDb and migrations', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('applies every migration to an empty file, in WAL mode', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDb(join(t.dir, 'nested', 'a.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    const tables = db.prepare("select name from sqlite_master where type='table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['confirmations', 'audit', 'watches', 'outbox', 'leases']));
    db.close();
  });

  it('re-running is a no-op and keeps data', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'b.db');
    const db = openDb(path);
    db.prepare("insert into leases(name, holder, expires_at) values ('w', 'me', 1)").run();
    db.close();
    const again = openDb(path);
    expect(migrate(again)).toBe(0);
    expect(again.prepare('select holder from leases').pluck().get()).toBe('me');
    again.close();
  });

  it('upgrades step by step from an older version', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'c.db');
    openDb(path, MIGRATIONS.slice(0, 1)).close();
    const db = openDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    db.close();
  });

  it('refuses a database from a newer build', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'd.db');
    const db = openDb(path);
    db.pragma('user_version = 999');
    db.close();
    expect(() => openDb(path)).toThrow(/newer than this build/);
  });

  it('rolls back a failing migration whole', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'e.db');
    const bad = [
      ...MIGRATIONS,
      { version: 99, name: 'bad', sql: 'create table x(a); insert into nope values (1);' },
    ];
    expect(() => openDb(path, bad)).toThrow();
    const db = openDb(path);
    expect(db.prepare("select count(*) from sqlite_master where name='x'").pluck().get()).toBe(0);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    db.close();
  });
});
