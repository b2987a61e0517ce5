import type { AttemptTotal, MetricsStore } from '../ports/metrics-store.js';
import type { SqliteDatabase } from './database.js';

/**
 * An attempt's outcome kind: the outcome column may carry a note after it ("accepted (lease
 * lost)"). Shared with the prune that folds attempts into attempt_totals (summary-store.ts).
 */
export const ATTEMPT_OUTCOME_KIND = `CASE WHEN instr(outcome, ' ') > 0 THEN substr(outcome, 1, instr(outcome, ' ') - 1) ELSE outcome END`;

/** The console's aggregates over the Outbox tables (migrations 1 and 45). */
export class SqliteMetricsStore implements MetricsStore {
  constructor(private readonly db: SqliteDatabase) {}

  async attemptTotals(): Promise<AttemptTotal[]> {
    // One statement, one snapshot: a prune folds and deletes in one transaction, so an attempt
    // is counted either in the totals or among the rows, never in both and never in neither.
    return this.db
      .prepare(
        `SELECT transport, outcome, host, SUM(count) AS count FROM (
           SELECT transport, outcome, host, count FROM attempt_totals
           UNION ALL
           SELECT transport, ${ATTEMPT_OUTCOME_KIND}, COALESCE(host, ''), COUNT(*) FROM attempts GROUP BY 1, 2, 3
         ) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      )
      .all() as AttemptTotal[];
  }

  async oldestPendingAt(maxPriority: number): Promise<number | undefined> {
    const row = this.db.prepare(`SELECT MIN(created_at) AS at FROM messages WHERE state IN ('queued', 'deferred', 'sending') AND priority <= ?`).get(maxPriority) as { at: number | null };
    return row.at ?? undefined;
  }
}
