import type { Escalation, EscalationStore } from '../ports/escalation-store.js';
import type { PgDatabase } from './database.js';

interface Row {
  id: number;
  outbox_id: string;
  kind: string;
  subject: string;
  profile: string;
  trigger: Escalation['trigger'];
  reason: string;
  message_at: number;
  escalated_at: number;
  reported_at: number | null;
}

function toEscalation(row: Row): Escalation {
  return {
    id: row.id,
    outboxId: row.outbox_id,
    kind: row.kind,
    subject: row.subject,
    profile: row.profile,
    trigger: row.trigger,
    reason: row.reason,
    messageAt: row.message_at,
    escalatedAt: row.escalated_at,
    reportedAt: row.reported_at,
  };
}

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
    return (await this.db.rows<Row>('SELECT * FROM escalations WHERE reported_at IS NULL ORDER BY escalated_at, id')).map(toEscalation);
  }

  async markReported(ids: readonly number[], at: number): Promise<void> {
    await this.db.run('UPDATE escalations SET reported_at = $1 WHERE id = ANY($2::bigint[]) AND reported_at IS NULL', [at, ids]);
  }

  async since(ms: number): Promise<Escalation[]> {
    return (await this.db.rows<Row>('SELECT * FROM escalations WHERE escalated_at >= $1 ORDER BY escalated_at, id', [ms])).map(toEscalation);
  }
}
