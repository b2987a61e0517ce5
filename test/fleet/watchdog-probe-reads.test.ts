import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { openServiceStore } from '../../src/app/open-store.js';
import { databaseLoop } from '../../src/app/service.js';
import type { NewMessage } from '../../src/storage/ports/outbox-store.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { withCleanups } from '../helpers/cleanups.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { Workspace } from '../helpers/workspace.js';

// systemd's watchdog looks at the database every few seconds (service.ts, databaseLoop): it asks
// whether the database answers, not what is due. Its read was the Outbox's next due time over
// every pending message of the whole fleet, each look. Rows read are PostgreSQL's own counters
// (pg_stat_user_tables), flushed when a session ends: a count, not a timing.

const PENDING = 1_000;
const LOOKS = 10;

const cluster = usePostgres(withCleanups());

const message = (host: string, i: number): NewMessage => ({
  id: `${host}-${i}`,
  messageId: `<${host}-${i}@example.com>`,
  kind: 'test',
  severity: 'info',
  priority: 3,
  profile: 'office',
  dedupeKey: null,
  envelope: { from: 'vigil@example.com', to: ['ops@example.com'] },
  subject: `${host} ${i}`,
  raw: Buffer.from(`Subject: ${host} ${i}\r\n\r\nbody\r\n`),
  createdAt: i,
  host,
  fingerprint: 'f-office',
});

/** Heap rows PostgreSQL read from `table` so far (sequential and through indexes). */
async function rowsRead(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0) AS n FROM pg_stat_user_tables WHERE relname = $1`, [table]);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

test(`the watchdog's look at the database reads none of the ${PENDING} messages the fleet has pending, and still answers from the spool during an outage`, { timeout: 120_000 }, async () => {
  const db = await cluster.newDatabase();
  const ws = new Workspace('');
  try {
    const setup = await openPgStore({ url: db.url }, { host: 'h2' });
    await setup.outbox.enqueue([...Array.from({ length: PENDING / 2 }, (_v, i) => message('h2', i)), ...Array.from({ length: PENDING / 2 }, (_v, i) => message('h1', i))]);
    await setup.db.run('ANALYZE messages');
    await setup.close();

    const before = { messages: await rowsRead(db.url, 'messages') };
    const store = await openServiceStore({ dataDir: ws.dataDir, hostname: 'h1', database: { url: db.url } }, { clock: new FakeClock() });
    const probe = databaseLoop(store).probe!;
    try {
      for (let i = 0; i < LOOKS; i++) await probe();
    } finally {
      await store.close(); // its sessions end: PostgreSQL reports what they read
    }
    const read = (await rowsRead(db.url, 'messages')) - before.messages;
    assert.equal(read, 0, `${LOOKS} looks read ${read} rows of messages`);

    // PostgreSQL stopped: the service goes on with its spool, so the watchdog must not see a stall.
    const during = await openServiceStore({ dataDir: ws.dataDir, hostname: 'h1', database: { url: db.url } }, { clock: new FakeClock() });
    await cluster.halt();
    try {
      await databaseLoop(during).probe!();
      assert.ok((during as { local?: boolean }).local, 'the look found the database gone and the spool answered');
    } finally {
      await cluster.resume();
      await during.close();
    }
  } finally {
    ws.cleanup();
    await db.drop();
  }
});
