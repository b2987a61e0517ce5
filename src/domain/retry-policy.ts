import type { DeliveryOutcome } from './outcome.js';
import type { MessageState } from './message.js';

/**
 * Postfix's model: the next try comes after a delay equal to the message's age, clamped
 * between a minimum and a maximum; a message older than maxAge expires.
 */
export interface RetryPolicy {
  minBackoffMs: number;
  maxBackoffMs: number;
  maxAgeMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  minBackoffMs: 300_000, // Postfix minimal_backoff_time
  maxBackoffMs: 4_000_000, // Postfix maximal_backoff_time
  maxAgeMs: 5 * 86_400_000, // Postfix maximal_queue_lifetime
};

export function backoffDelay(ageMs: number, policy: RetryPolicy): number {
  return Math.min(policy.maxBackoffMs, Math.max(policy.minBackoffMs, ageMs));
}

export interface Decision {
  state: MessageState;
  nextAttemptAt: number;
  possibleDuplicate: boolean;
  /** The profile should be paused: credentials or configuration were refused. */
  pauseProfile: boolean;
}

/** What becomes of a message after an attempt. Pure: all time comes in as numbers. */
export function decideAfterAttempt(
  outcome: DeliveryOutcome,
  message: { createdAt: number },
  now: number,
  policy: RetryPolicy,
): Decision {
  const ageMs = Math.max(0, now - message.createdAt);
  const done = (state: MessageState): Decision => ({ state, nextAttemptAt: now, possibleDuplicate: false, pauseProfile: false });
  // Our queue, not the peer (see DeliveryOutcome.notTried): due again at once, like a release.
  if (outcome.notTried && outcome.kind === 'temporary' && ageMs < policy.maxAgeMs) return done('deferred');
  switch (outcome.kind) {
    case 'accepted':
      return done('sent');
    case 'queued-locally':
      return done('queued-locally');
    case 'permanent':
      return done('failed');
    case 'temporary':
    case 'ambiguous':
    case 'credentials': {
      if (ageMs >= policy.maxAgeMs) return done('expired');
      const delay = Math.max(backoffDelay(ageMs, policy), outcome.retryAfterMs ?? 0);
      // One last try exactly at maxAge rather than expiring a message that still had time.
      const nextAttemptAt = Math.min(now + delay, message.createdAt + policy.maxAgeMs);
      return {
        state: 'deferred',
        nextAttemptAt,
        possibleDuplicate: outcome.kind === 'ambiguous',
        pauseProfile: outcome.kind === 'credentials',
      };
    }
  }
}
