import type { MetricsStore } from '../ports/metrics-store.js';
import type { PgDatabase } from './database.js';

/** The console's aggregates over the Outbox tables (migration 1). */
export class PgMetricsStore implements MetricsStore {
  constructor(private readonly db: PgDatabase) {}

  async attemptTotals(): Promise<Array<{ transport: string; outcome: string; count: number }>> {
    // The outcome column may carry a note after the kind ("accepted (lease lost)"): count the kind.
    return this.db.rows(`SELECT transport, split_part(outcome, ' ', 1) AS outcome, COUNT(*) AS count FROM attempts GROUP BY 1, 2 ORDER BY 1, 2`);
  }

  async oldestPendingAt(maxPriority: number): Promise<number | undefined> {
    const row = await this.db.one<{ at: number | null }>(`SELECT MIN(created_at) AS at FROM messages WHERE state IN ('queued', 'deferred', 'sending') AND priority <= $1`, [maxPriority]);
    return row?.at ?? undefined;
  }
}
