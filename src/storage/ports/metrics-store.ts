/**
 * Aggregates for the console's `/metrics` and overview that no other port answers, computed in
 * the store (indexed SQL) so a scrape never loads messages or attempts. Kept in its own file:
 * only the console reads it.
 */
export interface MetricsStore {
  /**
   * Every delivery attempt ever recorded in this store, counted by transport, outcome kind and
   * the host that made it ('' when the attempt records none): the attempts it holds plus those
   * housekeeping pruned (HousekeepingStore.pruneMessages folds them into totals as it deletes
   * them). Never lower than an earlier answer: it is served as a Prometheus counter.
   */
  attemptTotals(): Promise<AttemptTotal[]>;
  /** When the oldest pending (queued, deferred, sending) message at least this urgent was created; undefined when none. */
  oldestPendingAt(maxPriority: number): Promise<number | undefined>;
}

/** How many delivery attempts of one transport, outcome kind and host. */
export interface AttemptTotal {
  transport: string;
  /** The outcome kind alone (`accepted`), without a note such as "(lease lost)". */
  outcome: string;
  /** The host that made the attempts; '' for attempts that record none (before migration 37, unrecorded ones). */
  host: string;
  count: number;
}
