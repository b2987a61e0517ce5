import { EVERY_SET, type AlertPause, type AlertPauseStore, type AlertSuppression } from '../ports/alert-pause-store.js';
import { alertPauseOf, KEEP_SUPPRESSIONS_MS, mergeSuppressions, type AlertPauseRow } from '../rows/alert-pause-row.js';
import type { SqliteDatabase } from './database.js';

/** Maintenance pauses and what they suppressed (migration 25). */
export class SqliteAlertPauseStore implements AlertPauseStore {
  /** `host`: whose state this handle keeps, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly host = '',
  ) {}

  async pause(sets: string[], now: number, until: number | null): Promise<void> {
    const upsert = this.db.prepare(
      `INSERT INTO alert_pauses (host, set_name, since, until, changed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (host, set_name) DO UPDATE SET until = excluded.until, changed_at = excluded.changed_at,
         -- A pause that had ended starts afresh; one in force keeps its start (resume lists from it).
         since = CASE WHEN alert_pauses.until IS NOT NULL AND alert_pauses.until <= excluded.since THEN excluded.since ELSE alert_pauses.since END`,
    );
    this.db.transaction(() => {
      for (const set of sets) upsert.run(this.host, set, now, until, now);
    })();
  }

  async resume(sets: string[]): Promise<AlertSuppression[]> {
    return this.db.transaction((): AlertSuppression[] => {
      const all = sets.includes(EVERY_SET);
      const rows = (this.db.prepare('SELECT * FROM alert_pauses WHERE host = ?').all(this.host) as AlertPauseRow[]).filter((r) => all || sets.includes(r.set_name));
      const since = this.db.prepare('SELECT set_name AS "set", at, what FROM alert_suppressions WHERE host = ? AND at >= ? AND (? OR set_name = ?) ORDER BY at, id');
      const found: AlertSuppression[][] = [];
      for (const r of rows) {
        // SQLite binds no boolean: 1 or 0.
        found.push(since.all(this.host, r.since, r.set_name === EVERY_SET ? 1 : 0, r.set_name) as AlertSuppression[]);
        this.db.prepare('DELETE FROM alert_pauses WHERE host = ? AND set_name = ?').run(this.host, r.set_name);
      }
      return mergeSuppressions(found);
    })();
  }

  async active(now: number): Promise<AlertPause[]> {
    const rows = this.db.prepare('SELECT * FROM alert_pauses WHERE host = ? AND (until IS NULL OR until > ?) ORDER BY set_name').all(this.host, now) as AlertPauseRow[];
    return rows.map(alertPauseOf);
  }

  async recordSuppressed(s: AlertSuppression): Promise<void> {
    this.db.prepare('INSERT INTO alert_suppressions (host, set_name, at, what) VALUES (?, ?, ?, ?)').run(this.host, s.set, s.at, s.what);
    this.db.prepare('DELETE FROM alert_suppressions WHERE at < ?').run(s.at - KEEP_SUPPRESSIONS_MS);
  }
}
