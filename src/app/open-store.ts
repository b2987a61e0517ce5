import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseConfig } from '../config/schema/index.js';
import type { Store } from '../storage/ports/store.js';
import { openPgStore } from '../storage/postgres/store.js';
import { DATABASE_FILE, openSqliteStore } from '../storage/sqlite/store.js';
import { databaseConnection } from './database-connection.js';
import { configuredHostname } from './hostname.js';
import type { Clock } from '../domain/clock.js';
import { SpoolingStore } from './spooling-store.js';
import { LocalSpool } from './local-spool.js';
import { OutboxWithSpools } from './outbox-with-spools.js';

/** What choosing a store reads from the configuration. */
export interface StoreConfig {
  dataDir: string;
  database?: DatabaseConfig | undefined;
  hostname?: string | undefined;
}

/**
 * The store of a configuration. The one place the store adapter is chosen: PostgreSQL when
 * `database.url` is set (a fleet's shared database), else SQLite in dataDir. The service
 * (context.ts) and the commands that only read or change the store open it here.
 * `baseDir` resolves relative paths (database.tls.caFile), as for every other file key.
 * A shared store is opened for this host (`hostname`): the state it keeps per set and profile is
 * this host's (docs/fleet.md, "One database, each host's own state").
 */
export async function openStore(config: StoreConfig, options: { baseDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Store> {
  if (config.database) return openPgStore(databaseConnection(config.database, options.baseDir ?? process.cwd(), options.env), { host: configuredHostname(config) });
  return openSqliteStore(config.dataDir);
}

/**
 * The store of the service (`vigil start`): with PostgreSQL, one that keeps working while the
 * database is unreachable — runs and messages go to a local spool in dataDir meanwhile and are
 * copied in when it returns (spooling-store.ts). A spool left by a previous process is copied in
 * now; `onNote` hears what was copied.
 */
export async function openServiceStore(config: StoreConfig & { hostname: string }, options: { baseDir?: string; env?: NodeJS.ProcessEnv; clock: Clock; onNote?: (line: string) => void }): Promise<Store> {
  if (!config.database) return openSqliteStore(config.dataDir);
  const primary = await openPgStore(databaseConnection(config.database, options.baseDir ?? process.cwd(), options.env), { host: config.hostname });
  const store = new SpoolingStore(primary, primary.db, { dataDir: config.dataDir, host: config.hostname, clock: options.clock });
  for (const line of await store.recoverLeftovers()) options.onNote?.(line);
  await store.learnStreaks();
  return store;
}

/**
 * The store of a `vigil outbox` command. With PostgreSQL, its Outbox also reaches the messages
 * the host's service still holds in a spool in dataDir after the database's return, until that
 * spool is flushed (outbox-with-spools.ts): they are listed, shown and retried like the others.
 */
export async function openStoreWithSpools(config: StoreConfig, options: { baseDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Store> {
  if (!config.database) return openStore(config, options);
  const store = await openPgStore(databaseConnection(config.database, options.baseDir ?? process.cwd(), options.env), { host: configuredHostname(config) });
  let spools: LocalSpool[];
  try {
    spools = LocalSpool.existing(config.dataDir);
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    ...store,
    outbox: new OutboxWithSpools(store.outbox, spools, store.db),
    async close() {
      for (const spool of spools) await spool.close();
      await store.close();
    },
  };
}

/** SQLite's store, opened synchronously: for a configuration without `database:` only. */
export function openLocalStore(dataDir: string): Store {
  return openSqliteStore(dataDir);
}

/** Whether the configuration's store exists yet: a command that only reads must not create one. */
export function storeExists(config: StoreConfig): boolean {
  // A database server is there or not; a connection tells (and its error says what to do).
  if (config.database) return true;
  return existsSync(path.join(config.dataDir, DATABASE_FILE));
}

/** The store for one user of a longer-lived one: its close() leaves the store open (the owner closes it). */
export function borrowed(store: Store): Store {
  return { ...store, close: async () => undefined };
}
