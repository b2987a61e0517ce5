import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HousekeepingReport } from '../../src/domain/summary.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { AdminHarness, adminConfig } from './helpers.js';

/**
 * A vault check that takes as long as the test wants: it starts, then waits for `release()`.
 * Injected through the process's housekeeper interface (pruning stays the real one).
 */
class SlowCheck {
  readonly log: string[] = [];
  private open: (() => void) | undefined;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  running = false;

  async checkVaults(signal: AbortSignal): Promise<HousekeepingReport['checks']> {
    this.running = true;
    this.log.push('check started');
    await this.gate;
    this.running = false;
    this.log.push('check ended');
    return [{ set: 'offsite', what: 'restic check', status: signal.aborted ? 'not run' : 'completed', activityId: null, note: null }];
  }

  release(): void {
    this.open!();
  }
}

/** Lets pending promise callbacks and SQLite work run (no timer, no time measured). */
async function settle(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

test('the daily summary is enqueued while the weekly vault check is still running: checks run after the weekly summary, off the summaries queue', async () => {
  const check = new SlowCheck();
  // Sunday 2026-11-22: the weekly at 19:00, the daily at 20:00.
  const h = new AdminHarness(adminConfig({ daily: '20:00', weekly: 'sun 19:00', timezone: 'UTC' }), new FakeClock(Date.parse('2026-11-22T18:59:00Z')), {
    outbox: (real) => ({
      enqueueMany: async (requests) => {
        for (const r of requests) check.log.push(r.kind);
        return real.enqueueMany(requests);
      },
    }),
    housekeeper: (real) => ({ prune: () => real.prune(), checkVaults: (signal) => check.checkVaults(signal) }),
  });
  try {
    await h.scheduler.recover();
    h.clock.set(Date.parse('2026-11-22T19:00:05Z'));
    // Not awaited: before this change the weekly's summary waited for its check, and so did the daily.
    const weekly = h.scheduler.tick();
    await settle();
    h.clock.set(Date.parse('2026-11-22T20:00:05Z'));
    const daily = h.scheduler.tick();
    await settle();
    const whileChecking = { running: check.running, log: [...check.log] };
    check.release();
    assert.deepEqual((await weekly).map((o) => [o.key, o.result]), [['weekly:2026-11-22', 'sent']]);
    assert.deepEqual((await daily).map((o) => [o.key, o.result]), [['daily:2026-11-22', 'sent']]);
    await h.scheduler.stop();

    assert.equal(whileChecking.running, true, 'the check was still running');
    assert.deepEqual(whileChecking.log, ['summary.weekly', 'check started', 'summary.daily']);
    assert.deepEqual(check.log, ['summary.weekly', 'check started', 'summary.daily', 'check ended']);
    assert.equal((await h.summaries()).length, 2);
  } finally {
    await h.close();
  }
});
