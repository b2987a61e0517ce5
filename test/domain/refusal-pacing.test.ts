import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefusalPacing } from '../../src/domain/refusal-pacing.js';

const MIN = 60_000;
const policy = { firstDelayMs: 3_000, maxDelayMs: MIN, remindMs: 15 * MIN };

test('refusals: retries twice as late each time up to the ceiling; one warning, one alert from the second', () => {
  const pacing = new RefusalPacing(policy);
  const steps = Array.from({ length: 7 }, (_, i) => pacing.refused('permission denied for table t', i * 1000));
  assert.deepEqual(steps.map((s) => s.delayMs), [3_000, 6_000, 12_000, 24_000, 48_000, MIN, MIN]);
  assert.deepEqual(steps.map((s) => s.warn), [true, false, false, false, false, false, false]);
  assert.deepEqual(steps.map((s) => s.alert), [false, true, false, false, false, false, false]);
});

test('refusals: the same cause is told again after remindMs, a new cause at once; a success starts over', () => {
  const pacing = new RefusalPacing(policy);
  pacing.refused('a', 0);
  pacing.refused('a', 1_000);
  assert.deepEqual(pacing.refused('a', 15 * MIN + 1_000), { delayMs: 12_000, warn: true, alert: true });
  assert.deepEqual(pacing.refused('b', 15 * MIN + 2_000), { delayMs: 24_000, warn: true, alert: true });
  pacing.reset();
  assert.equal(pacing.count, 0);
  // A single refusal after a success may be passing (a deadlock): logged, not alerted.
  assert.deepEqual(pacing.refused('b', 15 * MIN + 3_000), { delayMs: 3_000, warn: true, alert: false });
});

test('refusals: a clock set back does not silence a cause', () => {
  const pacing = new RefusalPacing(policy);
  pacing.refused('a', 10 * MIN);
  pacing.refused('a', 10 * MIN + 1);
  assert.deepEqual(pacing.refused('a', 0), { delayMs: 12_000, warn: true, alert: true });
});
