import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { openDatabase } from '../../src/storage/sqlite/database.js';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations.js';

function withStore(work: (store: ReturnType<typeof openSqliteStore>, dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-notify-store-'));
    const store = openSqliteStore(dir);
    try {
      await work(store, dir);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const T = Date.parse('2026-11-20T10:00:00Z');
const failure = (set: string, activityId: number) => ({ set, status: 'failed', firstError: 'vault unreachable', activityId, endedAt: T });

test('escalations: once per message, unreported until marked, since() for the Daily Admin', withStore(async (store) => {
  const e = { outboxId: 'm1', kind: 'backup.failed', subject: 'documents failed', profile: 'office', trigger: 'failed' as const, reason: '550 no', messageAt: T, escalatedAt: T + 1000 };
  const first = await store.escalations.record(e);
  assert.ok(first);
  assert.equal(await store.escalations.record({ ...e, escalatedAt: T + 5000 }), undefined, 'a message escalates once');
  await store.escalations.record({ ...e, outboxId: 'm2', escalatedAt: T + 2000 });
  assert.deepEqual((await store.escalations.unreported()).map((x) => x.outboxId), ['m1', 'm2']);
  await store.escalations.markReported([first.id], T + 3000);
  assert.deepEqual((await store.escalations.unreported()).map((x) => x.outboxId), ['m2']);
  assert.deepEqual((await store.escalations.since(T + 1500)).map((x) => x.outboxId), ['m2']);
  assert.equal((await store.escalations.since(0))[0]!.reportedAt, T + 3000);
}));

test('storm: the first failure opens a window, the next are held until it ends, then flushed once', withStore(async (store) => {
  assert.equal(await store.storm.admit(failure('a', 1), T, 30_000), 'opened');
  assert.equal(await store.storm.admit(failure('b', 2), T + 10_000, 30_000), 'held');
  assert.equal(await store.storm.admit(failure('c', 3), T + 29_999, 30_000), 'held');
  assert.equal(await store.storm.admit(failure('b', 2), T + 20_000, 30_000), 'held', 'the same run again: not held twice');
  assert.equal(await store.storm.admit(failure('a', 1), T + 20_000, 30_000), 'opened', 'the window’s first keeps its verdict');
  assert.equal(await store.storm.nextEnd(), T + 30_000);
  assert.deepEqual(await store.storm.ended(T + 29_999), [], 'not ended yet');
  const [window] = await store.storm.ended(T + 30_000);
  assert.equal(window!.first.set, 'a');
  assert.deepEqual(window!.held.map((h) => h.set), ['b', 'c']);
  await store.storm.markFlushed(window!.id, T + 30_000);
  assert.deepEqual(await store.storm.ended(T + 60_000), []);
  assert.equal(await store.storm.admit(failure('d', 4), T + 30_000, 30_000), 'opened', 'a failure after the window opens a new one');
}));

test('storm: a failure whose clock was read just before another opened the window joins that window', withStore(async (store) => {
  // Two `vigil run`s read their clocks, then wait in turn for the write lock: the later reading
  // may open the window first. The earlier one must join it, not open a second (two alerts at once).
  assert.equal(await store.storm.admit(failure('a', 1), T + 5, 30_000), 'opened');
  assert.equal(await store.storm.admit(failure('b', 2), T, 30_000), 'held');
}));

test('ledger: begun and done per activity; unnotified lists finished runs not done, oldest first', withStore(async (store) => {
  const run = (set: string) =>
    store.activity.record({ kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt: T }, { status: 'failed', endedAt: T, counters: { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 }, log: [], logDropped: 0 });
  const a = await run('a');
  const b = await run('b');
  await store.notifyState.begin(b.id, ['backup:b:x:alert'], T);
  assert.deepEqual(await store.notifyState.unnotified(T), [
    { activityId: a.id, dedupeKeys: null },
    { activityId: b.id, dedupeKeys: ['backup:b:x:alert'] },
  ]);
  await store.notifyState.commit(a.id, { set: 'a', failures: 1, failingSince: T, signature: 's', alertedAt: T, lastStatus: 'failed' }, T);
  assert.equal((await store.notifyState.get('a'))?.failures, 1, 'commit saved the streak');
  assert.deepEqual((await store.notifyState.unnotified(T)).map((x) => x.activityId), [b.id]);
  assert.deepEqual(await store.notifyState.unnotified(T + 1), [], 'older than the horizon');
}));

test('ledger claims: one live owner at a time; a dead or lease-expired claimer is taken over; a notified run never', withStore(async (store) => {
  const ledger = store.notifyState;
  const me = { host: 'h', pid: 100 };
  const other = { host: 'h', pid: 200 };
  const alive = new Set([100, 200]);
  const isAlive = (o: { pid: number }) => alive.has(o.pid);
  const LEASE = 60_000;
  assert.equal(await ledger.claim(1, me, T, LEASE, isAlive), true, 'free');
  assert.equal(await ledger.claim(1, other, T + 1, LEASE, isAlive), false, 'held by a live claimer');
  assert.equal(await ledger.claim(1, me, T + 2, LEASE, isAlive), true, 'its own claim again (a failed attempt retried)');
  assert.equal(await ledger.claim(1, other, T - 10 * LEASE, LEASE, isAlive), false, 'a clock moved backwards steals nothing');
  assert.equal(await ledger.claim(1, other, T + 2 + LEASE, LEASE, isAlive), true, 'the lease ran out');
  alive.delete(200);
  assert.equal(await ledger.claim(1, me, T + 3 + LEASE, LEASE, isAlive), true, 'its claimer died');
  await ledger.begin(1, ['k'], T);
  await ledger.commit(1, undefined, T + 4);
  assert.equal(await ledger.claim(1, me, T + 5, LEASE, isAlive), false, 'notified: never claimed again');
}));

test('migration 5 marks runs that ended before the upgrade as notified (an upgrade replays nothing)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-notify-store-'));
  try {
    const file = path.join(dir, 'vigil.db');
    const old = openDatabase(file, MIGRATIONS.filter((m) => m.version < 5));
    old.prepare(`INSERT INTO activities (kind, set_name, engine, trigger, status, started_at, ended_at) VALUES ('backup', 'a', 'command', 'schedule', 'failed', ?, ?)`).run(T, T);
    old.close();
    const store = openSqliteStore(dir);
    try {
      assert.deepEqual(await store.notifyState.unnotified(0), []);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
