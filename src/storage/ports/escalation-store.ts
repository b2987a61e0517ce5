/** A critical message that could not be delivered and was escalated (migration 5). */
export interface Escalation {
  id: number;
  /** The Outbox id of the undelivered message. */
  outboxId: string;
  kind: string;
  subject: string;
  profile: string;
  /** What made it escalate: it failed for good, its profile was paused, or it was overdue. */
  trigger: 'failed' | 'paused' | 'overdue';
  reason: string;
  /** When the undelivered message was enqueued. */
  messageAt: number;
  escalatedAt: number;
  /** When a delivered notification told the admins about it; null until then. */
  reportedAt: number | null;
}

export interface EscalationStore {
  /** Records one; undefined (nothing written) when this message was already escalated: each escalates once. */
  record(escalation: Omit<Escalation, 'id' | 'reportedAt'>): Promise<Escalation | undefined>;
  /** Not yet reported in a delivered notification, oldest first. */
  unreported(): Promise<Escalation[]>;
  markReported(ids: readonly number[], at: number): Promise<void>;
  /** Escalated at or after `ms` (the Daily Admin summary), oldest first. */
  since(ms: number): Promise<Escalation[]>;
}
