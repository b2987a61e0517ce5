import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalSpool } from '../../src/app/local-spool.js';
import { flushSpool } from '../../src/app/spool-flush.js';
import { notYetQueued } from '../../src/notify/not-yet-queued.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { ZERO_COUNTERS } from '../../src/domain/activity.js';
import { PRIORITY, type MessageRequest } from '../../src/domain/message.js';
import type { NewActivity } from '../../src/storage/ports/activity-store.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { Workspace } from '../helpers/workspace.js';

// Storm windows cross the flush with their ids mapped: a spool numbers its windows from 1, and a
// group's dedupe key (`storm:<window>`) names its window. The group a spool already sent must not
// take the key of the database's window of the same number — one the outage cut short, ending
// unsent — or that window's group is never queued.

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');
const failure = (set: string, activityId: number, endedAt: number) => ({ set, status: 'failed', firstError: 'disk full', activityId, endedAt });
const run = (set: string): NewActivity => ({ kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt: T0, host: 'fs01' });
const failedAt = (endedAt: number) => ({ status: 'failed' as const, endedAt, counters: { ...ZERO_COUNTERS, errors: 1 }, log: [], logDropped: 0 });
const group = (key: string): MessageRequest => ({ kind: 'backup.storm', severity: 'critical', priority: PRIORITY.critical, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'storm', text: 'x', dedupeKey: key });

test('storm windows are copied in with their runs, and the group a spool sent keeps to its window', async () => {
  const db = await cluster.newDatabase();
  const pg = await openPgStore({ url: db.url }, { host: 'fs01' });
  const ws = new Workspace('');
  const clock = new FakeClock(T0);
  try {
    // A window of the database, open when it went: it ends during the outage, unsent.
    assert.equal(await pg.storm.admit(failure('photos', 999_001, T0 - 5_000), T0 - 5_000, 30_000), 'opened');
    assert.equal(await pg.storm.admit(failure('music', 999_002, T0 - 4_000), T0 - 4_000, 30_000), 'held');
    const spool = LocalSpool.create(ws.dataDir);
    // Two runs of the spool (notification knows them below zero), grouped in a window it sent.
    const a = await spool.store.activity.record(run('home'), failedAt(T0 + 1_000));
    const b = await spool.store.activity.record(run('mail'), failedAt(T0 + 2_000));
    assert.equal(await spool.store.storm.admit(failure('home', -a.id, T0 + 1_000), T0 + 1_000, 30_000), 'opened');
    assert.equal(await spool.store.storm.admit(failure('mail', -b.id, T0 + 2_000), T0 + 2_000, 30_000), 'held');
    const [sent] = await spool.store.storm.ended(T0 + 31_000);
    await new Outbox({ store: spool.store.outbox, clock, messageIdDomain: 'fs01.example.com', host: 'fs01' }).enqueue(group(`storm:${sent!.id}`));
    await spool.store.storm.markFlushed(sent!.id, T0 + 31_000);
    // And a window still open when the database returned.
    assert.equal(await spool.store.storm.admit(failure('home', -a.id - 100, T0 + 40_000), T0 + 40_000, 30_000), 'opened');

    await flushSpool(spool.raw, pg.db, spool.id, 'fs01', T0 + 45_000);
    await spool.remove();

    const ended = await pg.storm.ended(T0 + 70_000);
    assert.deepEqual(ended.map((w) => w.first.set), ['photos', 'home'], 'the window open at the flush ends in the database');
    const open = ended[1]!;
    assert.equal(open.first.set, 'home');
    const runs = await pg.activity.list({});
    const idOf = (set: string) => runs.find((r) => r.set === set)!.id;
    // Told again by the periodic pass after the flush, a held run keeps its verdict (no alert of its own).
    assert.equal(await pg.storm.admit(failure('mail', idOf('mail'), T0 + 2_000), T0 + 80_000, 30_000), 'held');
    assert.equal(await pg.storm.admit(failure('home', idOf('home'), T0 + 1_000), T0 + 80_000, 30_000), 'opened');

    // The database's own window of the spool's number: its group is not taken for the one the spool sent.
    const cut = ended[0]!;
    assert.equal(cut.id, sent!.id, 'the same number in both');
    assert.equal((await notYetQueued(pg.outbox, [group(`storm:${cut.id}`)])).length, 1, `the group of the database's window ${cut.id} is not queued yet`);
    const copied = await pg.outbox.list({ limit: 10 });
    assert.equal(copied.length, 1);
    assert.notEqual(copied[0]!.dedupeKey, `storm:${cut.id}`, 'the group the spool sent names its window by its number in the database');
  } finally {
    await pg.close();
    ws.cleanup();
    await db.drop();
  }
});
