import { Counter, Gauge, Registry } from 'prom-client';
import type { AppContext } from '../app/context.js';
import { loadSets } from './data/sets.js';
import { loadDelivery } from './data/delivery.js';

/**
 * `/metrics` in the Prometheus text format (prom-client: the client the Prometheus docs list
 * for Node.js). Every series is read from the store at scrape time, so `vigil console` (another
 * process) reports the same figures as the service. Names are documented in docs/api.md.
 */
export class ConsoleMetrics {
  readonly registry = new Registry();
  private readonly setLabels = ['set', 'host'] as const;
  private readonly g = {
    lastRunStatus: this.gauge('vigil_set_last_run_status', 'The status of the set’s last run (1 for the status it has)', [...this.setLabels, 'status']),
    lastRunAt: this.gauge('vigil_set_last_run_timestamp_seconds', 'When the set’s last run ended', this.setLabels),
    running: this.gauge('vigil_set_running', '1 while the set is running', this.setLabels),
    lastSuccessAt: this.gauge('vigil_set_last_success_timestamp_seconds', 'When the set’s last successful run (completed, or with warnings) ended', this.setLabels),
    duration: this.gauge('vigil_set_last_success_duration_seconds', 'How long the set’s last successful run took', this.setLabels),
    bytesScanned: this.gauge('vigil_set_last_success_bytes_scanned', 'Bytes read by the set’s last successful run', this.setLabels),
    bytesNew: this.gauge('vigil_set_last_success_bytes_new', 'New bytes stored by the set’s last successful run', this.setLabels),
    files: this.gauge('vigil_set_last_success_files', 'Files in the set’s last successful run', this.setLabels),
    messages: this.gauge('vigil_outbox_messages', 'Outbox messages by state', ['state']),
    stuck: this.gauge('vigil_outbox_stuck_messages', 'Messages pending longer than mail.stuckAfter', []),
    oldestCritical: this.gauge('vigil_outbox_oldest_critical_age_seconds', 'Age of the oldest critical message not yet delivered (0 when none)', []),
    escalations: this.gauge('vigil_escalations_unreported', 'Critical messages escalated and not yet reported in a delivered notification', []),
    paused: this.gauge('vigil_route_paused', '1 while a Mail Profile or channel is paused (credentials or TLS refused)', ['name', 'kind']),
  };
  private readonly attempts = new Counter({ name: 'vigil_delivery_attempts_total', help: 'Delivery attempts the store holds, by transport and outcome', labelNames: ['transport', 'outcome'], registers: [this.registry] });

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames: [...labelNames], registers: [this.registry] });
  }

  /** The text of one scrape. */
  async scrape(app: AppContext): Promise<string> {
    const now = app.clock.now();
    const [sets, delivery, attempts] = await Promise.all([loadSets(app), loadDelivery(app), app.store.metrics.attemptTotals()]);
    for (const metric of [...Object.values(this.g), this.attempts]) metric.reset();
    const host = app.hostname;
    for (const s of sets) {
      const labels = { set: s.name, host };
      this.g.running.set(labels, s.running ? 1 : 0);
      if (s.lastRun) {
        this.g.lastRunStatus.set({ ...labels, status: s.lastRun.status }, 1);
        this.g.lastRunAt.set(labels, s.lastRun.endedAt / 1000);
      }
      if (s.lastSuccess) {
        this.g.lastSuccessAt.set(labels, s.lastSuccess.endedAt / 1000);
        this.g.duration.set(labels, s.lastSuccess.durationMs / 1000);
        this.g.bytesScanned.set(labels, s.lastSuccess.bytesScanned);
        this.g.bytesNew.set(labels, s.lastSuccess.bytesNew);
        this.g.files.set(labels, s.lastSuccess.files);
      }
    }
    for (const [state, count] of Object.entries(delivery.byState)) this.g.messages.set({ state }, count);
    this.g.stuck.set(delivery.stuck);
    this.g.oldestCritical.set(delivery.oldestCriticalPendingAt === null ? 0 : Math.max(0, (now - delivery.oldestCriticalPendingAt) / 1000));
    this.g.escalations.set(delivery.unreportedEscalations);
    for (const r of delivery.routes) this.g.paused.set({ name: r.name, kind: r.kind }, r.paused ? 1 : 0);
    for (const a of attempts) this.attempts.inc({ transport: a.transport, outcome: a.outcome }, a.count);
    return this.registry.metrics();
  }
}
