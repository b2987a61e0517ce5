import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startActivity } from '../../src/backup/recorded-activity.js';
import { MAX_LOG_ENTRIES } from '../../src/domain/activity.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import type { Store } from '../../src/storage/ports/store.js';
import { FakeClock } from '../helpers/fake-clock.js';

const owner = { host: 'backup-host', pid: 4242 };

/** A real SQLite store in its own directory, closed and removed after `work`. */
async function withStore(work: (store: Store, clock: FakeClock) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-recorded-activity-'));
  const store = openSqliteStore(dir);
  try {
    await work(store, new FakeClock(1_000_000));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('start records a running row with its owner; finish ends it with the status, counts the problems and keeps the log', () =>
  withStore(async (store, clock) => {
    const running = await startActivity({ activity: store.activity, clock, owner }, { kind: 'prune', set: 'docs', engine: 'builtin', trigger: 'schedule', scheduledFor: 999_000 });
    const row = await store.activity.get(running.id);
    assert.deepEqual([row?.status, row?.kind, row?.set, row?.engine, row?.trigger, row?.startedAt, row?.scheduledFor, row?.owner], ['running', 'prune', 'docs', 'builtin', 'schedule', 1_000_000, 999_000, owner]);
    clock.advance(5_000);
    const done = await running.finish({
      status: 'completed-with-errors',
      log: [
        { severity: 'info', message: 'kept 3 snapshots' },
        { severity: 'warning', message: 'slow vault', path: '/srv' },
        { severity: 'error', message: 'pack unreadable' },
        { severity: 'critical', message: 'vault gone', path: null },
      ],
    });
    assert.equal(done.status, 'completed-with-errors');
    assert.equal(done.endedAt, 1_005_000);
    assert.deepEqual(done.counters, { files: 0, bytesScanned: 0, bytesNew: 0, errors: 2, warnings: 1 }, 'error and critical count as errors');
    assert.equal(done.firstError, 'pack unreadable');
    assert.equal(done.snapshotId, null);
    assert.deepEqual((await store.activity.log(running.id)).map((e) => [e.severity, e.message, e.path]), [
      ['info', 'kept 3 snapshots', null],
      ['warning', 'slow vault', '/srv'],
      ['error', 'pack unreadable', null],
      ['critical', 'vault gone', null],
    ]);
  }));

test('a backup finishes with its engine’s own counters and snapshot; a start time given is kept', () =>
  withStore(async (store, clock) => {
    const running = await startActivity({ activity: store.activity, clock, owner }, { kind: 'backup', set: 'docs', engine: 'builtin', trigger: 'manual', startedAt: 900_000 });
    assert.equal(running.startedAt, 900_000);
    const counters = { files: 12, bytesScanned: 3_000, bytesNew: 40, errors: 0, warnings: 0 };
    const done = await running.finish({ status: 'completed', log: [{ severity: 'warning', message: 'not counted: the engine counts' }], counters, snapshotId: 'abc123' });
    assert.deepEqual(done.counters, counters);
    assert.equal(done.snapshotId, 'abc123');
    assert.equal(done.startedAt, 900_000);
    assert.equal(done.scheduledFor, null);
  }));

test('the log is capped: the most severe entries are kept, the rest counted as dropped', () =>
  withStore(async (store, clock) => {
    const running = await startActivity({ activity: store.activity, clock, owner }, { kind: 'validation', set: 'docs', engine: 'restic', trigger: 'service' });
    const chatter = Array.from({ length: MAX_LOG_ENTRIES + 10 }, (_, i) => ({ severity: 'info' as const, message: `line ${i}` }));
    const done = await running.finish({ status: 'completed-with-errors', log: [...chatter, { severity: 'error', message: 'the one that matters' }] });
    assert.equal(done.logDropped, 12);
    assert.equal((await store.activity.log(running.id)).length, MAX_LOG_ENTRIES);
    assert.equal(done.firstError, 'the one that matters');
  }));

test('work never finished (its process died) stays running under its owner, and recovery ends it incomplete', () =>
  withStore(async (store, clock) => {
    const running = await startActivity({ activity: store.activity, clock, owner }, { kind: 'restore', set: 'docs', engine: 'builtin', trigger: 'manual' });
    assert.equal((await store.activity.get(running.id))?.status, 'running');
    const ended = await store.activity.abandonRunning(clock.now(), 'the process stopped', () => false);
    assert.deepEqual(ended.map((a) => [a.id, a.status, a.firstError]), [[running.id, 'incomplete', 'the process stopped']]);
    await assert.rejects(running.finish({ status: 'completed', log: [] }), { code: 'ERR_STORE' }, 'an activity ends exactly once');
  }));
