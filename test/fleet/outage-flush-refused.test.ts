import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { storeFallback } from '../../src/app/spooling-store.js';
import { withCleanups } from '../helpers/cleanups.js';
import { withOutageStore } from '../helpers/outage-store.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { waitFor } from '../helpers/wait-for.js';

// The database is back and takes the host's state, but refuses the flush of the spool — here a
// constraint on spool_flushes the flush's INSERT breaks (as a full disk or a trigger would):
// not a lost connection. The service's store (spooling-store.ts) must say so once, tell the
// admin once (the `refused` its listeners hear becomes the database-write-back-failed fault),
// try again less and less often, and flush once the database accepts it.

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');

async function asOwner(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

test('a flush the database refuses is warned once, alerted once, retried with back-off, and done once accepted', { timeout: 180_000 }, async () => {
  await withOutageStore(cluster, T0, async ({ db, store, heard, halt, resume }) => {
    const warnings: string[] = [];
    const refused: string[] = [];
    storeFallback(store)!.listen({ unreachable: () => undefined, note: (line, level) => void (level === 'warn' && warnings.push(line)), flushed: () => undefined, refused: (detail) => void refused.push(detail) });
    await asOwner(db.url, `ALTER TABLE spool_flushes ADD CONSTRAINT refuse_for_the_test CHECK (spool_id = '') NOT VALID`);

    await halt();
    await store.alertPauses.pause(['web'], T0, null); // into the spool
    await resume();
    await waitFor(() => refused.length > 0, { timeoutMs: 60_000, what: 'the admin told that the database refuses the flush' });
    assert.match(refused[0]!, /refuses the flush of the spool \S+: .*refuse_for_the_test/, 'the cause is named');
    assert.equal(heard.flushed, 0);

    // A while of refusals (3 s, 6 s, 12 s … apart): no more alerts, no more warnings.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    assert.equal(refused.length, 1, 'alerted once');
    assert.deepEqual(warnings.filter((w) => /refuse_for_the_test/.test(w)).length, 1, `warned once:\n${warnings.join('\n')}`);

    await asOwner(db.url, 'ALTER TABLE spool_flushes DROP CONSTRAINT refuse_for_the_test');
    await waitFor(() => heard.flushed > 0, { timeoutMs: 90_000, what: 'the flush once the database accepts it' });
    assert.equal(refused.length, 1);
  });
});
