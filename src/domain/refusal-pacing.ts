/**
 * How a store paces itself when the database answers but refuses what it must write on its
 * return (the spool's write-back or flush): a privilege revoked, a constraint, a full disk there.
 * Unlike a lost connection, retrying every few seconds will not fix it — somebody must — so:
 *
 * - each retry waits twice as long as the previous one, up to `maxDelayMs`;
 * - the cause is logged once, and again only if it stays `remindMs` (or changes);
 * - the admin is alerted from the second refusal in a row (one refusal may be a passing
 *   deadlock or serialization failure, which the first retry clears), once per cause and again
 *   when it is logged again (the fault notifier throttles repeats to notification.remindEvery).
 *
 * Pure: time comes in as numbers.
 */
export interface RefusalPacingPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  remindMs: number;
}

export interface RefusalStep {
  /** Wait this long before trying again. */
  delayMs: number;
  /** Log the cause now (at warn). */
  warn: boolean;
  /** Alert the admin now. */
  alert: boolean;
}

export class RefusalPacing {
  private refusals = 0;
  private warned: { cause: string; at: number } | undefined;
  private alerted: { cause: string; at: number } | undefined;

  constructor(private readonly policy: RefusalPacingPolicy) {}

  /** Refusals in a row (0 when the last attempt went through). */
  get count(): number {
    return this.refusals;
  }

  /** The attempt was refused with `cause`, at `now`. */
  refused(cause: string, now: number): RefusalStep {
    this.refusals++;
    const delayMs = Math.min(this.policy.maxDelayMs, this.policy.firstDelayMs * 2 ** (this.refusals - 1));
    const warn = this.due(this.warned, cause, now);
    if (warn) this.warned = { cause, at: now };
    const alert = this.refusals >= 2 && this.due(this.alerted, cause, now);
    if (alert) this.alerted = { cause, at: now };
    return { delayMs, warn, alert };
  }

  /** The attempt went through (or failed for a lost connection, which has its own alert): the pace starts over. */
  reset(): void {
    this.refusals = 0;
    this.warned = undefined;
    this.alerted = undefined;
  }

  private due(last: { cause: string; at: number } | undefined, cause: string, now: number): boolean {
    // A clock set back counts as due: better a line too many than a cause never told again.
    return !last || last.cause !== cause || now - last.at >= this.policy.remindMs || now < last.at;
  }
}
