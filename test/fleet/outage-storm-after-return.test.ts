import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PRIORITY, type MessageRequest } from '../../src/domain/message.js';
import { notYetQueued } from '../../src/notify/not-yet-queued.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { withOutageStore } from '../helpers/outage-store.js';
import { waitFor } from '../helpers/wait-for.js';

// A storm window opened in the spool during a PostgreSQL outage is still gathering when the
// database returns, and the spool is not flushed yet (a backup still running in it can put that
// off for hours). A failure meanwhile joins that window — it does not open a second one in the
// database, with an alert of its own and a second grouped message — and the window's grouped
// message goes out when it ends, not at the flush, once. The service's own store on a throwaway
// cluster, halted and resumed, with the flush held; storm control's steps as StormControl takes them.

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');
const WINDOW = 60_000;
const failure = (set: string, activityId: number, endedAt: number) => ({ set, status: 'failed', firstError: 'disk full', activityId, endedAt });
const group = (key: string): MessageRequest => ({ kind: 'backup.storm', severity: 'critical', priority: PRIORITY.critical, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'storm', text: 'x', dedupeKey: key });

test('a failure after the return joins the spool’s open storm window, whose group goes out once, before the flush', { timeout: 120_000 }, () =>
  withOutageStore(cluster, T0, async ({ db, clock, store, heard, halt, resume, holdFlush }) => {
    await halt();
    assert.equal(await store.storm.admit(failure('home', -1, clock.now()), clock.now(), WINDOW), 'opened', 'a window opens in the spool');
    const release = holdFlush();
    await resume();
    await waitFor(() => heard.back > 0, { timeoutMs: 60_000, what: 'the database to be found back' });

    clock.advance(5_000);
    assert.equal(await store.storm.admit(failure('mail', 4242, clock.now()), clock.now(), WINDOW), 'held', 'joins the open window');
    assert.equal(await store.storm.admit(failure('mail', 4242, clock.now()), clock.now(), WINDOW), 'held', 'admitted again, the same verdict');
    assert.equal(await store.storm.nextEnd(), T0 + WINDOW, 'storm control is woken for its end');

    // The window ends before the flush: StormControl's flush, step by step.
    clock.advance(WINDOW);
    const ended = await store.storm.ended(clock.now());
    assert.deepEqual(ended.map((w) => [w.first.set, w.held.map((h) => h.set)]), [['home', ['mail']]], 'the window ends with what it held');
    const requests = [group(`storm:${ended[0]!.id}`)];
    const fresh = await notYetQueued(store.outbox, requests);
    assert.equal(fresh.length, 1);
    await new Outbox({ store: store.outbox, clock, messageIdDomain: 'fs01.example.com', host: 'fs01' }).enqueueMany(fresh);
    assert.equal((await notYetQueued(store.outbox, requests)).length, 0, 'queued: not again');
    await store.storm.markFlushed(ended[0]!.id, clock.now());
    assert.deepEqual(await store.storm.ended(clock.now()), [], 'sent');
    const queued = await store.outbox.list({ limit: 10 });
    assert.deepEqual(queued.map((m) => m.kind), ['backup.storm'], 'one group');
    assert.deepEqual((await store.outbox.claimDue(clock.now(), 10, 60_000, 'fs01:1')).map((m) => m.id), [queued[0]!.id], 'delivered now');
    await store.outbox.release([queued[0]!.id], 'fs01:1', clock.now());

    await release();
    await waitFor(() => heard.flushed > 0, { timeoutMs: 60_000, what: 'the spool to be flushed' });
    const other = await openPgStore({ url: db.url }, { host: 'fs01' });
    try {
      assert.deepEqual(await other.storm.ended(clock.now() + 10 * WINDOW), [], 'no window left to send in the database');
      const groups = await other.outbox.list({ limit: 10 });
      assert.equal(groups.length, 1, 'one grouped message');
      assert.match(groups[0]!.dedupeKey ?? '', /^storm:\d+$/, 'named by its window’s number in the database');
      // The database's storm control, had it the window still to send, would find its group queued.
      assert.equal((await notYetQueued(other.outbox, [group(groups[0]!.dedupeKey!)])).length, 0);
    } finally {
      await other.close();
    }
  }));
