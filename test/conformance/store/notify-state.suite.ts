import assert from 'node:assert/strict';
import type { StreakState } from '../../../src/domain/streak-state.js';
import type { ClaimOwner } from '../../../src/storage/ports/notify-state-store.js';
import { storeCase, type OpenStore } from './harness.js';
import { recordRun } from './fixtures.js';

/** The contract of NotifyStateStore (src/storage/ports.ts). */
export function notifyStateConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'notifyState', open);
  const streak = (set: string, failures: number): StreakState => ({ set, failures, failingSince: 1_000, signature: 'failed: disk full', alertedAt: 1_500, lastStatus: 'failed' });
  const me: ClaimOwner = { host: 'h', pid: 1 };
  const you: ClaimOwner = { host: 'h', pid: 2 };
  const alive = () => true;
  const dead = () => false;

  withStore('streak state: undefined until put; put upserts idempotently', async (store) => {
    assert.equal(await store.notifyState.get('docs'), undefined);
    await store.notifyState.put(streak('docs', 1));
    await store.notifyState.put(streak('docs', 2));
    await store.notifyState.put(streak('docs', 2));
    assert.deepEqual(await store.notifyState.get('docs'), streak('docs', 2));
  });

  withStore('claim: free, own, dead or expired claims are taken; a live one and a notified activity are not', async (store) => {
    assert.equal(await store.notifyState.claim(1, me, 1_000, 60_000, alive), true, 'free');
    assert.equal(await store.notifyState.claim(1, me, 2_000, 60_000, alive), true, 'already mine');
    assert.equal(await store.notifyState.claim(1, you, 3_000, 60_000, alive), false, 'held by a live claimer');
    assert.equal(await store.notifyState.claim(1, you, 3_000, 60_000, dead), true, 'its claimer died');
    assert.equal(await store.notifyState.claim(1, me, 70_000, 60_000, alive), true, 'taken more than leaseMs ago');
    await store.notifyState.commit(1, undefined, 71_000);
    assert.equal(await store.notifyState.claim(1, me, 72_000, 60_000, dead), false, 'notified');
  });

  withStore('begin records the keys, commit saves the streak and marks notified; both idempotent', async (store) => {
    const a = await recordRun(store, 'docs', 'failed', 1_000, 2_000);
    await store.notifyState.begin(a.id, ['k1', 'k2'], 2_100);
    await store.notifyState.begin(a.id, ['k1', 'k2'], 2_100);
    assert.equal(await store.notifyState.notified(a.id), false);
    assert.deepEqual(await store.notifyState.unnotified(0), [{ activityId: a.id, dedupeKeys: ['k1', 'k2'] }]);
    await store.notifyState.commit(a.id, streak('docs', 1), 2_200);
    await store.notifyState.commit(a.id, streak('docs', 1), 2_200);
    assert.equal(await store.notifyState.notified(a.id), true);
    assert.deepEqual(await store.notifyState.get('docs'), streak('docs', 1));
    assert.deepEqual(await store.notifyState.unnotified(0), []);
  });

  withStore('unnotified: finished backups since the instant, oldest first, keys null when none begun', async (store) => {
    const later = await recordRun(store, 'b', 'completed', 3_000, 4_000);
    const earlier = await recordRun(store, 'a', 'failed', 1_000, 2_000);
    await recordRun(store, 'c', 'failed', 100, 500); // before `since`
    await store.activity.start({ kind: 'backup', set: 'd', engine: 'builtin', trigger: 'manual', startedAt: 1_500 }); // not finished
    await store.activity.record({ kind: 'restore', set: 'a', engine: 'builtin', trigger: 'manual', startedAt: 1_000 }, { status: 'failed', endedAt: 1_800, counters: { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 }, log: [], logDropped: 0 });
    await store.notifyState.begin(later.id, ['x'], 4_100);
    assert.deepEqual(await store.notifyState.unnotified(1_000), [
      { activityId: earlier.id, dedupeKeys: null },
      { activityId: later.id, dedupeKeys: ['x'] },
    ]);
  });

  withStore('two handles racing to claim one activity: exactly one wins', async (store, opened) => {
    const other = await opened.another();
    const wins = await Promise.all([store.notifyState.claim(9, me, 1_000, 60_000, alive), other.notifyState.claim(9, you, 1_000, 60_000, alive)]);
    assert.deepEqual(wins.sort(), [false, true]);
  });
}
