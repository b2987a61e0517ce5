import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, decideAfterAttempt, DEFAULT_RETRY_POLICY } from '../../src/domain/retry-policy.js';
import type { DeliveryOutcome } from '../../src/domain/outcome.js';

const policy = { minBackoffMs: 300_000, maxBackoffMs: 4_000_000, maxAgeMs: 5 * 86_400_000 };
const outcome = (kind: DeliveryOutcome['kind'], extra: Partial<DeliveryOutcome> = {}): DeliveryOutcome => ({ kind, detail: kind, transcript: '', ...extra });

test('backoff grows with the message age, clamped like Postfix', () => {
  assert.deepEqual(DEFAULT_RETRY_POLICY, policy);
  assert.equal(backoffDelay(0, policy), 300_000);
  assert.equal(backoffDelay(1_000_000, policy), 1_000_000);
  assert.equal(backoffDelay(86_400_000, policy), 4_000_000);
});

test('each outcome maps to its state', () => {
  const created = { createdAt: 0 };
  assert.equal(decideAfterAttempt(outcome('accepted'), created, 10, policy).state, 'sent');
  assert.equal(decideAfterAttempt(outcome('queued-locally'), created, 10, policy).state, 'queued-locally');
  assert.equal(decideAfterAttempt(outcome('permanent'), created, 10, policy).state, 'failed');
  const temporary = decideAfterAttempt(outcome('temporary'), created, 10, policy);
  assert.deepEqual(temporary, { state: 'deferred', nextAttemptAt: 300_010, possibleDuplicate: false, pauseProfile: false });
  assert.equal(decideAfterAttempt(outcome('ambiguous'), created, 10, policy).possibleDuplicate, true);
  assert.equal(decideAfterAttempt(outcome('credentials'), created, 10, policy).pauseProfile, true);
});

test('a server-requested delay (Retry-After) is honoured when longer than the backoff', () => {
  const d = decideAfterAttempt(outcome('temporary', { retryAfterMs: 900_000 }), { createdAt: 0 }, 0, policy);
  assert.equal(d.nextAttemptAt, 900_000);
});

test('the last try happens at maxAge, and a failure after it expires the message', () => {
  const nearlyOld = decideAfterAttempt(outcome('temporary'), { createdAt: 0 }, policy.maxAgeMs - 1000, policy);
  assert.equal(nearlyOld.state, 'deferred');
  assert.equal(nearlyOld.nextAttemptAt, policy.maxAgeMs);
  assert.equal(decideAfterAttempt(outcome('temporary'), { createdAt: 0 }, policy.maxAgeMs, policy).state, 'expired');
});

test('a clock that moved backwards never yields a negative age', () => {
  const d = decideAfterAttempt(outcome('temporary'), { createdAt: 1_000_000 }, 0, policy);
  assert.equal(d.nextAttemptAt, 300_000);
});

test('a message not tried (our own queue for a connection) is due again at once, without back-off', () => {
  const notTried = outcome('temporary', { errorCode: 'ERR_SMTP_NO_CONNECTION_FREE', notTried: true });
  assert.deepEqual(decideAfterAttempt(notTried, { createdAt: 0 }, 10, policy), { state: 'deferred', nextAttemptAt: 10, possibleDuplicate: false, pauseProfile: false });
  assert.equal(decideAfterAttempt(notTried, { createdAt: 0 }, policy.maxAgeMs, policy).state, 'expired', 'it still expires at maxAge');
});
