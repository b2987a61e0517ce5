import { VigilError } from '../../domain/errors.js';
import type { Migration } from '../sqlite/migrations.js';
import { redactUrl, type PgDatabase } from './database.js';
import { PG_MIGRATIONS } from './migrations.js';

/** Migrating waits this long at most for another host's migration (the advisory lock). */
const MIGRATION_LOCK_TIMEOUT_MS = 120_000;
const MIGRATION_LOCK = 'vigil:schema-migrations';

/**
 * Brings the schema up to date: each migration in its own transaction, recorded in
 * schema_migrations, all under a session advisory lock so two hosts starting together do not both
 * migrate (the second waits, then finds nothing left to do). The lock goes with the connection,
 * so a host that dies mid-migration releases it.
 */
export async function migrate(db: PgDatabase, migrations: Migration[] = PG_MIGRATIONS): Promise<void> {
  const client = await db.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`SET statement_timeout = ${MIGRATION_LOCK_TIMEOUT_MS}`);
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      const newest = Math.max(0, ...applied);
      const known = Math.max(0, ...migrations.map((m) => m.version));
      if (newest > known) {
        throw new VigilError('ERR_STORE', `database ${redactUrl(db.connection.url)} has schema version ${newest}, newer than this Vigil knows (${known})`, {
          hint: 'Upgrade Vigil on this host: every host sharing the database must run a version that knows its schema.',
        });
      }
      for (const migration of migrations) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
          throw new VigilError('ERR_STORE', `migration ${migration.version} (${migration.name}) failed on ${redactUrl(db.connection.url)}: ${(error as Error).message}`, {
            hint: 'Nothing of this migration was applied. Check that the role owns the database (docs/fleet.md, "Database").',
            cause: error,
          });
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]).catch((error: Error) => (broken = error));
      await client.query('RESET statement_timeout').catch((error: Error) => (broken = error));
    }
  } finally {
    client.release(broken);
  }
}
