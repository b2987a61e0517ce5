import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LocalSpool, SPOOL_DIR } from '../../src/app/local-spool.js';
import { openServiceStore } from '../../src/app/open-store.js';
import { flushSpool, markReplaces } from '../../src/app/spool-flush.js';
import { ZERO_COUNTERS } from '../../src/domain/activity.js';
import { Outbox } from '../../src/outbox/outbox.js';
import type { ActivityEnd, NewActivity } from '../../src/storage/ports/activity-store.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { Workspace } from '../helpers/workspace.js';

// What a host kept in its spool while PostgreSQL was away is copied in once: a second flush (the
// host was killed after the commit, before deleting the spool) copies nothing again; a run that
// started in the database and ended in the spool ends the database's activity; a message
// delivered from the spool is history there, one still pending is delivered from the database.

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');
const run = (set: string, startedAt: number): NewActivity => ({ kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt, owner: { host: 'fs01', pid: 1 }, host: 'fs01' });
const end = (status: 'completed' | 'failed', endedAt: number, message: string): ActivityEnd => ({ status, endedAt, counters: { ...ZERO_COUNTERS, files: 3 }, log: [{ severity: status === 'failed' ? 'error' : 'info', message, path: null }], logDropped: 0 });

test('a spool is copied into PostgreSQL once, runs and messages whole', async () => {
  const db = await cluster.newDatabase();
  const pg = await openPgStore({ url: db.url });
  const ws = new Workspace('');
  const clock = new FakeClock(T0);
  try {
    const straddling = await pg.activity.start(run('home', T0));
    const spool = LocalSpool.create(ws.dataDir);
    const ended = await spool.store.activity.record(run('home', T0), end('completed', T0 + 5_000, 'done'));
    markReplaces(spool.raw, ended.id, straddling);
    await spool.store.activity.record(run('mail', T0 + 10_000), end('failed', T0 + 11_000, 'mail: exit 1'));

    const outbox = new Outbox({ store: spool.store.outbox, clock, messageIdDomain: 'fs01.example.com', host: 'fs01' });
    const mail = { kind: 'backup.failed', severity: 'critical' as const, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], text: 'x' };
    const delivered = await outbox.enqueue({ ...mail, subject: 'delivered from the spool' });
    const pending = await outbox.enqueue({ ...mail, subject: 'still pending' });
    const claimed = (await spool.store.outbox.claimById(delivered.id, clock.now(), 60_000, 'fs01:1'))!;
    await spool.store.outbox.complete(
      [{ attempt: { messageId: claimed.id, startedAt: clock.now(), durationMs: 20, transport: 'smtp', outcome: { kind: 'accepted', detail: '250 ok', transcript: '' } }, state: 'sent', nextAttemptAt: clock.now(), possibleDuplicate: false, owner: 'fs01:1' }],
      clock.now(),
    );

    await spool.store.handOffs.record({ outboxId: delivered.id, messageId: claimed.messageId, client: 'msmtp', program: '/usr/bin/msmtp', queueListing: 'none', sender: 'vigil@example.com', recipients: ['ops@example.com'], handedAt: clock.now() });

    const first = await flushSpool(spool.raw, pg.db, spool.id, 'fs01', clock.now());
    assert.deepEqual(first, { activities: 2, messages: 2, streaks: 0, already: false });
    // Killed after the commit: the spool is still there, and flushed again.
    const again = await flushSpool(spool.raw, pg.db, spool.id, 'fs01', clock.now());
    assert.deepEqual(again, { activities: 0, messages: 0, streaks: 0, already: true });
    await spool.remove();
    assert.equal(existsSync(spool.dir), false);

    const runs = await pg.activity.list({});
    assert.deepEqual(runs.map((a) => [a.set, a.status]).sort(), [['home', 'completed'], ['mail', 'failed']], 'two runs, the straddling one ended rather than recorded twice');
    const home = runs.find((a) => a.set === 'home')!;
    assert.equal(home.id, straddling);
    assert.equal(home.counters.files, 3);
    assert.deepEqual((await pg.activity.log(home.id)).map((l) => l.message), ['done']);
    const failed = runs.find((a) => a.set === 'mail')!;
    assert.deepEqual((await pg.activity.log(failed.id)).map((l) => l.message), ['mail: exit 1']);

    assert.equal((await pg.outbox.get(delivered.id))?.state, 'sent');
    assert.equal((await pg.outbox.attempts(delivered.id)).length, 1);
    assert.equal((await pg.handOffs.get(delivered.id))?.client, 'msmtp', 'its hand-off to the MTA is followed from the database');
    const due = await pg.outbox.claimDue(clock.now(), 10, 60_000, 'fs01:2');
    assert.deepEqual(due.map((m) => m.id), [pending.id], 'only the pending message is delivered from the database');
  } finally {
    await pg.close();
    ws.cleanup();
    await db.drop();
  }
});

test('a spool left by a killed service is copied in by the next start, its run in progress ended incomplete', async () => {
  const db = await cluster.newDatabase();
  const ws = new Workspace('');
  try {
    // What a service killed during an outage leaves: a finished run and one still running.
    const left = LocalSpool.create(ws.dataDir);
    await left.store.activity.record(run('home', T0), end('completed', T0 + 5_000, 'done'));
    await left.store.activity.start(run('mail', T0 + 10_000));
    await left.close();

    const store = await openServiceStore({ dataDir: ws.dataDir, hostname: 'fs01', database: { url: db.url } }, { clock: new FakeClock(T0 + 60_000) });
    try {
      const runs = await store.activity.list({});
      assert.deepEqual(runs.map((a) => [a.set, a.status]).sort(), [['home', 'completed'], ['mail', 'incomplete']]);
      assert.ok(runs.every((a) => a.id > 0), 'numbered by the database');
      assert.deepEqual(readdirSync(path.join(ws.dataDir, SPOOL_DIR)), [], 'the spool is gone');
    } finally {
      await store.close();
    }
  } finally {
    ws.cleanup();
    await db.drop();
  }
});
