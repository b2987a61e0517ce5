import assert from 'node:assert/strict';
import type { AdminRun } from '../../../src/storage/ports/admin-run-store.js';
import { storeCase, type OpenStore } from './harness.js';

/** The contract of AdminRunStore (src/storage/ports.ts). */
export function adminRunConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'adminRuns', open);
  const run = (startedAt: number, owner: string): Pick<AdminRun, 'key' | 'kind' | 'dueAt' | 'startedAt' | 'owner'> => ({ key: 'daily:2026-11-22', kind: 'daily', dueAt: 1_000, startedAt, owner });
  const sent = { state: 'sent' as const, endedAt: 0, activityId: 7, outboxIds: ['m1', 'm2'], error: null };

  withStore('a free key is claimed once; a live running claim is not taken', async (store) => {
    assert.equal(await store.adminRuns.get('daily:2026-11-22'), undefined);
    assert.equal(await store.adminRuns.claim(run(1_000, 'a'), 0), true);
    assert.equal(await store.adminRuns.claim(run(2_000, 'b'), 500), false, 'a started after staleBefore: alive');
    const claimed = await store.adminRuns.get('daily:2026-11-22');
    assert.equal(claimed?.state, 'running');
    assert.equal(claimed?.owner, 'a');
    assert.equal(claimed?.attempts, 1);
  });

  withStore('a running claim older than staleBefore is taken over and counts as an attempt', async (store) => {
    await store.adminRuns.claim(run(1_000, 'dead'), 0);
    assert.equal(await store.adminRuns.claim(run(9_000, 'b'), 5_000), true);
    const taken = await store.adminRuns.get('daily:2026-11-22');
    assert.equal(taken?.owner, 'b');
    assert.equal(taken?.startedAt, 9_000);
    assert.equal(taken?.attempts, 2);
  });

  withStore('a sent key is never claimed again; finish is idempotent', async (store) => {
    await store.adminRuns.claim(run(1_000, 'a'), 0);
    await store.adminRuns.finish('daily:2026-11-22', { ...sent, endedAt: 2_000 });
    await store.adminRuns.finish('daily:2026-11-22', { ...sent, endedAt: 2_000 });
    const done = await store.adminRuns.get('daily:2026-11-22');
    assert.equal(done?.state, 'sent');
    assert.equal(done?.endedAt, 2_000);
    assert.deepEqual(done?.outboxIds, ['m1', 'm2']);
    assert.equal(done?.activityId, 7);
    assert.equal(await store.adminRuns.claim(run(99_000_000, 'b'), 99_000_000), false);
  });

  withStore('a failed key is claimed again only once its retryAt has come, and never without one', async (store) => {
    await store.adminRuns.claim(run(1_000, 'a'), 0);
    await store.adminRuns.finish('daily:2026-11-22', { state: 'failed', endedAt: 2_000, activityId: null, outboxIds: [], error: 'render failed', retryAt: 10_000 });
    assert.equal((await store.adminRuns.get('daily:2026-11-22'))?.retryAt, 10_000);
    assert.equal(await store.adminRuns.claim(run(9_999, 'b'), 0), false, 'before retryAt');
    assert.equal(await store.adminRuns.claim(run(10_000, 'b'), 0), true);
    assert.equal(await store.adminRuns.claim(run(10_001, 'c'), 0), false, 'by one caller');
    await store.adminRuns.finish('daily:2026-11-22', { state: 'failed', endedAt: 11_000, activityId: null, outboxIds: [], error: 'given up' });
    const given = await store.adminRuns.get('daily:2026-11-22');
    assert.equal(given?.retryAt, null);
    assert.equal(given?.error, 'given up');
    assert.equal(await store.adminRuns.claim(run(99_000_000, 'd'), 0), false, 'a failed run without retryAt is given up');
  });

  withStore('two handles racing for the same key: exactly one claims it', async (store, opened) => {
    const other = await opened.another();
    const wins = await Promise.all([store.adminRuns.claim(run(1_000, 'a'), 0), other.adminRuns.claim(run(1_000, 'b'), 0)]);
    assert.deepEqual(wins.sort(), [false, true]);
  });
}
