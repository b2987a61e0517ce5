import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { freePort } from '../helpers/sshd-peer.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

const SETS = `sets:
  alpha: { engine: command, command: ["false"] }
`;

async function inPostgres<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('vigil database migrate --to postgres://…', () => {
  const cleanups = withCleanups();
  const cluster = usePostgres(cleanups);
  let smtpPort: number;
  let peer: SmtpPeer;
  before(async () => {
    peer = await SmtpPeer.start();
    cleanups.push(() => peer.stop());
    smtpPort = peer.port;
  });

  it('copies every table of the SQLite store, verifies the counts, and PostgreSQL carries on from there', { timeout: 180_000 }, async () => {
    const database = await cluster.newDatabase();
    const ws = new Workspace(smtpConfig({ servers: [{ port: smtpPort }], extra: SETS }));
    try {
      // A SQLite store with history: two failed runs (activities, logs, ledger, streak), their
      // alerts delivered (messages with raw bytes, attempts), a pause.
      for (let i = 0; i < 2; i++) assert.equal((await ws.vigil(['run', 'alpha'])).code, 1);
      assert.equal((await ws.vigil(['pause', 'alpha', '--for', '1h'])).code, 0);
      const sqlite = new Database(path.join(ws.dataDir, 'vigil.db'), { readonly: true });
      const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'").all() as { name: string }[]).map((r) => r.name);
      const counts = Object.fromEntries(tables.map((t) => [t, (sqlite.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n]));
      const raws = sqlite.prepare('SELECT id, raw FROM messages ORDER BY rowid').all() as Array<{ id: string; raw: Buffer }>;
      const lastActivity = (sqlite.prepare('SELECT MAX(id) AS id FROM activities').get() as { id: number }).id;
      sqlite.close();
      assert.ok(counts.activities! >= 2 && counts.messages! >= 1 && counts.attempts! >= 1 && counts.alert_pauses === 1, JSON.stringify(counts));

      const migrated = await ws.vigil(['database', 'migrate', '--to', database.url, '--json']);
      assert.equal(migrated.code, 0, migrated.stderr);
      const report = JSON.parse(migrated.stdout) as { tables: Array<{ table: string; rows: number }>; rows: number };
      assert.deepEqual(Object.fromEntries(report.tables.map((t) => [t.table, t.rows])), counts, 'every table, every row');

      assert.match(migrated.stderr, /^activities: \d+ rows copied$/m, 'progress on stderr, stdout stays JSON');
      await inPostgres(database.url, async (client) => {
        // Vacuumed and analysed after the bulk load: the planner knows the table's size, and the
        // visibility map the fleet summary's index-only scans need is built (autovacuum, with its
        // thresholds, would not look at a table this small at all). relallvisible itself is not
        // asserted: the test cluster commits asynchronously, and VACUUM cannot mark a page whose
        // rows' commit is not yet flushed (PostgreSQL's rule for hint bits).
        const stats = (await client.query("SELECT c.reltuples, s.vacuum_count, s.analyze_count FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = 'activities'::regclass")).rows[0] as { reltuples: number; vacuum_count: string; analyze_count: string };
        assert.ok(stats.reltuples === counts.activities && Number(stats.vacuum_count) >= 1 && Number(stats.analyze_count) >= 1, `activities vacuumed and analysed: ${JSON.stringify(stats)}`);
        for (const [table, n] of Object.entries(counts)) assert.equal((await client.query(`SELECT COUNT(*)::int AS n FROM "${table}"`)).rows[0].n, n, table);
        const copied = (await client.query('SELECT id, raw FROM messages ORDER BY enqueue_order')).rows as Array<{ id: string; raw: Buffer }>;
        assert.deepEqual(copied, raws, 'the rendered messages byte for byte, in enqueue order');
      });

      // The host now runs on PostgreSQL: a new run gets a new id after the copied ones. Its state
      // came along as this host's (the database is shared by hosts, SQLite's was one host's): the
      // pause is in force and the failing streak goes on, so the third failure sends nothing.
      ws.write(smtpConfig({ servers: [{ port: smtpPort }], extra: `${SETS}database:\n  url: ${database.url}\n` }));
      await inPostgres(database.url, async (client) => {
        assert.deepEqual((await client.query('SELECT host, set_name FROM alert_pauses')).rows, [{ host: 'vigil-test.example.com', set_name: 'alpha' }]);
        assert.deepEqual((await client.query('SELECT host FROM notify_state')).rows, [{ host: 'vigil-test.example.com' }]);
      });
      const alerts = peer.received.length;
      assert.equal((await ws.vigil(['run', 'alpha'])).code, 1);
      assert.equal(peer.received.length, alerts, 'paused, and already alerted: no new message');
      const activity = JSON.parse((await ws.vigil(['activity', '--json'])).stdout) as Array<{ id: number }>;
      assert.equal(activity.length, counts.activities! + 1);
      assert.ok(activity[0]!.id > lastActivity, `new id ${activity[0]!.id} after ${lastActivity}`);

      // Copying again into a database that holds data is refused, and writes nothing.
      const again = await ws.vigil(['database', 'migrate', '--to', database.url]);
      assert.equal(again.code, 1, again.stdout + again.stderr);
      assert.match(again.stderr, /already holds data/);
    } finally {
      ws.cleanup();
      await database.drop();
    }
  });

  it('refuses a --to that is not a PostgreSQL URL, or that carries a password, without echoing it', { timeout: 60_000 }, async () => {
    const ws = new Workspace(smtpConfig({ servers: [{ port: await freePort() }], extra: SETS }));
    try {
      const bad = await ws.vigil(['database', 'migrate', '--to', 'postgres://vigil:hunter2-inline@db.example.com/vigil']);
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /--to: .* has a password in it/);
      assert.ok(!bad.stderr.includes('hunter2-inline'));
    } finally {
      ws.cleanup();
    }
  });
});
