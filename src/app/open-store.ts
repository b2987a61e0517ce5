import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../storage/ports/store.js';
import { DATABASE_FILE, openSqliteStore } from '../storage/sqlite/store.js';

/**
 * The store of a data directory. The one place the store adapter is chosen (SQLite today): the
 * service (context.ts) and the commands that only read or change the store open it here, so a
 * second store (PostgreSQL) is one change in this file.
 */
export function openStore(dataDir: string): Store {
  return openSqliteStore(dataDir);
}

/** Whether the data directory holds a store yet: a command that only reads must not create one. */
export function storeExists(dataDir: string): boolean {
  return existsSync(path.join(dataDir, DATABASE_FILE));
}
