/** The lease whose holder runs the fleet duties (src/app/fleet-leader.ts); `vigil hosts` marks its holder. */
export const LEADER_LEASE = 'leader';

/** Who holds a lease now. */
export interface LeaseHolder {
  owner: string;
  token: number;
  expiresAt: number;
}

/**
 * A fenced lease (migration 31): at most one holder per lease name at a time, so one host of a
 * fleet runs the fleet duties. The fencing token grows every time the lease changes hands, so a
 * former holder that wakes up late can tell (and be told) that its token is stale.
 */
export interface LeaderLease {
  /**
   * Takes the lease `name` for `owner` until `now + ttlMs` when it is free, expired, or already
   * held by `owner` (a renewal, which keeps the token). Returns the fencing token, or undefined
   * when another owner holds an unexpired lease. Atomic across processes; safe to retry.
   */
  acquire(name: string, owner: string, now: number, ttlMs: number): Promise<number | undefined>;
  /** Gives the lease up if `owner` holds it (another may take it at once); otherwise nothing. */
  release(name: string, owner: string): Promise<void>;
  /** The holder of an unexpired lease at `now`, if any. */
  holder(name: string, now: number): Promise<LeaseHolder | undefined>;
}
