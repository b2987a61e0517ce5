import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StreakState } from '../../src/domain/streak-state.js';
import type { Store } from '../../src/storage/ports/store.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import type { TestDatabase } from '../helpers/postgres.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { withOutageStore } from '../helpers/outage-store.js';
import { waitFor } from '../helpers/wait-for.js';

// What the service records of its host's own state while PostgreSQL is away — an alert pause an
// admin set from the console and what it held back, a Mail Profile paused for its credentials, a
// delivery route suspended, a set's failing streak — is the host's state once the database is
// back, and never overwrites a newer state another process (`vigil run`, `vigil pause`) wrote there
// after its return. The service's own store (spooling-store.ts) on a throwaway cluster, halted
// and resumed; what is left is read as another process would, through a store of its own.

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');

/** Another process of the host (`vigil run`, `vigil pause`): the database only. */
const otherProcess = (db: TestDatabase): Promise<Store> => openPgStore({ url: db.url }, { host: 'fs01' });

const failing = (failures: number, at: number): StreakState => ({ set: 'home', failures, failingSince: T0, signature: 'failed:disk full', alertedAt: at, lastStatus: 'failed' });

test('a pause, a paused profile and a suspended route set during the outage hold after it, with what the pause held back', { timeout: 120_000 }, () =>
  withOutageStore(cluster, T0, async ({ db, clock, store, heard, halt, resume }) => {
    await halt();
    await store.alertPauses.pause(['home'], clock.now(), null);
    await store.alertPauses.recordSuppressed({ set: 'home', at: clock.now() + 1_000, what: 'backup home failed' });
    await store.profiles.pause('office', T0 + 600_000, '535 authentication failed');
    await store.outbox.suspendRoute('office', T0 + 300_000, 'connection refused', clock.now());

    await resume();
    await waitFor(() => heard.flushed > 0, { timeoutMs: 60_000, what: 'the spool to be flushed' });
    clock.advance(60_000);
    const other = await otherProcess(db);
    try {
      assert.deepEqual((await other.alertPauses.active(clock.now())).map((p) => [p.set, p.until]), [['home', null]], 'the pause still holds');
      assert.equal((await other.profiles.get('office')).pausedUntil, T0 + 600_000, 'the profile is still paused');
      assert.equal((await other.outbox.routeSuspension('office', clock.now()))?.until, T0 + 300_000, 'the route is still suspended');
      assert.deepEqual((await other.alertPauses.resume(['home'])).map((s) => s.what), ['backup home failed'], 'resuming lists what the pause held back');
    } finally {
      await other.close();
    }
  }));

test('a streak `vigil run` writes after the database returns is not overwritten by the spool’s older one', { timeout: 120_000 }, () =>
  withOutageStore(cluster, T0, async ({ db, store, heard, halt, resume, holdFlush }) => {
    await halt();
    await store.notifyState.put(failing(2, T0));
    // The spool stays unflushed a while after the database returns (in the service: a run still
    // going in it, a message being sent from it).
    const release = holdFlush();

    await resume();
    await waitFor(() => heard.back > 0, { timeoutMs: 60_000, what: 'the database to be found back' });
    const other = await otherProcess(db);
    try {
      // `vigil run home` fails again meanwhile, and reminds: its streak is the newest.
      await other.notifyState.put(failing(3, T0 + 120_000));
      await release();
      await waitFor(() => heard.flushed > 0, { timeoutMs: 60_000, what: 'the spool to be flushed' });
      assert.deepEqual(await other.notifyState.get('home'), failing(3, T0 + 120_000), 'the newer streak stays');
      assert.deepEqual(await store.notifyState.get('home'), failing(3, T0 + 120_000), 'and is the one the service reads');
    } finally {
      await other.close();
    }
  }));

test('a pause set before the outage holds during it, and one resumed during it stays resumed after it', { timeout: 120_000 }, () =>
  withOutageStore(cluster, T0, async ({ db, clock, store, heard, halt, resume }) => {
    await store.alertPauses.pause(['home', 'mail'], clock.now(), null);
    await halt();
    clock.advance(60_000);
    assert.deepEqual((await store.alertPauses.active(clock.now())).map((p) => p.set), ['home', 'mail'], 'the pauses hold during the outage');
    await store.alertPauses.resume(['home']);
    assert.deepEqual((await store.alertPauses.active(clock.now())).map((p) => p.set), ['mail'], 'home resumed during the outage');

    await resume();
    await waitFor(() => heard.flushed > 0, { timeoutMs: 60_000, what: 'the spool to be flushed' });
    clock.advance(60_000);
    const other = await otherProcess(db);
    try {
      assert.deepEqual((await other.alertPauses.active(clock.now())).map((p) => p.set), ['mail'], 'home stays resumed, mail stays paused');
    } finally {
      await other.close();
    }
  }));
