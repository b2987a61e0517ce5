import assert from 'node:assert/strict';
import type { NewMessage } from '../../../src/storage/ports/outbox-store.js';
import { storeCase, type OpenStore } from './harness.js';
import { newBackup, recordRun } from './fixtures.js';

/** The contract of HousekeepingStore (src/storage/ports.ts). */
export function housekeepingConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'housekeeping', open);
  const message = (id: string, createdAt: number): NewMessage => ({ id, messageId: `<${id}@x.example>`, kind: 'test', severity: 'info', priority: 5, profile: 'office', dedupeKey: null, envelope: { from: 'a@x.example', to: ['b@x.example'] }, subject: id, raw: Buffer.from('x'), createdAt });

  withStore('pruneActivities deletes ended activities before the instant, with their logs; never a running one', async (store) => {
    const old = await recordRun(store, 'docs', 'failed', 100, 200, { log: [{ severity: 'error', message: 'x', path: null }] });
    const recent = await recordRun(store, 'docs', 'completed', 5_000, 6_000);
    const running = await store.activity.start(newBackup('docs', 50));
    assert.equal(await store.housekeeping.pruneActivities(1_000), 1);
    assert.equal(await store.activity.get(old.id), undefined);
    assert.deepEqual(await store.activity.log(old.id), []);
    assert.ok(await store.activity.get(recent.id));
    assert.equal((await store.activity.get(running))?.status, 'running');
    assert.equal(await store.housekeeping.pruneActivities(1_000), 0, 'idempotent');
  });

  withStore('pruneMessages deletes only final messages last updated before the instant, with their attempts', async (store) => {
    await store.outbox.enqueue([message('done', 100), message('pending', 100), message('fresh', 100)]);
    await store.outbox.fail('done', 'no', 200);
    await store.outbox.fail('fresh', 'no', 5_000);
    assert.equal(await store.housekeeping.pruneMessages(1_000), 1);
    assert.equal(await store.outbox.get('done'), undefined);
    assert.deepEqual(await store.outbox.attempts('done'), []);
    assert.ok(await store.outbox.get('pending'), 'a pending message is never pruned');
    assert.ok(await store.outbox.get('fresh'));
  });

  withStore('pruneNotifyLedger deletes old ledger rows and rows whose activity is gone', async (store) => {
    const kept = await recordRun(store, 'docs', 'failed', 5_000, 6_000);
    const gone = await recordRun(store, 'docs', 'failed', 100, 200);
    const old = await recordRun(store, 'docs', 'failed', 300, 400);
    await store.notifyState.begin(kept.id, ['k'], 6_100);
    await store.notifyState.commit(gone.id, undefined, 6_100);
    await store.notifyState.commit(old.id, undefined, 500);
    await store.notifyState.begin(old.id, ['o'], 500);
    await store.housekeeping.pruneActivities(250); // `gone` is deleted; its ledger row stays behind
    assert.equal(await store.housekeeping.pruneNotifyLedger(1_000), 2);
    assert.equal(await store.notifyState.notified(gone.id), false);
    assert.equal(await store.notifyState.notified(old.id), false);
    assert.deepEqual((await store.notifyState.unnotified(0)).find((u) => u.activityId === kept.id)?.dedupeKeys, ['k']);
  });

  withStore('pruneEscalations deletes escalations recorded before the instant, reported or not', async (store) => {
    const base = { kind: 'backup.failed', subject: 's', profile: 'office', trigger: 'failed' as const, reason: 'r', messageAt: 0 };
    const old = await store.escalations.record({ ...base, outboxId: 'm1', escalatedAt: 100 });
    await store.escalations.record({ ...base, outboxId: 'm2', escalatedAt: 200 });
    await store.escalations.record({ ...base, outboxId: 'm3', escalatedAt: 5_000 });
    await store.escalations.markReported([old!.id], 300);
    assert.equal(await store.housekeeping.pruneEscalations(1_000), 2);
    assert.deepEqual((await store.escalations.since(0)).map((e) => e.outboxId), ['m3']);
  });
}
