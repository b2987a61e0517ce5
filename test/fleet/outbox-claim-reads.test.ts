import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import type { NewMessage } from '../../src/storage/ports/outbox-store.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';

// A host's claim on a shared Outbox reads its own due messages, not the whole fleet's queue. It
// walked the due index (priority, next_attempt_at) and filtered on host row by row, so each claim
// read every pending message of every other host queued ahead of its own: with three hosts the
// claim statement cost ~25 times its single-host cost in bench:fleet (docs/performance.md). Rows
// read are PostgreSQL's own counters (pg_stat_user_tables), flushed when a session ends: a count,
// not a timing.

const OTHERS = 1_000;
const MINE = 5;

const cleanups = withCleanups();
const cluster = usePostgres(cleanups);

const message = (host: string, i: number, priority = 3): NewMessage => ({
  id: `${host}-${i}`,
  messageId: `<${host}-${i}@example.com>`,
  kind: 'test',
  severity: 'info',
  priority,
  profile: 'office',
  dedupeKey: null,
  envelope: { from: 'vigil@example.com', to: ['ops@example.com'] },
  subject: `${host} ${i}`,
  raw: Buffer.from(`Subject: ${host} ${i}\r\n\r\nbody\r\n`),
  // The other host's messages are older: they come first in the due index's order.
  createdAt: host === 'h1' ? 10_000 + i : i,
  host,
  fingerprint: 'f-office',
});

/** Heap rows PostgreSQL read from `messages` so far (sequential and through indexes). */
async function rowsRead(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0) AS n FROM pg_stat_user_tables WHERE relname = 'messages'`);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

test(`a host's claim reads its own due messages, not the ${OTHERS} another live host has queued ahead of them`, { timeout: 120_000 }, async () => {
  const db = await cluster.newDatabase();
  try {
    const setup = await openPgStore({ url: db.url }, { host: 'h1' });
    await setup.outbox.enqueue([...Array.from({ length: OTHERS }, (_v, i) => message('h2', i)), ...Array.from({ length: MINE }, (_v, i) => message('h1', i))]);
    await setup.db.run('ANALYZE messages'); // as autovacuum does once a table has grown
    await setup.close();

    const before = await rowsRead(db.url);
    const store = await openPgStore({ url: db.url }, { host: 'h1', migrate: false });
    const claimed = await store.outbox.claimDue(20_000, MINE, 60_000, 'h1:1', [], { host: 'h1' });
    await store.close(); // its session ends: PostgreSQL reports what it read
    const read = (await rowsRead(db.url)) - before;

    assert.deepEqual(claimed.map((m) => m.id), Array.from({ length: MINE }, (_v, i) => `h1-${i}`));
    assert.ok(read <= 4 * MINE, `claiming ${MINE} messages read ${read} rows of messages (${OTHERS} belong to another host)`);
  } finally {
    await db.drop();
  }
});

test(`a host looking for its next due message reads its own pending messages, not the ${OTHERS} of another live host`, { timeout: 120_000 }, async () => {
  const db = await cluster.newDatabase();
  try {
    const setup = await openPgStore({ url: db.url }, { host: 'h1' });
    await setup.outbox.enqueue([...Array.from({ length: OTHERS }, (_v, i) => message('h2', i)), ...Array.from({ length: MINE }, (_v, i) => message('h1', i))]);
    await setup.db.run('ANALYZE messages');
    await setup.close();

    const before = await rowsRead(db.url);
    const store = await openPgStore({ url: db.url }, { host: 'h1', migrate: false });
    const next = await store.outbox.nextDueAt([], { host: 'h1' });
    await store.close();
    const read = (await rowsRead(db.url)) - before;

    assert.equal(next, 10_000, "h1's oldest message");
    assert.ok(read <= 4 * MINE, `looking for the next due message read ${read} rows of messages (${OTHERS} belong to another host)`);
  } finally {
    await db.drop();
  }
});

test("a hand-over still claims in priority order across this host's messages and a gone host's", { timeout: 120_000 }, async () => {
  const db = await cluster.newDatabase();
  try {
    const store = await openPgStore({ url: db.url }, { host: 'h1' });
    await store.outbox.enqueue([message('h1', 0, 3), message('h2', 0, 1), { ...message('h3', 0, 0), fingerprint: 'other' }, message('h2', 1, 3), { ...message('h0', 0, 2), host: null }]);
    const scope = { host: 'h1', handOver: { hosts: ['h2', 'h3'], fingerprints: { office: 'f-office' } } };
    const claimed = await store.outbox.claimDue(20_000, 10, 60_000, 'h1:1', [], scope);
    // h3's message is for a profile h1 has with another fingerprint: never h1's to send.
    assert.deepEqual(claimed.map((m) => m.id), ['h2-0', 'h0-0', 'h2-1', 'h1-0']);
    await store.close();
  } finally {
    await db.drop();
  }
});
