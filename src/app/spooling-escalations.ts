import type { Escalation, EscalationStore } from '../storage/ports/escalation-store.js';
import type { Router } from './local-spool.js';

/**
 * Escalations, spooled (spooling-store.ts). While the database is unreachable they are recorded
 * in the spool, with the messages they are about; the flush copies them (once per message).
 *
 * Between the database's return and the flush (a backup still running in the spool can put it
 * off for hours), a message the spool still holds is still escalated on time, and in the spool:
 * where an escalation made during the outage already is — so it is not escalated a second time
 * (a second system-log line, a second pager message) — and from where the flush carries it.
 * Reads go to the database: what the spool recorded is reported once it is flushed.
 */
export class SpoolingEscalationStore implements EscalationStore {
  constructor(
    private readonly primary: EscalationStore,
    private readonly router: Router,
  ) {}

  record(escalation: Omit<Escalation, 'id' | 'reportedAt'>): Promise<Escalation | undefined> {
    return this.router.route(
      // No flush starts meanwhile: it would copy the spool before the record and then delete it.
      () =>
        this.router.holding(async () => {
          const spool = await this.router.settled();
          const held = spool && (await spool.store.outbox.get(escalation.outboxId));
          return (held ? spool.store.escalations : this.primary).record(escalation);
        }),
      (spool) => spool.store.escalations.record(escalation),
    );
  }

  unreported(): Promise<Escalation[]> {
    return this.router.route(() => this.primary.unreported(), (spool) => spool.store.escalations.unreported());
  }

  markReported(ids: readonly number[], at: number): Promise<void> {
    return this.router.route(() => this.primary.markReported(ids, at), (spool) => spool.store.escalations.markReported(ids, at));
  }

  since(ms: number): Promise<Escalation[]> {
    return this.router.route(() => this.primary.since(ms), (spool) => spool.store.escalations.since(ms));
  }
}
