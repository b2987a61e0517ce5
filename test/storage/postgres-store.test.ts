import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { freePort } from '../helpers/sshd-peer.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { PG_MIGRATIONS } from '../../src/storage/postgres/migrations.js';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations.js';

// The ports' behaviour is the conformance suite's (test/conformance/postgres-store.test.ts); this
// file holds what is the PostgreSQL store's own: its migrations and how it fails to connect.

const cluster = usePostgres(withCleanups());

test('postgres: one migration history: the same versions and names as SQLite, in the same order', () => {
  const history = (list: typeof MIGRATIONS) => list.map((m) => `${m.version} ${m.name}`);
  assert.deepEqual(history(PG_MIGRATIONS), history(MIGRATIONS));
});

test('postgres: two hosts opening an empty database together migrate it once', async () => {
  const database = await cluster.newDatabase();
  try {
    const stores = await Promise.all([openPgStore({ url: database.url }), openPgStore({ url: database.url }), openPgStore({ url: database.url })]);
    await Promise.all(stores.map((s) => s.close()));
    const applied = await queryIn(database.url, 'SELECT version, name FROM schema_migrations ORDER BY version');
    assert.deepEqual(applied.map((r) => `${r.version} ${r.name}`), MIGRATIONS.map((m) => `${m.version} ${m.name}`));
  } finally {
    await database.drop();
  }
});

test('postgres: a database migrated by a newer Vigil is refused with ERR_STORE, not used', async () => {
  const database = await cluster.newDatabase();
  try {
    await (await openPgStore({ url: database.url })).close();
    await queryIn(database.url, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from the future', 0)`);
    await assert.rejects(openPgStore({ url: database.url }), (error: Error & { code?: string; hint?: string }) => {
      assert.equal(error.code, 'ERR_STORE');
      assert.match(error.message, /schema version 9999, newer than this Vigil knows/);
      assert.match(error.hint ?? '', /Upgrade Vigil/);
      return true;
    });
  } finally {
    await database.drop();
  }
});

test('postgres: an unreachable database is ERR_STORE with a hint, and the password appears nowhere', async () => {
  const port = await freePort();
  const password = 'correct-horse-battery';
  await assert.rejects(openPgStore({ url: `postgres://vigil:${password}@127.0.0.1:${port}/vigil`, password }), (error: Error & { code?: string; hint?: string }) => {
    assert.equal(error.code, 'ERR_STORE');
    assert.match(error.message, new RegExp(`cannot connect to the database postgres://vigil:\\*\\*\\*@127\\.0\\.0\\.1:${port}/vigil`));
    assert.match(error.hint ?? '', /PostgreSQL is running and reachable/);
    assert.ok(!`${error.message} ${error.hint} ${error.stack}`.includes(password), 'the password is not shown');
    return true;
  });
});

test('postgres: the password is sent apart from the URL; a wrong one is ERR_STORE naming database.password, and is shown nowhere', async () => {
  const database = await cluster.newDatabase();
  const password = 'open-sesame-42';
  try {
    await cluster.query(`CREATE ROLE password_login NOLOGIN`).catch(() => undefined);
    await cluster.query(`CREATE ROLE vigil_pw LOGIN PASSWORD '${password}' IN ROLE password_login`);
    await cluster.query(`ALTER DATABASE ${database.name} OWNER TO vigil_pw`);
    const url = `postgres://vigil_pw@127.0.0.1:${cluster.port}/${database.name}`;
    const store = await openPgStore({ url, password });
    assert.deepEqual(await store.outbox.countByState(), {});
    await store.close();
    await assert.rejects(openPgStore({ url, password: 'wrong' }), (error: Error & { code?: string; hint?: string }) => {
      assert.equal(error.code, 'ERR_STORE');
      assert.match(error.message, /password authentication failed for user "vigil_pw"/);
      assert.match(error.hint ?? '', /check database\.password/);
      return true;
    });
    await assert.rejects(openPgStore({ url }), { code: 'ERR_STORE' }, 'no password, no entry: the role is not trusted');
  } finally {
    await database.drop();
    await cluster.query('DROP ROLE IF EXISTS vigil_pw');
  }
});

test('postgres: a database that does not exist is named in the hint', async () => {
  await assert.rejects(openPgStore({ url: cluster.url('no_such_database') }), (error: Error & { code?: string; hint?: string }) => {
    assert.equal(error.code, 'ERR_STORE');
    assert.match(error.hint ?? '', /does not exist/);
    return true;
  });
});

async function queryIn(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}
