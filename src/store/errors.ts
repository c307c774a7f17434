// What went wrong with the database file, in words an operator can act on: SQLite's own error codes
// (better-sqlite3 puts them on `code`) for a file that cannot be written.
export type StorageProblem = 'read-only' | 'full' | 'unavailable';

export function storageProblem(e: unknown): StorageProblem | null {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code === 'SQLITE_FULL') return 'full';
  if (/^SQLITE_(IOERR|CANTOPEN|BUSY|LOCKED|CORRUPT|NOTADB)/.test(code)) return 'unavailable';
  return null;
}

/** What is wrong with the database, to follow "the bot's database …". */
export function storageState(p: StorageProblem | null): string {
  if (p === 'read-only') return 'is read-only';
  if (p === 'full') return 'is full (no space left on its disk)';
  return 'cannot be written right now';
}

/** One sentence for the person who asked: what is wrong, and that nothing ran because of it. */
export function storageMessage(p: StorageProblem): string {
  return `The bot's database ${storageState(p)}, so nothing was stored and nothing ran. An administrator must fix DATABASE_PATH; try again after.`;
}
