import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Outbox } from '../../src/outbox/outbox.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { AdminHarness, adminConfig } from './helpers.js';

const MIN = 60_000;
const DUE = Date.parse('2026-11-22T20:00:00Z');
const KEY = 'daily:2026-11-22';

/** The real Outbox behind a door that fails the next `n` enqueues, as a locked database would. */
function flakyOutbox(state: { failures: number; calls: number }) {
  return (real: Outbox) => ({
    enqueueMany: async (requests: Parameters<Outbox['enqueueMany']>[0]) => {
      state.calls++;
      if (state.failures > 0) {
        state.failures--;
        throw new Error('SQLITE_BUSY: database is locked');
      }
      return real.enqueueMany(requests);
    },
  });
}

test('a failed period is retried after 5 minutes, the plan survives a restart, and the summary is sent once', async () => {
  const state = { failures: 1, calls: 0 };
  const h = new AdminHarness(adminConfig({ daily: '20:00', timezone: 'UTC' }), new FakeClock(DUE - MIN), { outbox: flakyOutbox(state) });
  try {
    await h.scheduler.recover();
    h.clock.set(DUE + 5_000);
    const [failed] = await h.scheduler.tick();
    assert.ok(failed?.result === 'failed', JSON.stringify(failed));
    assert.equal(failed.retryAt, DUE + 5_000 + 5 * MIN);
    assert.equal(h.events.length, 0, 'no critical alert while a retry is planned');
    const row = await h.store.adminRuns.get(KEY);
    assert.deepEqual([row!.state, row!.attempts, row!.retryAt], ['failed', 1, DUE + 5_000 + 5 * MIN]);

    h.clock.set(DUE + 3 * MIN);
    assert.deepEqual(await h.scheduler.tick(), [], 'not before its time');

    // The service restarts before the retry: the stored plan is picked up, not lost or run early.
    await h.reopen();
    h.clock.set(DUE + 4 * MIN);
    assert.deepEqual((await h.scheduler.recover()).map((o) => o.result), ['retry-pending']);
    h.clock.set(DUE + 5 * MIN + 10_000);
    assert.deepEqual((await h.scheduler.tick()).map((o) => [o.key, o.result]), [[KEY, 'sent']]);
    const sent = await h.store.adminRuns.get(KEY);
    assert.deepEqual([sent!.state, sent!.attempts, sent!.retryAt], ['sent', 2, null]);

    // Never twice once sent: later passes, and another restart.
    h.clock.set(DUE + 90 * MIN);
    assert.deepEqual(await h.scheduler.tick(), []);
    await h.reopen();
    assert.deepEqual((await h.scheduler.recover()).map((o) => o.result), ['already-done']);
    assert.equal((await h.summaries()).length, 1);
    assert.equal(state.calls, 2);
    assert.equal(h.events.length, 0);
  } finally {
    await h.close();
  }
});

test('a period that keeps failing is tried at +5, +15 and +60 minutes, then given up with one admin.failed', async () => {
  const state = { failures: Infinity, calls: 0 };
  const h = new AdminHarness(adminConfig({ daily: '20:00', timezone: 'UTC', catchUpWindow: '12h' }), new FakeClock(DUE - MIN), { outbox: flakyOutbox(state) });
  try {
    await h.scheduler.recover();
    const attempts: number[] = [];
    for (let t = DUE; t <= DUE + 6 * 60 * MIN; t += MIN) {
      h.clock.set(t);
      for (const o of await h.scheduler.tick()) if (o.result === 'failed') attempts.push((t - DUE) / MIN);
    }
    assert.deepEqual(attempts, [0, 5, 20, 80]);
    assert.equal(h.events.filter((e) => e.kind === 'admin.failed').length, 1, 'critical once, when given up');
    const row = await h.store.adminRuns.get(KEY);
    assert.deepEqual([row!.state, row!.attempts, row!.retryAt], ['failed', 4, null]);
    await h.reopen();
    assert.deepEqual((await h.scheduler.recover()).map((o) => o.result), ['already-done']);
    assert.equal(state.calls, 4);
  } finally {
    await h.close();
  }
});

test('retries stay within admin.catchUpWindow', async () => {
  const state = { failures: Infinity, calls: 0 };
  const h = new AdminHarness(adminConfig({ daily: '20:00', timezone: 'UTC', catchUpWindow: '10m' }), new FakeClock(DUE - MIN), { outbox: flakyOutbox(state) });
  try {
    await h.scheduler.recover();
    for (let t = DUE; t <= DUE + 2 * 60 * MIN; t += MIN) {
      h.clock.set(t);
      await h.scheduler.tick();
    }
    assert.equal(state.calls, 2, 'the first attempt and the +5 min retry; +15 min would be past the window');
    assert.equal((await h.store.adminRuns.get(KEY))!.retryAt, null);
    assert.equal(h.events.filter((e) => e.kind === 'admin.failed').length, 1);
  } finally {
    await h.close();
  }
});
