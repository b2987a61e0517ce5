import type { Escalation } from '../ports/escalation-store.js';

/**
 * An `escalations` row (migration 5) as both stores return it — the same columns in either
 * dialect — and its escalation: one mapping for the SQLite and the PostgreSQL adapter.
 */
export interface EscalationRow {
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

export function escalationOf(row: EscalationRow): Escalation {
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
