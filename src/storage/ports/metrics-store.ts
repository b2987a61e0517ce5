/**
 * Aggregates for the console's `/metrics` and overview that no other port answers, computed in
 * the store (indexed SQL) so a scrape never loads messages or attempts. Kept in its own file:
 * only the console reads it.
 */
export interface MetricsStore {
  /** Every delivery attempt the store holds (pruned by housekeeping), counted by transport and outcome kind. */
  attemptTotals(): Promise<Array<{ transport: string; outcome: string; count: number }>>;
  /** When the oldest pending (queued, deferred, sending) message at least this urgent was created; undefined when none. */
  oldestPendingAt(maxPriority: number): Promise<number | undefined>;
}
