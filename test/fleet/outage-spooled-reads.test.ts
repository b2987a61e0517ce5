import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { failedInTheSpool, withOutageStore } from '../helpers/outage-store.js';

// Between PostgreSQL's return and the spool's flush — which a backup still running in the spool
// can put off for hours — the messages the spool holds are the admin's to see and retry like any
// other: in the console (the service's own store) and with `vigil outbox list/show/retry` (another
// process, reading the spool in dataDir: outage-spooled-outbox-cli.test.ts). The service's store
// on a throwaway cluster, halted and resumed, with the flush held.

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');

test('the service’s store lists, shows, counts, retries and claims a message the spool still holds after the return', { timeout: 120_000 }, () =>
  withOutageStore(cluster, T0, async (c) => {
    const { store, clock } = c;
    const { id, release } = await failedInTheSpool(c);

    assert.equal((await store.outbox.get(id))?.state, 'failed', 'shown (the console’s message page)');
    assert.deepEqual((await store.outbox.list({ limit: 10 })).map((m) => m.id), [id], 'listed');
    assert.deepEqual((await store.outbox.list({ states: ['failed'], limit: 10 })).map((m) => m.id), [id], 'listed by its state');
    assert.equal((await store.outbox.countByState()).failed, 1, 'counted');
    assert.match((await store.outbox.raw(id))?.toString() ?? '', /documents failed/, 'its raw message');
    assert.equal((await store.outbox.retry(id, clock.now())).state, 'queued', 'retried');
    assert.equal((await store.outbox.claimById(id, clock.now(), 60_000, 'fs01:1'))?.id, id, 'claimed by id (the console’s "send now")');
    await store.outbox.release([id], 'fs01:1', clock.now());
    await release();
  }));
