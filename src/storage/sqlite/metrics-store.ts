import type { MetricsStore } from '../ports/metrics-store.js';
import type { SqliteDatabase } from './database.js';

/** The console's aggregates over the Outbox tables (migration 1). */
export class SqliteMetricsStore implements MetricsStore {
  constructor(private readonly db: SqliteDatabase) {}

  async attemptTotals(): Promise<Array<{ transport: string; outcome: string; count: number }>> {
    // The outcome column may carry a note after the kind ("accepted (lease lost)"): count the kind.
    const rows = this.db
      .prepare(
        `SELECT transport, CASE WHEN instr(outcome, ' ') > 0 THEN substr(outcome, 1, instr(outcome, ' ') - 1) ELSE outcome END AS outcome, COUNT(*) AS count
         FROM attempts GROUP BY 1, 2 ORDER BY 1, 2`,
      )
      .all() as Array<{ transport: string; outcome: string; count: number }>;
    return rows;
  }

  async oldestPendingAt(maxPriority: number): Promise<number | undefined> {
    const row = this.db.prepare(`SELECT MIN(created_at) AS at FROM messages WHERE state IN ('queued', 'deferred', 'sending') AND priority <= ?`).get(maxPriority) as { at: number | null };
    return row.at ?? undefined;
  }
}
