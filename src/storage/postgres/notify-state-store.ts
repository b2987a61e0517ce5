import type { ClaimOwner, NotifyStateStore } from '../ports/notify-state-store.js';
import type { StreakState } from '../../domain/streak-state.js';
import { dedupeKeysOf, mayClaim, streakOf, type LedgerClaimRow, type StreakRow } from '../rows/notify-state-row.js';
import type { PgDatabase, Queryable } from './database.js';

/** Each set's failing streak, one row per set; the notification ledger and its claims. */
export class PgNotifyStateStore implements NotifyStateStore {
  /** `host`: whose state this handle keeps, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: PgDatabase,
    private readonly host = '',
  ) {}

  async get(set: string): Promise<StreakState | undefined> {
    const row = await this.db.one<StreakRow>('SELECT * FROM notify_state WHERE host = $1 AND set_name = $2', [this.host, set]);
    return row ? streakOf(row) : undefined;
  }

  async put(state: StreakState): Promise<void> {
    await putStreak(this.db, this.host, state);
  }

  async claim(activityId: number, owner: ClaimOwner, at: number, leaseMs: number, isAlive: (owner: ClaimOwner) => boolean): Promise<boolean> {
    // The advisory lock per activity makes the read and the write one step for every host.
    return this.db.exclusive(`notify-claim:${activityId}`, async (tx) => {
      const row = await tx.one<LedgerClaimRow>('SELECT done_at, claim_host, claim_pid, claimed_at FROM notify_ledger WHERE activity_id = $1', [activityId]);
      if (!mayClaim(row, owner, at, leaseMs, isAlive)) return false;
      await tx.run(
        `INSERT INTO notify_ledger (activity_id, begun_at, claim_host, claim_pid, claimed_at) VALUES ($1, $2, $3, $4, $2)
         ON CONFLICT (activity_id) DO UPDATE SET claim_host = excluded.claim_host, claim_pid = excluded.claim_pid, claimed_at = excluded.claimed_at`,
        [activityId, at, owner.host, owner.pid],
      );
      return true;
    });
  }

  async begin(activityId: number, dedupeKeys: string[], at: number): Promise<void> {
    await this.db.run(
      `INSERT INTO notify_ledger (activity_id, dedupe_keys, begun_at) VALUES ($1, $2, $3)
       ON CONFLICT (activity_id) DO UPDATE SET dedupe_keys = excluded.dedupe_keys WHERE notify_ledger.done_at IS NULL`,
      [activityId, JSON.stringify(dedupeKeys), at],
    );
  }

  async commit(activityId: number, state: StreakState | undefined, at: number): Promise<void> {
    // One transaction: "streak saved" and "activity notified" are never seen apart after a crash.
    await this.db.transaction(async (tx) => {
      if (state) await putStreak(tx, this.host, state);
      await tx.run(
        'INSERT INTO notify_ledger (activity_id, begun_at, done_at) VALUES ($1, $2, $2) ON CONFLICT (activity_id) DO UPDATE SET done_at = excluded.done_at',
        [activityId, at],
      );
    });
  }

  async notified(activityId: number): Promise<boolean> {
    return (await this.db.one('SELECT 1 FROM notify_ledger WHERE activity_id = $1 AND done_at IS NOT NULL', [activityId])) !== undefined;
  }

  async unnotified(since: number): Promise<Array<{ activityId: number; dedupeKeys: string[] | null }>> {
    const rows = await this.db.rows<{ id: number; keys: string | null }>(
      `SELECT a.id AS id, l.dedupe_keys AS keys FROM activities a LEFT JOIN notify_ledger l ON l.activity_id = a.id
       WHERE a.kind = 'backup' AND a.status != 'running' AND a.ended_at >= $1 AND l.done_at IS NULL
         AND ($2 = '' OR a.host = $2 OR a.host IS NULL)
       ORDER BY a.ended_at, a.id`,
      [since, this.host],
    );
    return rows.map((r) => ({ activityId: r.id, dedupeKeys: dedupeKeysOf(r.keys) }));
  }
}

function putStreak(q: Queryable, host: string, state: StreakState): Promise<number> {
  return q.run(
    `INSERT INTO notify_state (host, set_name, failures, failing_since, signature, alerted_at, last_status) VALUES ($7, $1, $2, $3, $4, $5, $6)
     ON CONFLICT (host, set_name) DO UPDATE SET failures = excluded.failures, failing_since = excluded.failing_since,
       signature = excluded.signature, alerted_at = excluded.alerted_at, last_status = excluded.last_status`,
    [state.set, state.failures, state.failingSince, state.signature, state.alertedAt, state.lastStatus, host],
  );
}
