import { randomUUID } from 'node:crypto';
import type { StreakState } from '../domain/streak-state.js';
import type { PgDatabase, Queryable } from '../storage/postgres/database.js';
import { streakOf, type StreakRow } from '../storage/rows/notify-state-row.js';
import type { SqliteDatabase } from '../storage/sqlite/database.js';

// The host's own state a spool keeps — per set (failing streaks, alert pauses and what they held
// back), per Mail Profile (paused for its credentials), per delivery route (suspended), per vault
// (the weekly check's next slice) — and how it goes back into the database. Unlike runs and
// messages it belongs to no run, so it is written back the moment the database is found back,
// before this process uses it again (spooling-store.ts): whatever is written there afterwards —
// by this service, by `vigil run` or `vigil pause` — is newer and simply wins. The flush copies
// what is left (a spool a previous process left behind; a write that raced the write-back).
// Two stores, no common transaction: a snapshot under a token in the spool, the copy with the
// token in the database, then forgetting in the spool (migration 48). A process killed between
// two steps is settled by the next write-back or flush: the token tells whether it was copied.

type Row = Record<string, unknown>;

interface Copy {
  table: string;
  /** The columns naming a row in the spool: it is forgotten there once copied, unless changed meanwhile. */
  key: string[];
  /** Into the database, for `host`; `values` are the row's `columns`, the host last. */
  columns: string[];
  upsert: string;
  /** A row kept in the spool by an older version lacks a column: what it is taken to be. */
  complete?: (row: Row) => Row;
}

// One place per table: what of the spool's row goes where, and which side wins a conflict.
const COPIES: Copy[] = [
  {
    table: 'notify_state',
    key: ['set_name'],
    columns: ['set_name', 'failures', 'failing_since', 'signature', 'alerted_at', 'last_status'],
    upsert: `ON CONFLICT (host, set_name) DO UPDATE SET failures = excluded.failures, failing_since = excluded.failing_since,
      signature = excluded.signature, alerted_at = excluded.alerted_at, last_status = excluded.last_status`,
  },
  {
    // As pausing again does: a pause in force keeps its start (resume lists from it), one that had ended starts afresh.
    // Only over an older pause: one set in the database after the spool's (`vigil pause` once it was back) stays.
    table: 'alert_pauses',
    key: ['set_name'],
    columns: ['set_name', 'since', 'until', 'changed_at'],
    upsert: `ON CONFLICT (host, set_name) DO UPDATE SET until = excluded.until, changed_at = excluded.changed_at,
      since = CASE WHEN alert_pauses.until IS NOT NULL AND alert_pauses.until <= excluded.since THEN excluded.since ELSE LEAST(alert_pauses.since, excluded.since) END
      WHERE alert_pauses.changed_at <= excluded.changed_at`,
    // Snapshotted before migration 49 (a write-back a process did not finish): its start is its last change known.
    complete: (row) => ({ changed_at: row.since, ...row }),
  },
  { table: 'alert_suppressions', key: ['id'], columns: ['set_name', 'at', 'what'], upsert: '' },
  {
    // A verification made meanwhile is copied, a blank one never clears the database's. The pause
    // is the spool's word: the spool starts from the database's profiles (spooling-profiles.ts),
    // so a profile row there says whether it is paused — a pause ended in it (a test message that
    // got through) ends the database's too, instead of holding the profile's messages back again.
    table: 'profile_state',
    key: ['name'],
    columns: ['name', 'verified_at', 'verified_fingerprint', 'paused_until', 'pause_reason'],
    upsert: `ON CONFLICT (host, name) DO UPDATE SET
      verified_at = COALESCE(excluded.verified_at, profile_state.verified_at),
      verified_fingerprint = CASE WHEN excluded.verified_at IS NULL THEN profile_state.verified_fingerprint ELSE excluded.verified_fingerprint END,
      paused_until = excluded.paused_until, pause_reason = excluded.pause_reason`,
  },
  {
    table: 'route_suspensions',
    key: ['profile'],
    columns: ['profile', 'since', 'until', 'reason'],
    upsert: `ON CONFLICT (host, profile) DO UPDATE SET since = excluded.since, until = excluded.until, reason = excluded.reason
      WHERE route_suspensions.since <= excluded.since`,
  },
  {
    table: 'vault_check_rotation',
    key: ['target'],
    columns: ['target', 'slices', 'next_slice', 'updated_at'],
    upsert: `ON CONFLICT (host, target) DO UPDATE SET slices = excluded.slices, next_slice = excluded.next_slice, updated_at = excluded.updated_at
      WHERE vault_check_rotation.updated_at <= excluded.updated_at`,
  },
];

/** Inside a transaction of the database: the spool's live host state becomes `host`'s (the flush's). */
export async function copyHostState(tx: Queryable, spool: SqliteDatabase, host: string): Promise<{ streaks: StreakState[] }> {
  return upsertRows(tx, liveRows(spool), host);
}

/** Step 1, in the spool: a snapshot of its host state under `token` (what step 2 copies, step 3 forgets). */
export function snapshotHostState(spool: SqliteDatabase, token: string): void {
  const keep = spool.prepare('INSERT INTO spool_write_backs_pending (token, tbl, row_json) VALUES (?, ?, ?)');
  spool.transaction(() => {
    for (const { table, row } of liveRows(spool)) keep.run(token, table, JSON.stringify(row));
  })();
}

/** Step 2, inside a transaction of the database: the snapshot becomes `host`'s, and the token says so. */
export async function copySnapshot(tx: Queryable, spool: SqliteDatabase, token: string, host: string, now: number): Promise<StreakState[]> {
  const copied = await upsertRows(tx, snapshotOf(spool, token), host);
  await tx.run('INSERT INTO spool_write_backs (token, host, written_at) VALUES ($1, $2, $3)', [token, host, now]);
  return copied.streaks;
}

/**
 * Step 3, in the spool, once the database has the token: forgets what the snapshot took, so the
 * flush does not copy it again over a newer state. A row changed since the snapshot (a write
 * racing the write-back) stays, for the flush: it is the newer.
 */
export function forgetSnapshot(spool: SqliteDatabase, token: string): void {
  const byTable = new Map(COPIES.map((c) => [c.table, c]));
  spool.transaction(() => {
    for (const { table, row } of snapshotOf(spool, token)) {
      const key = byTable.get(table)!.key;
      const where = key.map((k) => `${k} = ?`).join(' AND ');
      const values = key.map((k) => row[k]);
      if (JSON.stringify(spool.prepare(`SELECT * FROM ${table} WHERE ${where}`).get(...values)) === JSON.stringify(row)) {
        spool.prepare(`DELETE FROM ${table} WHERE ${where}`).run(...values);
      }
    }
    spool.prepare('DELETE FROM spool_write_backs_pending WHERE token = ?').run(token);
  })();
}

/**
 * Finishes write-backs a process did not live to finish (before any new one, and before a flush):
 * a snapshot whose token the database has was copied — only forgotten now; one it has not was
 * never copied — dropped, as the rows it took are still in the spool, copied next.
 */
export async function settleWriteBacks(spool: SqliteDatabase, db: PgDatabase): Promise<void> {
  const tokens = spool.prepare('SELECT token FROM spool_write_backs_pending GROUP BY token ORDER BY MIN(seq)').all() as Array<{ token: string }>;
  for (const { token } of tokens) {
    if (await db.one('SELECT 1 FROM spool_write_backs WHERE token = $1', [token])) forgetSnapshot(spool, token);
    else spool.prepare('DELETE FROM spool_write_backs_pending WHERE token = ?').run(token);
  }
}

/** The database is back: the spool's host state goes into it now (one transaction). Returns the streaks written. */
export async function writeBackHostState(spool: SqliteDatabase, spoolId: string, db: PgDatabase, host: string, now: number): Promise<StreakState[]> {
  await settleWriteBacks(spool, db);
  const token = `${spoolId}:${randomUUID()}`;
  snapshotHostState(spool, token);
  const streaks = await db.transaction((tx) => copySnapshot(tx, spool, token, host, now));
  forgetSnapshot(spool, token);
  return streaks;
}

function liveRows(spool: SqliteDatabase): Array<{ table: string; row: Row }> {
  return COPIES.flatMap((c) => (spool.prepare(`SELECT * FROM ${c.table}`).all() as Row[]).map((row) => ({ table: c.table, row })));
}

function snapshotOf(spool: SqliteDatabase, token: string): Array<{ table: string; row: Row }> {
  const kept = spool.prepare('SELECT tbl, row_json FROM spool_write_backs_pending WHERE token = ? ORDER BY seq').all(token) as Array<{ tbl: string; row_json: string }>;
  return kept.map((k) => ({ table: k.tbl, row: JSON.parse(k.row_json) as Row }));
}

async function upsertRows(tx: Queryable, rows: Array<{ table: string; row: Row }>, host: string): Promise<{ streaks: StreakState[] }> {
  const byTable = new Map(COPIES.map((c) => [c.table, c]));
  const streaks: StreakState[] = [];
  for (const { table, row: kept } of rows) {
    const c = byTable.get(table)!;
    const row = c.complete ? c.complete(kept) : kept;
    const columns = [...c.columns, 'host'];
    const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
    await tx.run(`INSERT INTO ${c.table} (${columns.join(', ')}) VALUES (${placeholders}) ${c.upsert}`, [...c.columns.map((col) => row[col]), host]);
    if (table === 'notify_state') streaks.push(streakOf(row as unknown as StreakRow));
  }
  return { streaks };
}
