import type { Clock } from '../domain/clock.js';

/**
 * Slows down password guessing: after `maxFailures` failed logins (or bad bearer tokens) from
 * one client address, or against one user name, within `windowMs`, further tries are refused
 * (429) until the window has passed. A success clears the address's and the user's count.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60_000,
    // Each key costs a few numbers; a scan from many addresses must not grow this without bound.
    private readonly maxKeys = 10_000,
  ) {}

  /** Milliseconds until another try is allowed for these keys; 0 when allowed now. */
  retryAfterMs(keys: string[]): number {
    const now = this.clock.now();
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.maxFailures) wait = Math.max(wait, recent[0]! + this.windowMs - now);
    }
    return wait;
  }

  fail(keys: string[]): void {
    const now = this.clock.now();
    if (this.failures.size >= this.maxKeys) this.prune(now);
    for (const key of keys) {
      const recent = this.recent(key, now);
      recent.push(now);
      this.failures.set(key, recent.slice(-this.maxFailures));
    }
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => at > now - this.windowMs);
  }

  private prune(now: number): void {
    for (const [key, times] of this.failures) if (!times.some((at) => at > now - this.windowMs)) this.failures.delete(key);
    // Still full: the oldest keys go (Map keeps insertion order).
    for (const key of this.failures.keys()) {
      if (this.failures.size < this.maxKeys) break;
      this.failures.delete(key);
    }
  }
}
