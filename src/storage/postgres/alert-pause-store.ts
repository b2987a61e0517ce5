import { EVERY_SET, type AlertPause, type AlertPauseStore, type AlertSuppression } from '../ports/alert-pause-store.js';
import { alertPauseOf, KEEP_SUPPRESSIONS_MS, mergeSuppressions, type AlertPauseRow } from '../rows/alert-pause-row.js';
import type { PgDatabase } from './database.js';

/** Maintenance pauses and what they suppressed (migration 25). */
export class PgAlertPauseStore implements AlertPauseStore {
  /** `host`: whose state this handle keeps, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: PgDatabase,
    private readonly host = '',
  ) {}

  async pause(sets: string[], now: number, until: number | null): Promise<void> {
    await this.db.run(
      `INSERT INTO alert_pauses (host, set_name, since, until, changed_at) SELECT $4, s, $2, $3, $2 FROM unnest($1::text[]) AS s
       ON CONFLICT (host, set_name) DO UPDATE SET until = excluded.until, changed_at = excluded.changed_at,
         -- A pause that had ended starts afresh; one in force keeps its start (resume lists from it).
         since = CASE WHEN alert_pauses.until IS NOT NULL AND alert_pauses.until <= excluded.since THEN excluded.since ELSE alert_pauses.since END`,
      [[...new Set(sets)], now, until, this.host],
    );
  }

  async resume(sets: string[]): Promise<AlertSuppression[]> {
    return this.db.transaction(async (tx) => {
      const all = sets.includes(EVERY_SET);
      const rows = (await tx.rows<AlertPauseRow>('SELECT * FROM alert_pauses WHERE host = $1 ORDER BY set_name FOR UPDATE', [this.host])).filter((r) => all || sets.includes(r.set_name));
      const found: AlertSuppression[][] = [];
      for (const r of rows) {
        found.push(
          await tx.rows<AlertSuppression>(
            'SELECT set_name AS "set", at, what FROM alert_suppressions WHERE host = $4 AND at >= $1 AND ($2::boolean OR set_name = $3) ORDER BY at, id',
            [r.since, r.set_name === EVERY_SET, r.set_name, this.host],
          ),
        );
        await tx.run('DELETE FROM alert_pauses WHERE host = $1 AND set_name = $2', [this.host, r.set_name]);
      }
      return mergeSuppressions(found);
    });
  }

  async active(now: number): Promise<AlertPause[]> {
    const rows = await this.db.rows<AlertPauseRow>('SELECT * FROM alert_pauses WHERE host = $1 AND (until IS NULL OR until > $2) ORDER BY set_name', [this.host, now]);
    return rows.map(alertPauseOf);
  }

  async recordSuppressed(s: AlertSuppression): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('INSERT INTO alert_suppressions (host, set_name, at, what) VALUES ($1, $2, $3, $4)', [this.host, s.set, s.at, s.what]);
      await tx.run('DELETE FROM alert_suppressions WHERE at < $1', [s.at - KEEP_SUPPRESSIONS_MS]);
    });
  }
}
