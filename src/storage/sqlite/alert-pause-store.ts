import { EVERY_SET, type AlertPause, type AlertPauseStore, type AlertSuppression } from '../ports/alert-pause-store.js';
import type { SqliteDatabase } from './database.js';

interface PauseRow {
  set_name: string;
  since: number;
  until: number | null;
}

// Suppressions older than this are dropped as new ones are recorded: they only serve `vigil resume`'s
// list, and a pause left on for months must not grow the database without bound.
const KEEP_SUPPRESSIONS_MS = 90 * 86_400_000;

/** Maintenance pauses and what they suppressed (migration 25). */
export class SqliteAlertPauseStore implements AlertPauseStore {
  /** `host`: whose state this handle keeps, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly host = '',
  ) {}

  async pause(sets: string[], now: number, until: number | null): Promise<void> {
    const upsert = this.db.prepare(
      `INSERT INTO alert_pauses (host, set_name, since, until) VALUES (?, ?, ?, ?)
       ON CONFLICT (host, set_name) DO UPDATE SET until = excluded.until,
         -- A pause that had ended starts afresh; one in force keeps its start (resume lists from it).
         since = CASE WHEN alert_pauses.until IS NOT NULL AND alert_pauses.until <= excluded.since THEN excluded.since ELSE alert_pauses.since END`,
    );
    this.db.transaction(() => {
      for (const set of sets) upsert.run(this.host, set, now, until);
    })();
  }

  async resume(sets: string[]): Promise<AlertSuppression[]> {
    return this.db.transaction((): AlertSuppression[] => {
      const all = sets.includes(EVERY_SET);
      const rows = (this.db.prepare('SELECT * FROM alert_pauses WHERE host = ?').all(this.host) as PauseRow[]).filter((r) => all || sets.includes(r.set_name));
      const suppressed: AlertSuppression[] = [];
      const since = this.db.prepare('SELECT set_name AS "set", at, what FROM alert_suppressions WHERE host = ? AND at >= ? AND (? OR set_name = ?) ORDER BY at, id');
      const seen = new Set<string>();
      for (const r of rows) {
        for (const s of since.all(this.host, r.since, r.set_name === EVERY_SET ? 1 : 0, r.set_name) as AlertSuppression[]) {
          const key = `${s.set}\0${s.at}\0${s.what}`;
          if (!seen.has(key)) suppressed.push(s);
          seen.add(key);
        }
        this.db.prepare('DELETE FROM alert_pauses WHERE host = ? AND set_name = ?').run(this.host, r.set_name);
      }
      return suppressed.sort((a, b) => a.at - b.at);
    })();
  }

  async active(now: number): Promise<AlertPause[]> {
    const rows = this.db.prepare('SELECT * FROM alert_pauses WHERE host = ? AND (until IS NULL OR until > ?) ORDER BY set_name').all(this.host, now) as PauseRow[];
    return rows.map((r) => ({ set: r.set_name, since: r.since, until: r.until }));
  }

  async recordSuppressed(s: AlertSuppression): Promise<void> {
    this.db.prepare('INSERT INTO alert_suppressions (host, set_name, at, what) VALUES (?, ?, ?, ?)').run(this.host, s.set, s.at, s.what);
    this.db.prepare('DELETE FROM alert_suppressions WHERE at < ?').run(s.at - KEEP_SUPPRESSIONS_MS);
  }
}
