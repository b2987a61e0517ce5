import type { Escalation, EscalationStore } from '../ports/escalation-store.js';
import { escalationOf, type EscalationRow } from '../rows/escalation-row.js';
import type { SqliteDatabase } from './database.js';

/** Escalated (undelivered critical) messages, one row per message (migration 5). */
export class SqliteEscalationStore implements EscalationStore {
  constructor(private readonly db: SqliteDatabase) {}

  async record(e: Omit<Escalation, 'id' | 'reportedAt'>): Promise<Escalation | undefined> {
    // The UNIQUE outbox_id makes "once per message" hold across processes, not only in memory.
    const result = this.db
      .prepare(
        `INSERT INTO escalations (outbox_id, kind, subject, profile, trigger, reason, message_at, escalated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (outbox_id) DO NOTHING`,
      )
      .run(e.outboxId, e.kind, e.subject, e.profile, e.trigger, e.reason, e.messageAt, e.escalatedAt);
    if (result.changes === 0) return undefined;
    return { ...e, id: Number(result.lastInsertRowid), reportedAt: null };
  }

  async unreported(): Promise<Escalation[]> {
    return (this.db.prepare('SELECT * FROM escalations WHERE reported_at IS NULL ORDER BY escalated_at, id').all() as EscalationRow[]).map(escalationOf);
  }

  async markReported(ids: readonly number[], at: number): Promise<void> {
    const mark = this.db.prepare('UPDATE escalations SET reported_at = ? WHERE id = ? AND reported_at IS NULL');
    this.db.transaction(() => {
      for (const id of ids) mark.run(at, id);
    })();
  }

  async since(ms: number): Promise<Escalation[]> {
    return (this.db.prepare('SELECT * FROM escalations WHERE escalated_at >= ? ORDER BY escalated_at, id').all(ms) as EscalationRow[]).map(escalationOf);
  }
}
