import type { StreakState } from '../domain/streak-state.js';
import type { Queryable } from '../storage/postgres/database.js';
import { streakOf, type LedgerClaimRow, type StreakRow } from '../storage/rows/notify-state-row.js';
import type { SqliteDatabase } from '../storage/sqlite/database.js';

// What notification keeps in a spool, and how it goes back into the database with the spool's
// runs (spool-flush.ts). The ledger's keys in a spool are the notifier's activity ids negated
// (spooling-notify-state.ts): positive for the spool's own runs, negative for the database's.

interface LedgerRow extends LedgerClaimRow {
  activity_id: number;
  dedupe_keys: string | null;
  begun_at: number;
}

/** The streaks a spool holds: those of the sets whose state changed while the database was away (and not since). */
export function spooledStreaks(spool: SqliteDatabase): StreakState[] {
  return (spool.prepare('SELECT * FROM notify_state').all() as StreakRow[]).map(streakOf);
}

/** A host's streaks in the database: what a spool starts from when the database goes. */
export async function databaseStreaks(db: Queryable, host: string): Promise<StreakState[]> {
  return (await db.rows<StreakRow>('SELECT set_name, failures, failing_since, signature, alerted_at, last_status FROM notify_state WHERE host = $1', [host])).map(streakOf);
}

/** The database has a newer state of the set than the spool (written since it returned): the spool's gives way. */
export function dropSpooledStreak(spool: SqliteDatabase, set: string): void {
  spool.prepare('DELETE FROM notify_state WHERE set_name = ?').run(set);
}

/** The spool's ledger key of an activity id the notifier uses: the spool's run of it when the spool ended a database run. */
export function spoolLedgerKey(spool: SqliteDatabase, activityId: number): number {
  if (activityId < 0) return -activityId;
  const replacing = spool.prepare('SELECT id FROM activities WHERE replaces = ?').get(activityId) as { id: number } | undefined;
  return replacing?.id ?? -activityId;
}

/**
 * Inside the flush's transaction: the spool's ledger follows its runs to their ids in the
 * database, so a run told during the outage is not told again, and one not yet told is told once,
 * from the database, by the periodic pass. `ids`: each spooled run's id in the database. (The
 * spool's streaks go back with the host's other state: spool-write-back.ts.)
 */
export async function copyLedger(tx: Queryable, spool: SqliteDatabase, ids: ReadonlyMap<number, number>): Promise<void> {
  for (const row of spool.prepare('SELECT * FROM notify_ledger').all() as LedgerRow[]) {
    const target = row.activity_id > 0 ? ids.get(row.activity_id) : -row.activity_id;
    if (target === undefined) continue; // a run this spool does not hold
    // Told in either place is told; the keys recorded first are the ones its messages carry.
    await tx.run(
      `INSERT INTO notify_ledger (activity_id, dedupe_keys, begun_at, done_at, claim_host, claim_pid, claimed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (activity_id) DO UPDATE SET done_at = COALESCE(notify_ledger.done_at, excluded.done_at), dedupe_keys = COALESCE(notify_ledger.dedupe_keys, excluded.dedupe_keys)`,
      [target, row.dedupe_keys, row.begun_at, row.done_at, row.claim_host, row.claim_pid, row.claimed_at],
    );
  }
}

/**
 * Runs of the spool that ended moments ago and are not told yet: their notification is under way
 * in this process (its ledger is the spool's), so the flush waits for it. Past `withinMs` a run
 * is copied in untold, and the database's periodic pass tells it.
 */
export function untoldRecently(spool: SqliteDatabase, now: number, withinMs: number): number {
  const row = spool
    .prepare(
      `SELECT COUNT(*) AS n FROM activities a LEFT JOIN notify_ledger l ON l.activity_id = a.id
       WHERE a.kind = 'backup' AND a.status != 'running' AND a.ended_at >= ? AND l.done_at IS NULL`,
    )
    .get(now - withinMs) as { n: number };
  return row.n;
}
