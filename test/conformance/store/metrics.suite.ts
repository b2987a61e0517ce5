import assert from 'node:assert/strict';
import type { OutcomeKind } from '../../../src/domain/outcome.js';
import type { NewMessage } from '../../../src/storage/ports/outbox-store.js';
import type { Store } from '../../../src/storage/ports/store.js';
import { storeCase, type OpenStore } from './harness.js';

/**
 * The contract of MetricsStore (src/storage/ports/metrics-store.ts). attemptTotals feeds a
 * Prometheus counter, and a counter that goes down reads as a restart (rate() and increase()
 * then count the whole total again): pruning the Outbox must never lower it.
 */
export function metricsConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'metrics', open);
  let n = 0;
  const message = (createdAt: number): NewMessage => {
    n++;
    return { id: `mt${n}`, messageId: `<mt${n}@x.example>`, kind: 'test', severity: 'info', priority: 5, profile: 'office', dedupeKey: null, envelope: { from: 'a@x.example', to: ['b@x.example'] }, subject: `s${n}`, raw: Buffer.from('x'), createdAt };
  };
  /** Enqueues a message at `at`, then one attempt per outcome, the last one deciding `final`. */
  const deliver = async (store: Store, at: number, transport: string, host: string | null, outcomes: OutcomeKind[], final: 'sent' | 'failed'): Promise<string> => {
    const m = message(at);
    await store.outbox.enqueue([m]);
    for (const [i, kind] of outcomes.entries()) {
      const t = at + i * 100;
      assert.ok(await store.outbox.claimById(m.id, t, 60_000, 'w'), `claim ${m.id}`);
      const state = i === outcomes.length - 1 ? final : 'deferred';
      await store.outbox.complete([{ attempt: { messageId: m.id, startedAt: t, durationMs: 5, transport, outcome: { kind, detail: kind, transcript: '' }, host }, state, nextAttemptAt: t + 50, possibleDuplicate: false, owner: 'w' }], t + 5);
    }
    return m.id;
  };
  const totals = async (store: Store) => (await store.metrics.attemptTotals()).map((t) => `${t.transport}/${t.outcome}/${t.host}=${t.count}`).sort();

  withStore('attemptTotals counts every attempt by transport, outcome kind and host (an attempt of no recorded host under "")', async (store) => {
    await deliver(store, 1_000, 'smtp', 'fs01', ['temporary', 'accepted'], 'sent');
    await deliver(store, 1_000, 'smtp', null, ['permanent'], 'failed');
    await deliver(store, 1_000, 'channel', 'fs01', ['accepted'], 'sent');
    assert.deepEqual(await totals(store), ['channel/accepted/fs01=1', 'smtp/accepted/fs01=1', 'smtp/permanent/=1', 'smtp/temporary/fs01=1']);
  });

  withStore('attemptTotals never goes down: pruneMessages folds the attempts it deletes into the totals', async (store) => {
    const old = await deliver(store, 1_000, 'smtp', 'fs01', ['temporary', 'accepted'], 'sent');
    await deliver(store, 1_000, 'smtp', 'fs01', ['permanent'], 'failed');
    await deliver(store, 50_000, 'smtp', 'fs01', ['accepted'], 'sent');
    const before = await totals(store);
    assert.deepEqual(before, ['smtp/accepted/fs01=2', 'smtp/permanent/fs01=1', 'smtp/temporary/fs01=1']);
    assert.equal(await store.housekeeping.pruneMessages(10_000), 2);
    assert.deepEqual(await store.outbox.attempts(old), [], 'the attempts themselves are gone');
    assert.deepEqual(await totals(store), before, 'the counts are not');
    assert.equal(await store.housekeeping.pruneMessages(10_000), 0);
    assert.deepEqual(await totals(store), before, 'a prune that deletes nothing changes nothing');
    // Counting goes on from the folded totals; a second prune adds to them.
    await deliver(store, 60_000, 'smtp', 'fs01', ['accepted'], 'sent');
    assert.equal(await store.housekeeping.pruneMessages(100_000), 2);
    assert.deepEqual(await totals(store), ['smtp/accepted/fs01=3', 'smtp/permanent/fs01=1', 'smtp/temporary/fs01=1']);
  });
}
