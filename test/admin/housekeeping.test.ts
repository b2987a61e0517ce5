import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Housekeeper } from '../../src/admin/housekeeping.js';
import { ZERO_COUNTERS } from '../../src/domain/activity.js';
import { silentLogger } from '../../src/domain/logger.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { adminConfig } from './helpers.js';

const DAY = 86_400_000;

test('housekeeping prunes the notification ledger with the activities and escalations with the Outbox', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-housekeeping-'));
  const store = openSqliteStore(dir);
  try {
    const clock = new FakeClock();
    const config = adminConfig({ retention: { activity: '90d', outbox: '30d' } });
    const housekeeper = new Housekeeper({ config, store, clock, log: silentLogger, owner: { host: 'h', pid: 1 }, isBusy: async () => false });
    const run = async () => {
      const at = clock.now();
      const a = await store.activity.record(
        { kind: 'backup', set: 'documents', engine: 'builtin', trigger: 'schedule', startedAt: at, scheduledFor: at },
        { status: 'failed', endedAt: at, counters: ZERO_COUNTERS, log: [{ severity: 'error', message: 'boom', path: null }], logDropped: 0 },
      );
      await store.notifyState.commit(a.id, undefined, at);
      await store.escalations.record({ outboxId: `m${a.id}`, kind: 'backup.failed', subject: 's', profile: 'office', trigger: 'failed', reason: 'r', messageAt: at, escalatedAt: at });
      return a.id;
    };
    const old = await run();
    clock.advance(60 * DAY);
    const recent = await run();
    clock.advance(40 * DAY); // old: 100 days, recent: 40 days

    const pruned = await housekeeper.prune();
    assert.deepEqual(pruned, { activities: 1, messages: 0, ledger: 1, escalations: 2 });
    assert.equal(await store.notifyState.notified(old), false);
    assert.equal(await store.notifyState.notified(recent), true, 'a ledger row within the activity retention stays');
    assert.deepEqual(await store.escalations.since(0), []);

    // Every activity pruned: SQLite hands out the same ids again. A left-over "notified" row
    // would make the new run look handled, and its alert would never be sent after a crash.
    clock.advance(91 * DAY);
    assert.equal((await housekeeper.prune()).ledger, 1);
    const reused = await store.activity.record(
      { kind: 'backup', set: 'documents', engine: 'builtin', trigger: 'schedule', startedAt: clock.now(), scheduledFor: null },
      { status: 'failed', endedAt: clock.now(), counters: ZERO_COUNTERS, log: [], logDropped: 0 },
    );
    assert.ok(reused.id <= recent, 'the id was reused (the case this guards)');
    assert.equal(await store.notifyState.notified(reused.id), false);
    assert.deepEqual((await store.notifyState.unnotified(0)).map((u) => u.activityId), [reused.id]);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
