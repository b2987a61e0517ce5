/** One run of a Daily or Weekly Admin process, keyed by its period (migration 6). */
export interface AdminRun {
  /** `daily:2026-11-22` — the period in the Admin timezone; a key is sent at most once. */
  key: string;
  kind: 'daily' | 'weekly';
  dueAt: number;
  startedAt: number;
  endedAt: number | null;
  state: 'running' | 'sent' | 'failed';
  owner: string;
  activityId: number | null;
  outboxIds: string[];
  error: string | null;
  /** Attempts so far (a retry, or a takeover of a dead process's claim, counts). */
  attempts: number;
  /** When a `failed` run is tried again; null when it is given up. */
  retryAt: number | null;
}

export interface AdminRunStore {
  /**
   * Claims a period for this caller, atomically across processes: true when the key was free, or
   * held by a run still `running` that started before `staleBefore` (its process died mid-run).
   * A `sent` key is never claimed again: nothing is sent twice. A `failed` key is claimed again
   * only once its `retryAt` has come (`startedAt` >= retryAt), by one caller.
   */
  claim(run: Pick<AdminRun, 'key' | 'kind' | 'dueAt' | 'startedAt' | 'owner'>, staleBefore: number): Promise<boolean>;
  /** Ends a claimed run; for a failed one, `retryAt` plans the next attempt (absent/null: none). Idempotent. */
  finish(key: string, end: Pick<AdminRun, 'state' | 'endedAt' | 'activityId' | 'outboxIds' | 'error'> & { retryAt?: number | null }): Promise<void>;
  get(key: string): Promise<AdminRun | undefined>;
}
