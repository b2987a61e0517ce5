import { FINAL_STATES } from '../../domain/message.js';
import type { HousekeepingStore } from '../ports/housekeeping-store.js';
import type { PgDatabase } from './database.js';

/** Rows deleted per statement while pruning: short row locks, so hosts recording activity never wait long. */
const PRUNE_BATCH = 5_000;
const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** Retention (Admin housekeeping). Logs and attempts go with their rows (ON DELETE CASCADE). */
export class PgHousekeepingStore implements HousekeepingStore {
  constructor(private readonly db: PgDatabase) {}

  async pruneActivities(before: number): Promise<number> {
    // Counted in the same statement (so the same transaction): ActivityStore.idBounds reports it,
    // so readers that keep what they read (the console) see a prune even when the lowest id survives it.
    const batch = `WITH gone AS (DELETE FROM activities WHERE id IN (SELECT id FROM activities WHERE ended_at < $1 AND status != 'running' LIMIT ${PRUNE_BATCH}) RETURNING 1),
      counted AS (INSERT INTO activity_prunes (id, pruned) SELECT 1, count(*) FROM gone HAVING count(*) > 0
        ON CONFLICT (id) DO UPDATE SET pruned = activity_prunes.pruned + excluded.pruned)
      SELECT count(*) AS n FROM gone`;
    return this.inBatches(async () => Number((await this.db.one<{ n: string }>(batch, [before]))?.n ?? 0));
  }

  pruneMessages(before: number): Promise<number> {
    // The attempts go with their messages, but /metrics counts them for ever (a Prometheus
    // counter never goes down): one statement deletes a batch's attempts, folds exactly the rows
    // it deleted into attempt_totals (migration 45; two hosts pruning at once never fold one
    // attempt twice: a row is deleted, and returned, once) and deletes the messages.
    const batch = `WITH doomed AS (SELECT id FROM messages WHERE created_at < $1 AND updated_at < $1 AND state IN (${list(FINAL_STATES)}) LIMIT ${PRUNE_BATCH}),
         gone AS (DELETE FROM attempts WHERE message IN (SELECT id FROM doomed) RETURNING transport, outcome, host),
         folded AS (
           INSERT INTO attempt_totals (transport, outcome, host, count)
             SELECT transport, split_part(outcome, ' ', 1), COALESCE(host, ''), COUNT(*) FROM gone GROUP BY 1, 2, 3
           ON CONFLICT (transport, outcome, host) DO UPDATE SET count = attempt_totals.count + excluded.count)
       DELETE FROM messages WHERE id IN (SELECT id FROM doomed)`;
    return this.inBatches(() => this.db.run(batch, [before]));
  }

  pruneNotifyLedger(before: number): Promise<number> {
    const batch = `DELETE FROM notify_ledger WHERE activity_id IN (SELECT l.activity_id FROM notify_ledger l LEFT JOIN activities a ON a.id = l.activity_id
         WHERE l.begun_at < $1 OR a.id IS NULL LIMIT ${PRUNE_BATCH})`;
    return this.inBatches(() => this.db.run(batch, [before]));
  }

  pruneEscalations(before: number): Promise<number> {
    return this.inBatches(() => this.db.run(`DELETE FROM escalations WHERE id IN (SELECT id FROM escalations WHERE escalated_at < $1 LIMIT ${PRUNE_BATCH})`, [before]));
  }

  /** One statement (its own transaction) per batch, until a batch comes back short. */
  private async inBatches(step: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await step();
      total += n;
      if (n < PRUNE_BATCH) return total;
    }
  }
}
