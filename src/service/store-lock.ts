import { resolve } from 'node:path';
import { StoreError, StoreErrorCodes } from './store-errors.js';

/** The part of better-sqlite3's API the lock uses. */
interface LockDatabase {
  exec(source: string): unknown;
  close(): unknown;
}
type LockDriver = new (path: string, options: { timeout: number }) => LockDatabase;

/** Store files this process holds, by absolute path: services of one process may share a file (a restart in tests opens it again). */
const held = new Map<string, { db: LockDatabase; users: number }>();

/**
 * Claims the store at `path` for this process: an exclusive SQLite lock on `<path>-lock`,
 * held until `release()`. Two processes writing one store would overwrite each other's state
 * machines (the catalogue is written whole) and fail each other's running executions at
 * start-up; the second one is refused here instead. The operating system drops the lock when
 * its process dies, so a restart after `kill -9` takes it at once. Answers the release.
 */
export function lockStore(path: string, Driver: LockDriver): () => void {
  const key = resolve(path);
  let entry = held.get(key);
  if (entry === undefined) {
    let db: LockDatabase;
    try {
      db = new Driver(`${key}-lock`, { timeout: 0 });
    } catch (error) {
      // A folder that does not exist, one this process may not write in: the store's own file would fail alike.
      throw new StoreError(StoreErrorCodes.CORRUPT, path, `${path} is not a usable statemill store: ${(error as Error).message}`);
    }
    try {
      // The journal in memory: the lock leaves no second file beside it.
      db.exec('PRAGMA journal_mode = MEMORY; BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      throw new StoreError(
        StoreErrorCodes.IN_USE,
        path,
        `${path} is in use by another process (a statemill store is served by one at a time); stop that one, or give this one another file`,
      );
    }
    entry = { db, users: 0 };
    held.set(key, entry);
  }
  entry.users++;
  const claimed = entry;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--claimed.users > 0) return;
    held.delete(key);
    claimed.db.close();
  };
}
