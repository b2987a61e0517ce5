import { Counter, Gauge, Registry } from 'prom-client';
import type { AppContext } from '../app/context.js';
import { loadDelivery } from './data/delivery.js';
import { loadHosts } from './data/hosts.js';
import { SetSeriesCache } from './set-series-cache.js';
import { encodeInChunks } from './chunked-body.js';

/** A scrape's text is reused for this long (see ConsoleMetrics). */
export const SCRAPE_CACHE_MS = 1_000;

/**
 * `/metrics` in the Prometheus text format (prom-client: the client the Prometheus docs list
 * for Node.js). Every series is what the store holds at scrape time, so `vigil console` (another
 * process) reports the same figures as the service; the per-set ones are kept between scrapes and
 * read again when the activity log changed (SetSeriesCache). Names are documented in docs/api.md.
 *
 * The registry is collected at most once per SCRAPE_CACHE_MS, and scrapes that arrive while one
 * is being collected wait for it. That is safe: every series is a state read from the store (the
 * attempts counter too: a total the store keeps across prunes, so it never goes backwards),
 * Prometheus scrapes every 15–60 s, so a text at most a second old shows what a fresh one would,
 * one second late —
 * and the next scrape has the rest. What it buys: an HA pair of Prometheus servers, Grafana and
 * a reload storm cost the database one collection a second, however many of them scrape.
 */
export class ConsoleMetrics {
  readonly registry = new Registry();
  private cached: { app: AppContext; at: number; text: Promise<readonly Buffer[]> } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The per-set families: kept between scrapes, read again when the activity log changed (set-series-cache.ts). */
  private readonly sets = new SetSeriesCache();

  /** `monotonic` is a millisecond clock that never jumps (wall-clock changes must not pin a stale text). */
  constructor(private readonly monotonic: () => number = () => performance.now()) {}
  private readonly g = {
    messages: this.gauge('vigil_outbox_messages', 'Outbox messages by state', ['state']),
    stuck: this.gauge('vigil_outbox_stuck_messages', 'Messages pending longer than mail.stuckAfter', []),
    oldestCritical: this.gauge('vigil_outbox_oldest_critical_age_seconds', 'Age of the oldest critical message not yet delivered (0 when none)', []),
    escalations: this.gauge('vigil_escalations_unreported', 'Critical messages escalated and not yet reported in a delivered notification', []),
    hosts: this.gauge('vigil_hosts', 'Hosts sharing this store by state (ok, silent, stopped)', ['state']),
    hostLastSeen: this.gauge('vigil_host_last_seen_timestamp_seconds', 'When the host last heartbeated (or registered, or stopped)', ['host']),
    paused: this.gauge('vigil_route_paused', '1 while a Mail Profile or channel is paused (credentials or TLS refused)', ['name', 'kind']),
  };
  private readonly attempts = new Counter({ name: 'vigil_delivery_attempts_total', help: 'Delivery attempts recorded in the store, pruned ones included, by transport, outcome and the host that made them', labelNames: ['transport', 'outcome', 'host'], registers: [this.registry] });

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames: [...labelNames], registers: [this.registry] });
  }

  /**
   * The body of one scrape, redacted by the app's redactor and encoded as UTF-8 in small chunks
   * (chunked-body.ts: no one-off 600 KB buffer): the last collection if it is younger than
   * SCRAPE_CACHE_MS (and of the same app), else a new one. The chunks are shared: never write into them.
   */
  async scrape(app: AppContext): Promise<readonly Buffer[]> {
    const at = this.monotonic();
    const cached = this.cached;
    // A reloaded app (new configuration) gets a fresh collection at once.
    if (cached && cached.app === app && at - cached.at < SCRAPE_CACHE_MS) return cached.text;
    // One collection at a time: they share the registry (reset, set, then serialise).
    const text = this.queue.then(() => this.collect(app));
    this.queue = text.catch(() => undefined);
    this.cached = { app, at, text };
    // A failed collection is not kept: the next scrape tries again.
    text.catch(() => {
      if (this.cached?.text === text) this.cached = undefined;
    });
    return text;
  }

  private async collect(app: AppContext): Promise<readonly Buffer[]> {
    const now = app.clock.now();
    const [setBody, delivery, attempts, hosts] = await Promise.all([this.sets.body(app), loadDelivery(app), app.store.metrics.attemptTotals(), loadHosts(app)]);
    for (const metric of [...Object.values(this.g), this.attempts]) metric.reset();
    for (const [state, count] of Object.entries(delivery.byState)) this.g.messages.set({ state }, count);
    this.g.stuck.set(delivery.stuck);
    this.g.oldestCritical.set(delivery.oldestCriticalPendingAt === null ? 0 : Math.max(0, (now - delivery.oldestCriticalPendingAt) / 1000));
    this.g.escalations.set(delivery.unreportedEscalations);
    for (const r of delivery.routes) this.g.paused.set({ name: r.name, kind: r.kind }, r.paused ? 1 : 0);
    // Every state present (0 when none), so an alert on `vigil_hosts{state="silent"} > 0` has a series to read.
    const byState = { ok: 0, silent: 0, stopped: 0 };
    for (const h of hosts) {
      byState[h.state]++;
      this.g.hostLastSeen.set({ host: h.name }, h.lastSeen / 1000);
    }
    for (const [state, count] of Object.entries(byState)) this.g.hosts.set({ state }, count);
    // host "" (attempts that record none) is, to Prometheus, no host label at all.
    for (const a of attempts) this.attempts.inc({ transport: a.transport, outcome: a.outcome, host: a.host }, a.count);
    // The per-set families first (as they were registered with prom-client before), then the rest:
    // only these few families are redacted and encoded per collection, the sets' are kept encoded.
    return [...setBody, ...encodeInChunks(app.redactor.redact(await this.registry.metrics()))];
  }
}
