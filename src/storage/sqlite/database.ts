import Database from 'better-sqlite3';
import path from 'node:path';
import { VigilError } from '../../domain/errors.js';
import { MIGRATIONS } from './migrations.js';
import type { Migration } from '../ports/migration.js';
import { makeDirsSync } from '../../platform/make-dirs.js';

export type SqliteDatabase = Database.Database;

/** Waiting for another process's write lock never lasts longer than this. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating if needed, unless `mustExist`) the database in `dataDir`, in WAL mode so readers (the CLI) never
 * block the service's writer, and brings the schema up to date.
 */
export function openDatabase(file: string, migrations: Migration[] = MIGRATIONS, options: { mustExist?: boolean } = {}): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    // mustExist: another process's database (a service's spool), which is not to be created again once it deletes it.
    if (!options.mustExist) makeDirsSync(path.dirname(file));
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS, fileMustExist: options.mustExist === true });
    db.pragma('journal_mode = WAL');
    // FULL: a committed enqueue survives power loss, not only a process crash (Postfix fsyncs
    // before it answers 250; so do we before enqueue returns).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    throw new VigilError('ERR_STORE', `cannot open database ${file}: ${(error as Error).message}`, {
      hint: 'Check that dataDir exists, is writable by the account the service runs as, and is on a local disk.',
      cause: error,
    });
  }
  migrate(db, migrations, file);
  return db;
}

function migrate(db: SqliteDatabase, migrations: Migration[], file: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known) {
    throw new VigilError('ERR_STORE', `database ${file} has schema version ${newest}, newer than this Vigil knows (${known})`, {
      hint: 'Upgrade Vigil, or point dataDir elsewhere.',
    });
  }
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    // IMMEDIATE: two processes starting together do not both apply the same migration.
    db.transaction(() => {
      const again = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (again) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, Date.now());
    }).immediate();
  }
}
