import type { Escalation, EscalationStore } from '../ports/escalation-store.js';
import { escalationOf, type EscalationRow } from '../rows/escalation-row.js';
import type { PgDatabase } from './database.js';

/** Escalated (undelivered critical) messages, one row per message (migration 5). */
export class PgEscalationStore implements EscalationStore {
  constructor(private readonly db: PgDatabase) {}

  async record(e: Omit<Escalation, 'id' | 'reportedAt'>): Promise<Escalation | undefined> {
    // The UNIQUE outbox_id makes "once per message" hold across hosts, not only in memory.
    const row = await this.db.one<{ id: number }>(
      `INSERT INTO escalations (outbox_id, kind, subject, profile, trigger, reason, message_at, escalated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (outbox_id) DO NOTHING RETURNING id`,
      [e.outboxId, e.kind, e.subject, e.profile, e.trigger, e.reason, e.messageAt, e.escalatedAt],
    );
    return row ? { ...e, id: row.id, reportedAt: null } : undefined;
  }

  async unreported(): Promise<Escalation[]> {
    return (await this.db.rows<EscalationRow>('SELECT * FROM escalations WHERE reported_at IS NULL ORDER BY escalated_at, id')).map(escalationOf);
  }

  async markReported(ids: readonly number[], at: number): Promise<void> {
    await this.db.run('UPDATE escalations SET reported_at = $1 WHERE id = ANY($2::bigint[]) AND reported_at IS NULL', [at, ids]);
  }

  async since(ms: number): Promise<Escalation[]> {
    return (await this.db.rows<EscalationRow>('SELECT * FROM escalations WHERE escalated_at >= $1 ORDER BY escalated_at, id', [ms])).map(escalationOf);
  }
}
