import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { isConnectionLost, PgDatabase } from '../../src/storage/postgres/database.js';
import { migrate } from '../../src/storage/postgres/migrate.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';

// PostgreSQL ending the connection that brings the schema up to date (a restart, a failover,
// pg_terminate_backend) fails the migration with a connection error the caller can classify,
// wherever it lands: during a statement, or between two (the connection is out of the pool then,
// and an 'error' event with no listener would end the process). The backend is terminated at
// whatever point the migration has reached, a number of times, each on a fresh database.

const ATTEMPTS = 12;

const cluster = usePostgres(withCleanups());

test('the migration connection terminated at any point: a connection error, never an unhandled error event', { timeout: 300_000 }, async () => {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const db = await cluster.newDatabase();
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const store = new PgDatabase({ url: db.url });
    try {
      let settled = false;
      const migrating = migrate(store).then(
        () => undefined,
        (error: unknown) => error,
      ).finally(() => (settled = true));
      let terminated = 0;
      while (!settled && terminated === 0) {
        terminated = (await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid != pg_backend_pid() AND application_name = 'vigil'`, [db.name])).rowCount ?? 0;
      }
      const error = await migrating;
      // Finished before it could be terminated: nothing to look at in this attempt.
      if (error === undefined) continue;
      assert.ok(isConnectionLost(error), `a connection error: ${(error as Error).message}`);
      // What happens on the connection after it failed (its 'end') must not reach the process either.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await store.close().catch(() => undefined);
      await admin.end().catch(() => undefined);
      await db.drop();
    }
  }
});
