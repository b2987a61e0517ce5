import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { withOutageStore } from '../helpers/outage-store.js';
import { waitFor } from '../helpers/wait-for.js';

// A spool starts from the database's Mail Profiles and vault rotations (spooling-profiles.ts,
// spooling-vault-checks.ts). When the database returns, the write-back copies them in and the
// spool forgets them — but the spool itself stays until its flush, which a backup still running
// in it puts off. PostgreSQL gone again before that flush: the same spool is used, and what it
// forgot must not read as blank (a paused profile tried again, the vault check's first slice
// read again). The service's own store on a throwaway cluster, halted twice.

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');
const HOUR = 3_600_000;
const VAULT = 'restic:/srv/backup/repo';

test('a second outage before the flush still knows the paused profile and the vault rotation', { timeout: 180_000 }, () =>
  withOutageStore(cluster, T0, async ({ clock, store, heard, halt, resume, holdFlush }) => {
    await store.profiles.pause('office', T0 + 6 * HOUR, '535 authentication failed');
    await store.vaultChecks.done(VAULT, 4, 1, T0);
    assert.equal(await store.vaultChecks.next(VAULT, 4), 2);

    await halt();
    clock.advance(60_000);
    await store.outbox.nextDueAt(); // the outage is found: a spool, from the database's state
    assert.equal((await store.profiles.get('office')).pausedUntil, T0 + 6 * HOUR, 'paused in the first outage');
    await store.vaultChecks.done(VAULT, 4, 2, clock.now());
    assert.equal(await store.vaultChecks.next(VAULT, 4), 3);

    // Back, written back, but not flushed (in the service: a backup still running in the spool).
    const release = holdFlush();
    await resume();
    await waitFor(() => heard.back > 0, { timeoutMs: 60_000, what: 'the database to be found back' });
    assert.equal(await store.vaultChecks.next(VAULT, 4), 3, 'the database has the rotation');

    await halt();
    clock.advance(60_000);
    await store.outbox.nextDueAt(); // the second outage is found: the same spool
    assert.ok(store.local, 'in the second outage');
    assert.equal((await store.profiles.get('office')).pausedUntil, T0 + 6 * HOUR, 'still paused in the second outage');
    assert.equal(await store.vaultChecks.next(VAULT, 4), 3, 'the next slice in the second outage, not the first again');

    await resume();
    await release();
  }));
