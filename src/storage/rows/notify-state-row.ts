import type { StreakState } from '../../domain/streak-state.js';
import type { ClaimOwner } from '../ports/notify-state-store.js';

/**
 * A `notify_state` row as both stores return it — the same columns in either dialect — and its
 * streak: one mapping for the SQLite and the PostgreSQL adapter.
 */
export interface StreakRow {
  set_name: string;
  failures: number;
  failing_since: number | null;
  signature: string | null;
  alerted_at: number | null;
  last_status: string | null;
}

export function streakOf(row: StreakRow): StreakState {
  return { set: row.set_name, failures: row.failures, failingSince: row.failing_since, signature: row.signature, alertedAt: row.alerted_at, lastStatus: row.last_status };
}

/** The claim columns of a `notify_ledger` row (migration 5). */
export interface LedgerClaimRow {
  done_at: number | null;
  claim_host: string | null;
  claim_pid: number | null;
  claimed_at: number | null;
}

/**
 * Whether `owner` may take the notification of an activity whose ledger row is `row` (undefined:
 * none yet): not once it is done, nor while another owner's claim is younger than `leaseMs` and
 * that owner is alive. Each store runs it between its read and its write, under its own lock.
 */
export function mayClaim(row: LedgerClaimRow | undefined, owner: ClaimOwner, at: number, leaseMs: number, isAlive: (owner: ClaimOwner) => boolean): boolean {
  if (row && row.done_at !== null) return false;
  if (row && row.claim_host !== null && row.claim_pid !== null && row.claimed_at !== null) {
    const holder = { host: row.claim_host, pid: row.claim_pid };
    const mine = holder.host === owner.host && holder.pid === owner.pid;
    // A clock moved backwards makes the claim look young: it is kept, never stolen early.
    if (!mine && at - row.claimed_at < leaseMs && isAlive(holder)) return false;
  }
  return true;
}

/** The `dedupe_keys` column (a JSON array in a TEXT column in both dialects; NULL before `begin`). */
export function dedupeKeysOf(keys: string | null): string[] | null {
  return keys === null ? null : (JSON.parse(keys) as string[]);
}
