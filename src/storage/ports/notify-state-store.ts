import type { StreakState } from '../../domain/streak-state.js';

/** The process that claims a piece of work: its host and pid, so others can tell whether it died. */
export interface ClaimOwner {
  host: string;
  pid: number;
}

/** Notification's memory of each set's failing streak (migration 4); shape in src/domain/streak-state.ts. */
export interface NotifyStateStore {
  /** Undefined when the set has never failed (or the state was reset by a success). */
  get(set: string): Promise<StreakState | undefined>;
  /** Upserts; idempotent. */
  put(state: StreakState): Promise<void>;
  /**
   * Ledger claim (migration 7): takes the right to notify an activity, atomically across
   * processes. True when it is not notified yet and its claim is free, already `owner`'s, held by
   * an owner that `isAlive` says is dead, or taken more than `leaseMs` before `at`; the claim is
   * then `owner`'s from `at`. False when the activity is notified or a live claimer holds it.
   */
  claim(activityId: number, owner: ClaimOwner, at: number, leaseMs: number, isAlive: (owner: ClaimOwner) => boolean): Promise<boolean>;
  /** Ledger (migration 5): notification is about to enqueue these dedupe keys for an activity. Idempotent. */
  begin(activityId: number, dedupeKeys: string[], at: number): Promise<void>;
  /** Saves the streak (when given) and marks the activity notified, in one transaction. Idempotent. */
  commit(activityId: number, state: StreakState | undefined, at: number): Promise<void>;
  /** Whether `commit` has marked the activity notified. */
  notified(activityId: number): Promise<boolean>;
  /** Finished backup activities that ended at or after `since` and are not marked notified, oldest first, with the keys `begin` recorded. */
  unnotified(since: number): Promise<Array<{ activityId: number; dedupeKeys: string[] | null }>>;
}
