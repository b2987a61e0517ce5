import { FINAL_STATES } from '../../domain/message.js';
import type { HousekeepingStore } from '../ports/housekeeping-store.js';
import { sqlList as list } from '../rows/sql-list.js';
import type { SqliteDatabase } from './database.js';
import { ATTEMPT_OUTCOME_KIND } from './metrics-store.js';

/** Rows deleted per transaction while pruning: short write locks, so backups recording activity never wait long. */
const PRUNE_BATCH = 5_000;

/** Retention (Admin housekeeping). Logs and attempts go with their rows (ON DELETE CASCADE). */
export class SqliteHousekeepingStore implements HousekeepingStore {
  constructor(private readonly db: SqliteDatabase) {}

  async pruneActivities(before: number): Promise<number> {
    const batch = this.db.prepare(`DELETE FROM activities WHERE id IN (SELECT id FROM activities WHERE ended_at < ? AND status != 'running' LIMIT ${PRUNE_BATCH})`);
    // Counted in the batch's transaction: ActivityStore.idBounds reports it, so readers that keep
    // what they read (the console) see a prune even when the lowest id survives it.
    const count = this.db.prepare('INSERT INTO activity_prunes (id, pruned) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET pruned = pruned + excluded.pruned');
    return this.inBatches(() => {
      const n = batch.run(before).changes;
      if (n > 0) count.run(n);
      return n;
    });
  }

  async pruneMessages(before: number): Promise<number> {
    const doomed = this.db.prepare(`SELECT id FROM messages WHERE created_at < ? AND updated_at < ? AND state IN (${list(FINAL_STATES)}) LIMIT ${PRUNE_BATCH}`).pluck();
    // The attempts go with their messages (ON DELETE CASCADE), but /metrics counts them for
    // ever (a Prometheus counter never goes down): fold them into attempt_totals first, in the
    // same transaction (migration 45; the reader is metrics-store.ts).
    const fold = this.db.prepare(
      `INSERT INTO attempt_totals (transport, outcome, host, count)
         SELECT transport, ${ATTEMPT_OUTCOME_KIND}, COALESCE(host, ''), COUNT(*) FROM attempts WHERE message IN (SELECT value FROM json_each(?)) GROUP BY 1, 2, 3
       ON CONFLICT (transport, outcome, host) DO UPDATE SET count = count + excluded.count`,
    );
    const remove = this.db.prepare(`DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))`);
    return this.inBatches(() => {
      const ids = JSON.stringify(doomed.all(before, before));
      fold.run(ids);
      return remove.run(ids).changes;
    });
  }

  async pruneNotifyLedger(before: number): Promise<number> {
    const batch = this.db.prepare(
      `DELETE FROM notify_ledger WHERE activity_id IN (SELECT l.activity_id FROM notify_ledger l LEFT JOIN activities a ON a.id = l.activity_id
         WHERE l.begun_at < ? OR a.id IS NULL LIMIT ${PRUNE_BATCH})`,
    );
    return this.inBatches(() => batch.run(before).changes);
  }

  async pruneEscalations(before: number): Promise<number> {
    const batch = this.db.prepare(`DELETE FROM escalations WHERE id IN (SELECT id FROM escalations WHERE escalated_at < ? LIMIT ${PRUNE_BATCH})`);
    return this.inBatches(() => batch.run(before).changes);
  }

  private async inBatches(step: () => number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = this.db.transaction(step).immediate();
      total += n;
      if (n < PRUNE_BATCH) return total;
      // Let other work (the dispatcher, a finishing backup) in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
