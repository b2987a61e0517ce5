import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalSpool } from '../../src/app/local-spool.js';
import { flushSpool } from '../../src/app/spool-flush.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { withOutageStore } from '../helpers/outage-store.js';
import { waitFor } from '../helpers/wait-for.js';
import { Workspace } from '../helpers/workspace.js';

// A Mail Profile paused before PostgreSQL goes away stays paused in the spool (it starts from the
// database's profiles: spooling-profiles.ts). Resumed during the outage — a test message got
// through (`vigil mail test`, the console), or the pause ran out — the resume is the spool's word
// on the pause, the newer: copied back (write-back, or the flush of a spool left behind), it must
// end the database's pause too, not leave the profile's messages held back until the old pause's
// end (up to outbox.maxBackoff) after the database's return.

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');
const HOUR = 3_600_000;

test('a profile resumed during the outage stays resumed once the database is back (write-back)', { timeout: 120_000 }, () =>
  withOutageStore(cluster, T0, async ({ clock, store, heard, halt, resume }) => {
    await store.profiles.pause('office', T0 + 6 * HOUR, '535 authentication failed');

    await halt();
    clock.advance(60_000);
    await store.outbox.nextDueAt(); // the outage's first look: the spool, from the database's profiles
    assert.equal((await store.profiles.get('office')).pausedUntil, T0 + 6 * HOUR, 'paused in the spool');
    // What a test message that got through does (test-message.ts): verified, resumed.
    await store.profiles.markVerified('office', 'fp', clock.now());
    await store.profiles.resume('office');
    assert.equal((await store.profiles.get('office')).pausedUntil, null, 'resumed during the outage');

    await resume();
    await waitFor(() => heard.back > 0, { timeoutMs: 60_000, what: 'the database to be found back' });
    const after = await store.profiles.get('office');
    assert.equal(after.pausedUntil, null, 'still resumed after the return: the database has the resume');
    assert.equal(after.pauseReason, null);
    assert.equal(after.verifiedFingerprint, 'fp');
  }));

/**
 * The database's pause of office, and a spool the outage left behind that started from it and
 * verified the profile (and, if `resumedInSpool`, resumed it), flushed: office in the database after.
 */
async function flushedProfile(resumedInSpool: boolean) {
  const db = await cluster.newDatabase();
  const pg = await openPgStore({ url: db.url }, { host: 'fs01' });
  const ws = new Workspace('');
  try {
    await pg.profiles.pause('office', T0 + 6 * HOUR, '535 authentication failed');
    const spool = LocalSpool.create(ws.dataDir);
    await spool.store.profiles.pause('office', T0 + 6 * HOUR, '535 authentication failed');
    await spool.store.profiles.markVerified('office', 'fp', T0 + HOUR);
    if (resumedInSpool) await spool.store.profiles.resume('office');
    await flushSpool(spool.raw, pg.db, spool.id, 'fs01', T0 + 2 * HOUR);
    await spool.close();
    return await pg.profiles.get('office');
  } finally {
    await pg.close();
    ws.cleanup();
    await db.drop();
  }
}

test("a profile resumed in a spool left behind is resumed in the database by the spool's flush", { timeout: 120_000 }, async () => {
  assert.equal((await flushedProfile(true)).pausedUntil, null, 'resumed in the database too');
});

// The spool knew the pause (seeded) and a verification did not lift it (outage-profile-pause.test.ts).
test('a verification in the spool alone (no pause of its own) keeps a pause the database holds', { timeout: 120_000 }, async () => {
  const after = await flushedProfile(false);
  assert.equal(after.pausedUntil, T0 + 6 * HOUR, 'still paused');
  assert.equal(after.verifiedFingerprint, 'fp');
});
