/** Retention: deletes old rows in small batches so the service's writers are never blocked long. */
export interface HousekeepingStore {
  /** Deletes ended activities (and their logs) that ended before `before`; returns how many. */
  pruneActivities(before: number): Promise<number>;
  /** Deletes Outbox messages in a final state (and their attempts) last updated before `before`. */
  pruneMessages(before: number): Promise<number>;
  /**
   * Deletes notification-ledger rows begun before `before` (give the activity retention: recovery
   * only looks a day back) and any whose activity is gone — activity ids can be reused once the
   * newest rows are pruned, and a stale "notified" row would silence the new run's alert.
   */
  pruneNotifyLedger(before: number): Promise<number>;
  /** Deletes escalations recorded before `before` (give the Outbox retention), reported or not. */
  pruneEscalations(before: number): Promise<number>;
}
