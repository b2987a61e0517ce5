import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import pg from 'pg';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { freePort } from '../helpers/sshd-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

const SETS = `sets:
  alpha: { engine: command, command: ["false"] }
`;

describe('database: the commands use PostgreSQL when database.url is set', () => {
  const cluster = usePostgres(withCleanups());
  let smtpPort: number;
  before(async () => {
    // Nothing listens there: alpha's alerts are paused, so no mail is attempted.
    smtpPort = await freePort();
  });

  it('vigil pause, run and activity write and read the PostgreSQL database; no SQLite file is created', { timeout: 120_000 }, async () => {
    const database = await cluster.newDatabase();
    const ws = new Workspace(smtpConfig({ servers: [{ port: smtpPort }], extra: `${SETS}database:\n  url: ${database.url}\n` }));
    try {
      const paused = await ws.vigil(['pause', 'alpha']);
      assert.equal(paused.code, 0, paused.stderr);
      const run = await ws.vigil(['run', 'alpha']);
      assert.equal(run.code, 1, run.stderr);
      const activity = JSON.parse((await ws.vigil(['activity', '--json'])).stdout) as Array<{ set: string; status: string }>;
      assert.deepEqual(activity.map((a) => [a.set, a.status]), [['alpha', 'failed']]);

      const client = new pg.Client({ connectionString: database.url, connectionTimeoutMillis: 10_000 });
      await client.connect();
      try {
        assert.deepEqual((await client.query('SELECT set_name, status FROM activities')).rows, [{ set_name: 'alpha', status: 'failed' }]);
        assert.deepEqual((await client.query('SELECT set_name FROM alert_pauses')).rows, [{ set_name: 'alpha' }]);
      } finally {
        await client.end();
      }
      assert.equal(existsSync(path.join(ws.dataDir, 'vigil.db')), false, 'the SQLite store was not opened');
    } finally {
      ws.cleanup();
      await database.drop();
    }
  });

  it('vigil config check names database.password when its variable is not set, and database.url when the server is unreachable', { timeout: 60_000 }, async () => {
    const ws = new Workspace(smtpConfig({ servers: [{ port: smtpPort }], extra: `database:\n  url: ${cluster.url()}\n  password: { env: VIGIL_TEST_DB_PASSWORD }\n` }));
    try {
      const missing = await ws.vigil(['config', 'check'], { env: { VIGIL_TEST_DB_PASSWORD: '' } });
      assert.equal(missing.code, 2, missing.stdout + missing.stderr);
      assert.match(missing.stderr, /vigil\.yaml:\d+: database\.password: database\.password: environment variable VIGIL_TEST_DB_PASSWORD is not set/);

      const closed = await freePort();
      ws.write(smtpConfig({ servers: [{ port: smtpPort }], extra: `database:\n  url: postgres://vigil@127.0.0.1:${closed}/vigil\n` }));
      const unreachable = await ws.vigil(['config', 'check']);
      assert.equal(unreachable.code, 2, unreachable.stdout + unreachable.stderr);
      assert.match(unreachable.stderr, new RegExp(`vigil\\.yaml:\\d+: database\\.url: cannot connect to the database postgres://vigil@127\\.0\\.0\\.1:${closed}/vigil: .*ECONNREFUSED.*PostgreSQL is running and reachable`));

      const listing = await ws.vigil(['activity']);
      assert.notEqual(listing.code, 0);
      assert.match(listing.stderr, /cannot connect to the database/);
      assert.doesNotMatch(listing.stderr, /\n\s+at /, 'a message and a hint, not a stack trace');
    } finally {
      ws.cleanup();
    }
  });
});
