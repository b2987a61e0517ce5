/**
 * What notification remembers per set between runs (persisted: a restart must neither re-alert
 * nor forget a failing set). A "streak" is the run of consecutive failures since the last success.
 * Lives in the domain so storage can persist it without depending on src/notify.
 */
export interface StreakState {
  set: string;
  /** Consecutive failing runs (statuses in the rule's `on` other than successes). */
  failures: number;
  /** When the first failure of the streak ended; null when the set is not failing. */
  failingSince: number | null;
  /** The way it fails (status and first error, numbers blurred) — a change alerts afresh. */
  signature: string | null;
  /** When the last alert or reminder of this streak was enqueued; null if none was. */
  alertedAt: number | null;
  /** The status of the last failing run, for the recovery notice. */
  lastStatus: string | null;
}
