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

type Row = Record<string, unknown>;

interface Copy {
  table: string;
  /** The columns naming a row in the spool: it is forgotten there once copied, unless changed meanwhile. */
  key: string[];
  /** Into the database, for `host`; `values` are the row's `columns`, the host last. */
  columns: string[];
  upsert: string;
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
    table: 'alert_pauses',
    key: ['set_name'],
    columns: ['set_name', 'since', 'until'],
    upsert: `ON CONFLICT (host, set_name) DO UPDATE SET until = excluded.until,
      since = CASE WHEN alert_pauses.until IS NOT NULL AND alert_pauses.until <= excluded.since THEN excluded.since ELSE LEAST(alert_pauses.since, excluded.since) END`,
  },
  { table: 'alert_suppressions', key: ['id'], columns: ['set_name', 'at', 'what'], upsert: '' },
  {
    // A pause or a verification made meanwhile is copied; a blank column never clears the database's.
    table: 'profile_state',
    key: ['name'],
    columns: ['name', 'verified_at', 'verified_fingerprint', 'paused_until', 'pause_reason'],
    upsert: `ON CONFLICT (host, name) DO UPDATE SET
      verified_at = COALESCE(excluded.verified_at, profile_state.verified_at),
      verified_fingerprint = CASE WHEN excluded.verified_at IS NULL THEN profile_state.verified_fingerprint ELSE excluded.verified_fingerprint END,
      paused_until = COALESCE(excluded.paused_until, profile_state.paused_until),
      pause_reason = CASE WHEN excluded.paused_until IS NULL THEN profile_state.pause_reason ELSE excluded.pause_reason END`,
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

/** What one copy read from the spool, by table: forgotten there once the copy committed. */
export type HostStateCopied = { streaks: StreakState[]; rows: Map<string, Row[]> };

/** Inside a transaction of the database: the spool's host state becomes `host`'s. */
export async function copyHostState(tx: Queryable, spool: SqliteDatabase, host: string): Promise<HostStateCopied> {
  const rows = new Map<string, Row[]>();
  for (const c of COPIES) {
    const found = spool.prepare(`SELECT * FROM ${c.table}`).all() as Row[];
    rows.set(c.table, found);
    const columns = [...c.columns, 'host'];
    const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
    for (const row of found) {
      await tx.run(`INSERT INTO ${c.table} (${columns.join(', ')}) VALUES (${placeholders}) ${c.upsert}`, [...c.columns.map((col) => row[col]), host]);
    }
  }
  return { streaks: (rows.get('notify_state') as unknown as StreakRow[]).map(streakOf), rows };
}

/**
 * Forgets in the spool what a committed copy took, so the flush does not copy it again over a
 * newer state. A row changed since it was read (a write racing the copy) stays, for the flush.
 */
export function forgetCopied(spool: SqliteDatabase, copied: HostStateCopied): void {
  spool.transaction(() => {
    for (const c of COPIES) {
      const where = c.key.map((k) => `${k} = ?`).join(' AND ');
      const read = spool.prepare(`SELECT * FROM ${c.table} WHERE ${where}`);
      const remove = spool.prepare(`DELETE FROM ${c.table} WHERE ${where}`);
      for (const row of copied.rows.get(c.table) ?? []) {
        const key = c.key.map((k) => row[k]);
        if (JSON.stringify(read.get(...key)) === JSON.stringify(row)) remove.run(...key);
      }
    }
  })();
}

/** The database is back: the spool's host state goes into it now (one transaction). Returns the streaks written. */
export async function writeBackHostState(spool: SqliteDatabase, db: PgDatabase, host: string): Promise<StreakState[]> {
  const copied = await db.transaction((tx) => copyHostState(tx, spool, host));
  forgetCopied(spool, copied);
  return copied.streaks;
}
