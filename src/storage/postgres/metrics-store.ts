import type { AttemptTotal, MetricsStore } from '../ports/metrics-store.js';
import type { PgDatabase } from './database.js';

/** The console's aggregates over the Outbox tables (migrations 1 and 45). */
export class PgMetricsStore implements MetricsStore {
  constructor(private readonly db: PgDatabase) {}

  async attemptTotals(): Promise<AttemptTotal[]> {
    // One statement, one snapshot: a prune folds and deletes in one statement (housekeeping-store.ts),
    // so an attempt is counted either in the totals or among the rows, never in both or neither.
    // The outcome column may carry a note after the kind ("accepted (lease lost)"): count the kind.
    return this.db.rows(
      `SELECT transport, outcome, host, SUM(count)::bigint AS count FROM (
         SELECT transport, outcome, host, count FROM attempt_totals
         UNION ALL
         SELECT transport, split_part(outcome, ' ', 1), COALESCE(host, ''), COUNT(*) FROM attempts GROUP BY 1, 2, 3
       ) AS t GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
  }

  async oldestPendingAt(maxPriority: number): Promise<number | undefined> {
    const row = await this.db.one<{ at: number | null }>(`SELECT MIN(created_at) AS at FROM messages WHERE state IN ('queued', 'deferred', 'sending') AND priority <= $1`, [maxPriority]);
    return row?.at ?? undefined;
  }
}
