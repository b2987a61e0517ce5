import { randomUUID } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../storage/ports/store.js';
import { openDatabase, type SqliteDatabase } from '../storage/sqlite/database.js';
import { DATABASE_FILE, openSqliteStore } from '../storage/sqlite/store.js';

/** Where the spools of a data directory live: one subdirectory (its id) each. */
export const SPOOL_DIR = 'spool';

/**
 * A local SQLite store that holds what a host records while its PostgreSQL is unreachable: the
 * store adapter Vigil uses on a single host, in `dataDir/spool/<id>/`, with a raw handle for the
 * flush (spool-flush.ts). Its id, random, names it in the database's `spool_flushes` once copied.
 */
export class LocalSpool {
  private constructor(
    readonly id: string,
    readonly dir: string,
    readonly store: Store,
    readonly raw: SqliteDatabase,
  ) {}

  /** A new, empty spool. */
  static create(dataDir: string): LocalSpool {
    return LocalSpool.open(path.join(dataDir, SPOOL_DIR, randomUUID()));
  }

  /** Spools a previous process left (it crashed or stopped before the database returned). */
  static leftovers(dataDir: string): LocalSpool[] {
    const root = path.join(dataDir, SPOOL_DIR);
    if (!existsSync(root)) return [];
    return readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => LocalSpool.open(path.join(root, entry.name)));
  }

  /**
   * The spools in dataDir as another process (a `vigil outbox` command) finds them while the
   * service owns them: opened as they are, none created, and one the service deletes meanwhile
   * (flushed) left out rather than made again.
   */
  static existing(dataDir: string): LocalSpool[] {
    const root = path.join(dataDir, SPOOL_DIR);
    if (!existsSync(root)) return [];
    const spools: LocalSpool[] = [];
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      const dir = path.join(root, entry.name);
      // Another account's (the service's, 0700): a command run by it cannot reach the spool, as before.
      if (!entry.isDirectory() || !accessible(dir)) continue;
      let store: ReturnType<typeof openSqliteStore> | undefined;
      try {
        store = openSqliteStore(dir, { mustExist: true });
        spools.push(new LocalSpool(entry.name, dir, store, openDatabase(store.file, undefined, { mustExist: true })));
      } catch (error) {
        void store?.close();
        // Flushed and deleted while we looked (or not yet created): not a spool to read.
        if (existsSync(path.join(dir, DATABASE_FILE))) throw error;
      }
    }
    return spools;
  }

  private static open(dir: string): LocalSpool {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const store = openSqliteStore(dir);
    return new LocalSpool(path.basename(dir), dir, store, openDatabase(store.file));
  }

  async close(): Promise<void> {
    this.raw.close();
    await this.store.close();
  }

  /** Closes it and deletes its files: only once its content is in the database. */
  async remove(): Promise<void> {
    await this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function accessible(dir: string): boolean {
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A port's calls, routed: to the database while it answers, to the spool while it does not. */
export interface Router {
  readonly local: boolean;
  /** Runs `primary`; when the database is unreachable (now, or found so by this call), `local` on the spool. */
  route<T>(primary: () => Promise<T>, local: (spool: LocalSpool) => Promise<T>): Promise<T>;
  /** The database was found unreachable by a call that has no local fallback. */
  lost(error: unknown): boolean;
  /** The current spool (a new one when there is none). */
  spool(): Promise<LocalSpool>;
  /** The current spool, if there is one, once a flush in progress has finished; none is created. */
  settled(): Promise<LocalSpool | undefined>;
  /** Runs `work` with no flush starting meanwhile (it reads the spool and writes what a flush would overwrite). */
  holding<T>(work: () => Promise<T>): Promise<T>;
}
