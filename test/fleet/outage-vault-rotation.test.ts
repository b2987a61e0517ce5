import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../src/storage/ports/store.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { withOutageStore } from '../helpers/outage-store.js';
import { waitFor } from '../helpers/wait-for.js';

// The weekly vault check reads one slice of a vault's data a week (admin.readDataWeeks), the next
// one each time. A check during a PostgreSQL outage reads the slice after the last one read, not
// the first again (a slice read twice, another not read for weeks), and the rotation goes on from
// it after the return. The service's own store on a throwaway cluster, halted and resumed.

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');
const WEEK = 7 * 86_400_000;
const VAULT = 'restic:/srv/backup/repo';

test('the vault check’s rotation goes on through an outage: the next slice, not the first again', { timeout: 120_000 }, async () => {
  // Read before the service started (a previous process): known from the database only.
  await withOutageStore(cluster, T0, async ({ db, clock, store, heard, halt, resume }) => {
    const before: Store = await openPgStore({ url: db.url }, { host: 'fs01' });
    try {
      await before.vaultChecks.done(VAULT, 4, 2, T0 - WEEK);
    } finally {
      await before.close();
    }
    await store.learnStreaks(); // what the service reads at its start (openServiceStore)
    assert.equal(await store.vaultChecks.next(VAULT, 4), 3, 'slice 3 is next');

    await halt();
    clock.advance(WEEK);
    await store.outbox.nextDueAt(); // the outage is found: a spool is made
    assert.equal(await store.vaultChecks.next(VAULT, 4), 3, 'during the outage slice 3 is still next');
    await store.vaultChecks.done(VAULT, 4, 3, clock.now());
    assert.equal(await store.vaultChecks.next(VAULT, 4), 4);

    await resume();
    await waitFor(() => heard.flushed > 0, { timeoutMs: 60_000, what: 'the spool to be flushed' });
    assert.equal(await store.vaultChecks.next(VAULT, 4), 4, 'after it, slice 4');
  });
});
