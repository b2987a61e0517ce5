/** The set name of a pause of every set. */
export const EVERY_SET = '*';

/** A maintenance pause of one set's alerts (`set` '*': every set); `until` null: until resumed. */
export interface AlertPause {
  set: string;
  since: number;
  until: number | null;
}

/** An alert a pause kept from being sent. */
export interface AlertSuppression {
  set: string;
  at: number;
  what: string;
}

/** Maintenance mode (migration 25): persisted, so the service and `vigil run` both honour it. */
export interface AlertPauseStore {
  /** Pauses the sets ('*': every set) from `now`; pausing again replaces the end. Idempotent. */
  pause(sets: string[], now: number, until: number | null): Promise<void>;
  /** Ends the pauses of `sets` ('*': every pause); returns what they suppressed, oldest first. */
  resume(sets: string[]): Promise<AlertSuppression[]>;
  /** Pauses in force at `now` (ended `--for` pauses are not returned). */
  active(now: number): Promise<AlertPause[]>;
  recordSuppressed(s: AlertSuppression): Promise<void>;
}
