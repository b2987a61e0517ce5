import type { ClaimOwner, NotifyStateStore } from '../ports/notify-state-store.js';
import type { StreakState } from '../../domain/streak-state.js';
import { dedupeKeysOf, mayClaim, streakOf, type LedgerClaimRow, type StreakRow } from '../rows/notify-state-row.js';
import type { SqliteDatabase } from './database.js';

/** Each set's failing streak, one row per set; the notification ledger and its claims. */
export class SqliteNotifyStateStore implements NotifyStateStore {
  /** `host`: whose state this handle keeps, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly host = '',
  ) {}

  async get(set: string): Promise<StreakState | undefined> {
    const row = this.db.prepare('SELECT * FROM notify_state WHERE host = ? AND set_name = ?').get(this.host, set) as StreakRow | undefined;
    return row ? streakOf(row) : undefined;
  }

  async put(state: StreakState): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO notify_state (host, set_name, failures, failing_since, signature, alerted_at, last_status) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (host, set_name) DO UPDATE SET failures = excluded.failures, failing_since = excluded.failing_since,
           signature = excluded.signature, alerted_at = excluded.alerted_at, last_status = excluded.last_status`,
      )
      .run(this.host, state.set, state.failures, state.failingSince, state.signature, state.alertedAt, state.lastStatus);
  }

  async claim(activityId: number, owner: ClaimOwner, at: number, leaseMs: number, isAlive: (owner: ClaimOwner) => boolean): Promise<boolean> {
    // IMMEDIATE: the read and the write are one step for every process sharing the database.
    return this.db
      .transaction((): boolean => {
        const row = this.db.prepare('SELECT done_at, claim_host, claim_pid, claimed_at FROM notify_ledger WHERE activity_id = ?').get(activityId) as LedgerClaimRow | undefined;
        if (!mayClaim(row, owner, at, leaseMs, isAlive)) return false;
        this.db
          .prepare(
            `INSERT INTO notify_ledger (activity_id, begun_at, claim_host, claim_pid, claimed_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (activity_id) DO UPDATE SET claim_host = excluded.claim_host, claim_pid = excluded.claim_pid, claimed_at = excluded.claimed_at`,
          )
          .run(activityId, at, owner.host, owner.pid, at);
        return true;
      })
      .immediate();
  }

  async begin(activityId: number, dedupeKeys: string[], at: number): Promise<void> {
    this.db
      .prepare('INSERT INTO notify_ledger (activity_id, dedupe_keys, begun_at) VALUES (?, ?, ?) ON CONFLICT (activity_id) DO UPDATE SET dedupe_keys = excluded.dedupe_keys WHERE done_at IS NULL')
      .run(activityId, JSON.stringify(dedupeKeys), at);
  }

  async commit(activityId: number, state: StreakState | undefined, at: number): Promise<void> {
    // One transaction: "streak saved" and "activity notified" are never seen apart after a crash.
    this.db.transaction(() => {
      // put() is synchronous underneath (better-sqlite3): it runs inside this transaction.
      if (state) void this.put(state);
      this.db
        .prepare('INSERT INTO notify_ledger (activity_id, begun_at, done_at) VALUES (?, ?, ?) ON CONFLICT (activity_id) DO UPDATE SET done_at = excluded.done_at')
        .run(activityId, at, at);
    })();
  }

  async notified(activityId: number): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM notify_ledger WHERE activity_id = ? AND done_at IS NOT NULL').get(activityId) !== undefined;
  }

  async unnotified(since: number): Promise<Array<{ activityId: number; dedupeKeys: string[] | null }>> {
    const rows = this.db
      .prepare(
        `SELECT a.id AS id, l.dedupe_keys AS keys FROM activities a LEFT JOIN notify_ledger l ON l.activity_id = a.id
         WHERE a.kind = 'backup' AND a.status != 'running' AND a.ended_at >= ? AND l.done_at IS NULL ${this.host ? 'AND (a.host = ? OR a.host IS NULL)' : ''}
         ORDER BY a.ended_at, a.id`,
      )
      .all(since, ...(this.host ? [this.host] : [])) as Array<{ id: number; keys: string | null }>;
    return rows.map((r) => ({ activityId: r.id, dedupeKeys: dedupeKeysOf(r.keys) }));
  }
}
