import path from 'node:path';
import type { SqliteDatabase } from '../storage/sqlite/database.js';
import { openDatabase } from '../storage/sqlite/database.js';
import { DATABASE_FILE } from '../storage/sqlite/store.js';
import { VigilError } from '../domain/errors.js';
import { PgDatabase, storeUnavailable, type PgConnection, type Queryable } from '../storage/postgres/database.js';
import { migrate } from '../storage/postgres/migrate.js';

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table. */
const ROWS_PER_INSERT = 500;
/** A progress line every this many rows of a large table. */
const PROGRESS_EVERY_ROWS = 100_000;
/**
 * VACUUM (ANALYZE) of one copied table. A million runs take seconds; the deadline is for the
 * database stalling, and missing it costs nothing copied (autovacuum gets there later).
 */
const VACUUM_DEADLINE_MS = 10 * 60_000;

/** What the copy is doing, for a line on the terminal: a large history takes minutes. */
export type CopyProgress = (line: string) => void;

export interface CopiedTable {
  table: string;
  rows: number;
}

/**
 * Copies every table of a SQLite store into an empty PostgreSQL store at the same schema version
 * (`vigil database migrate`). One PostgreSQL transaction: the copy is all there, counts verified,
 * or nothing is (a failed or interrupted copy can simply be run again). Ids are kept (so every
 * reference between rows holds) and the identity sequences moved past them; the Outbox's enqueue
 * order is SQLite's rowid.
 */
export async function copySqliteToPostgres(sqlite: SqliteDatabase, pg: PgDatabase, host: string, progress: CopyProgress = () => undefined): Promise<CopiedTable[]> {
  const sourceVersion = (sqlite.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  const tables = tablesInCopyOrder(sqlite);
  return pg.exclusive('database-migrate', async (tx) => {
    const targetVersion = (await tx.one<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations'))?.v ?? 0;
    if (targetVersion !== sourceVersion) {
      throw new VigilError('ERR_STORE', `the SQLite store is at schema version ${sourceVersion} and the PostgreSQL database at ${targetVersion}`, {
        hint: 'Run the same Vigil version against both (open each once with it), then migrate again.',
      });
    }
    for (const table of tables) {
      const exists = (await tx.one<{ t: string | null }>('SELECT to_regclass($1) AS t', [quote(table)]))?.t;
      if (!exists) throw new VigilError('ERR_STORE', `the PostgreSQL database has no table ${table}`, { hint: 'Its schema is not Vigil’s at this version.' });
      const found = (await tx.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quote(table)}`))!;
      if (found.n > 0) {
        throw new VigilError('ERR_STORE', `the PostgreSQL database already holds data (${found.n} rows in ${table})`, {
          hint: 'Copy into an empty database: create a new one (docs/fleet.md, "Database"), or drop and recreate this one.',
        });
      }
    }
    const copied: CopiedTable[] = [];
    for (const table of tables) {
      const rows = await copyTable(sqlite, tx, table, progress);
      if (rows > 0) progress(`${table}: ${rows} rows copied`);
      copied.push({ table, rows });
    }
    for (const { table, rows } of copied) {
      const n = (await tx.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quote(table)}`))!.n;
      if (n !== rows) throw new VigilError('ERR_STORE', `${table}: ${rows} rows read from SQLite but ${n} in PostgreSQL; nothing was copied`, { hint: 'Report this as a bug.' });
    }
    await advanceIdentities(tx, tables);
    await adoptState(tx, tables, host);
    return copied;
  });
}

/**
 * A store in dataDir keeps its per-set and per-profile state under host '' (one host: migration
 * 42); in a shared database that state is the migrating host's, or the host would find its
 * schedules, failure streaks, pauses and verifications gone.
 */
async function adoptState(tx: Queryable, tables: string[], host: string): Promise<void> {
  const scoped = await tx.rows<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'host' AND column_default IS NOT NULL AND table_name = ANY($1::text[])`,
    [tables],
  );
  for (const { table_name: table } of scoped) await tx.run(`UPDATE ${quote(table)} SET host = $1 WHERE host = ''`, [host]);
}

/** Every table but the migrations' own, parents before the tables that reference them. */
function tablesInCopyOrder(sqlite: SqliteDatabase): string[] {
  const names = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  const parents = new Map(names.map((name) => [name, (sqlite.prepare(`SELECT "table" FROM pragma_foreign_key_list(?)`).all(name) as { table: string }[]).map((r) => r.table)]));
  const ordered: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name) || path.has(name)) return;
    for (const parent of parents.get(name) ?? []) if (parent !== name) visit(parent, new Set([...path, name]));
    ordered.push(name);
  };
  for (const name of names) visit(name, new Set());
  return ordered;
}

async function copyTable(sqlite: SqliteDatabase, tx: Queryable, table: string, progress: CopyProgress): Promise<number> {
  const target = (await tx.rows<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1', [table])).map((r) => r.column_name);
  const source = (sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name);
  const missing = source.filter((c) => !target.includes(c));
  if (missing.length) throw new VigilError('ERR_STORE', `${table}: the PostgreSQL table has no column ${missing.join(', ')}`, { hint: 'Its schema is not Vigil’s at this version.' });
  // SQLite keeps the Outbox's enqueue order implicitly (rowid); PostgreSQL in a column.
  const withOrder = table === 'messages' && target.includes('enqueue_order');
  const columns = [...source, ...(withOrder ? ['enqueue_order'] : [])];
  const select = sqlite.prepare(`SELECT ${source.map(quote).join(', ')}${withOrder ? ', rowid AS enqueue_order' : ''} FROM ${quote(table)} ORDER BY rowid`).raw(true);
  let batch: unknown[][] = [];
  let rows = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const values = batch.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
    await tx.run(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES ${values}`, batch.flat());
    if (Math.floor((rows + batch.length) / PROGRESS_EVERY_ROWS) > Math.floor(rows / PROGRESS_EVERY_ROWS)) progress(`${table}: ${rows + batch.length} rows…`);
    rows += batch.length;
    batch = [];
  };
  for (const row of select.iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length >= ROWS_PER_INSERT) await flush();
  }
  await flush();
  return rows;
}

/**
 * The copy arrives as one bulk load that autovacuum has not seen yet: without a VACUUM the
 * visibility map is empty, so the fleet summary's covering index (migration 44) cannot answer
 * alone, and without ANALYZE the planner knows none of the tables' sizes. Run after the copy
 * committed; a table it cannot vacuum in time is reported, not a failed copy.
 */
export async function analyseCopiedTables(pg: PgDatabase, copied: readonly CopiedTable[], progress: CopyProgress): Promise<string[]> {
  const skipped: string[] = [];
  for (const { table } of copied.filter((t) => t.rows > 0)) {
    progress(`${table}: VACUUM (ANALYZE)…`);
    try {
      await pg.maintenance(`VACUUM (ANALYZE) ${quote(table)}`, VACUUM_DEADLINE_MS);
    } catch (error) {
      progress(`${table}: VACUUM (ANALYZE) did not finish (${(error as Error).message}); autovacuum will do it, or run VACUUM (ANALYZE) ${quote(table)}; yourself`);
      skipped.push(table);
    }
  }
  return skipped;
}

/** Identity columns continue after the copied ids: the next row must not collide with one copied. */
async function advanceIdentities(tx: Queryable, tables: string[]): Promise<void> {
  const identities = await tx.rows<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES' AND table_name = ANY($1::text[])`,
    [tables],
  );
  for (const { table_name: table, column_name: column } of identities) {
    await tx.run(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(${quote(column)}) FROM ${quote(table)}), 0) + 1, false)`, [quote(table), column]);
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * `vigil database migrate`: the SQLite store of `dataDir` into the PostgreSQL database of
 * `connection` (migrated first, so both are at the same schema version) as host `host`'s, then
 * closes both. The
 * adapters meet here, in the composition root, rather than one adapter importing the other.
 */
export async function copyLocalStoreToPostgres(dataDir: string, connection: PgConnection, host: string, progress: CopyProgress = () => undefined): Promise<CopiedTable[]> {
  const sqlite = openDatabase(path.join(dataDir, DATABASE_FILE));
  const pg = new PgDatabase(connection);
  try {
    try {
      await pg.run('SELECT 1');
      await migrate(pg);
    } catch (error) {
      throw error instanceof VigilError ? error : storeUnavailable(connection, error);
    }
    const copied = await copySqliteToPostgres(sqlite, pg, host, progress);
    await analyseCopiedTables(pg, copied, progress);
    return copied;
  } finally {
    await pg.close();
    sqlite.close();
  }
}
