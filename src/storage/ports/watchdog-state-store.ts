/** The missed-backup watchdog's memory per set: since when the set's schedule is watched. */
export interface WatchdogState {
  set: string;
  schedule: string;
  since: number;
}

export interface WatchdogStateStore {
  get(set: string): Promise<WatchdogState | undefined>;
  /** Upserts; idempotent. */
  put(state: WatchdogState): Promise<void>;
}
