import { Schedule } from '../backup/schedule.js';
import type { VigilConfig } from '../config/schema/index.js';
import { DEFAULT_ANOMALY_THRESHOLDS, summaryAnomalyThresholds, type AnomalyThresholds } from '../domain/anomalies.js';
import { buildFleetSummary, UNKNOWN_HOST, type FleetHostInput, type FleetSetStats, type FleetSummary, type FleetSummaryInput } from '../domain/fleet-summary.js';
import type { CredentialWarning, DeliveryHealth, EscalationInfo, HousekeepingReport, SuccessSample, SummaryPeriod } from '../domain/summary.js';
import type { HostSet } from '../storage/ports/host-store.js';
import type { Store } from '../storage/ports/store.js';
import { listHosts } from './host-listing.js';
import { renderFleetSummaryHtml } from './render-fleet-html.js';
import { renderFleetSummaryText } from './render-fleet-text.js';
import { escalationsIn, SAMPLES_PER_SET, vaultChecksIn } from './summary-source.js';
import { partReader } from './summary-parts.js';

const NO_DELIVERY: DeliveryHealth = { sent: 0, queuedLocally: 0, failed: 0, expired: 0, stuck: 0, stuckInMta: 0 };

export interface FleetSummarySourceDeps {
  config: VigilConfig;
  store: Pick<Store, 'hosts' | 'leases' | 'fleetSummary' | 'summary' | 'escalations' | 'activity' | 'forHost'>;
  /** What an engine's repository check is called (its `verifyName`, e.g. `restic check`); default `verify`. */
  checkName?: (engine: string | null) => string;
  /** The leader making the summary. */
  host: string;
  credentials?: (now: number) => CredentialWarning[];
}

export interface RenderedFleetSummary {
  summary: FleetSummary;
  text: string;
  html: string;
}

/**
 * Gathers the fleet summary's input: the hosts with their state now, and the store's per-host
 * aggregates. As for a single host, a part that cannot be read is left out and named in the
 * summary (`missing`) rather than failing the message — except the hosts themselves, without
 * which there is no fleet summary to send (the Admin process retries it).
 */
export async function collectFleetSummaryInput(deps: FleetSummarySourceDeps, period: SummaryPeriod, now: number, housekeeping?: HousekeepingReport): Promise<FleetSummaryInput> {
  const { config, store } = deps;
  const { missing, part } = partReader();
  const listed = await listHosts(store, now, config.fleet.silentAfter);
  // Each host is judged by its own notification.anomalies (published with its sets), not the leader's.
  const rules = new Map(listed.map((h) => [h.name, summaryAnomalyThresholds(h.anomalies)]));
  const thresholdsOf = (host: string) => rules.get(host) ?? DEFAULT_ANOMALY_THRESHOLDS;
  const hosts: FleetHostInput[] = listed.map((h) => ({
    name: h.name,
    state: h.state === 'ok' || h.since === null ? { kind: 'ok' } : { kind: h.state, since: h.since },
    leader: h.leader,
    sets: h.sets.map((s) => ({ name: s.name, nextRunAt: nextRunOf(s, now) })),
    thresholds: thresholdsOf(h.name),
  }));
  const [stats, problems] = await Promise.all([
    part('run counts', [], () => store.fleetSummary.hostStats(period.start, period.end)),
    part('failures and warnings', [], () => store.fleetSummary.hostProblems(period.start, period.end)),
  ]);
  const pairs = new Map<string, { host: string; set: string }>();
  for (const h of hosts) for (const s of h.sets) pairs.set(`${h.name}\u0000${s.name}`, { host: h.name, set: s.name });
  for (const s of stats) pairs.set(`${s.host}\u0000${s.set}`, { host: s.host, set: s.set });
  const [lastRuns, samples, delivery, escalations, adminFailures, credentials] = await Promise.all([
    part('last runs', [], () => store.fleetSummary.hostLastRuns([...pairs.values()])),
    part('last successes and anomalies', new Map(), () => successSamplesPerHost(store, stats, thresholdsOf)),
    part('delivery health', NO_DELIVERY, () => store.summary.delivery(period.start, period.end, now - config.mail.stuckAfter)),
    part('escalations', { integrated: false } as EscalationInfo, () => escalationsIn(store, period)),
    part('Admin failures', [], () => store.summary.adminFailures(period.start, period.end)),
    part('credential expiry', null, () => (deps.credentials ? deps.credentials(now) : null)),
  ]);
  // Each host checks its own vaults at its weekly time: the weekly summary lists them per host.
  const checks =
    period.kind === 'weekly' ? (await part('vault checks', [], () => vaultChecksIn(store, period, deps.checkName ?? (() => 'verify')))).map((c) => ({ ...c, host: c.host ?? UNKNOWN_HOST })) : [];
  return { period, reporter: deps.host, now, hosts, stats, problems, lastRuns, samples, delivery, escalations, credentials, adminFailures, missing, checks, ...(housekeeping ? { housekeeping } : {}) };
}

/** Collects, builds and renders the fleet summary of `period` (the leader's Admin process). */
export async function renderFleetSummary(deps: FleetSummarySourceDeps, period: SummaryPeriod, now: number, housekeeping?: HousekeepingReport): Promise<RenderedFleetSummary> {
  // Each host's runs are judged by the rules it published (HostStore.register: its
  // `notification.anomalies`): one that set `off` gets none listed, whatever the leader's own
  // setting. A host that published none (it predates migration 46) is judged by the defaults.
  const summary = buildFleetSummary(await collectFleetSummaryInput(deps, period, now, housekeeping), DEFAULT_ANOMALY_THRESHOLDS);
  const zone = deps.config.admin.timezone;
  return { summary, text: renderFleetSummaryText(summary, zone), html: renderFleetSummaryHtml(summary, zone) };
}

/**
 * Each host's recent successful runs of its sets, as that host's own summary reads them (its runs
 * only), for the anomaly check: one bounded per-set probe per host, so the cost follows hosts ×
 * sets, not the log. Only the sets with a successful run in the period can have an anomaly in it,
 * and judging them needs those runs and the baseline before them, not SAMPLES_PER_SET each:
 * 20 hosts × 100 sets read ~half the rows (bench:fleet).
 */
async function successSamplesPerHost(
  store: Pick<Store, 'forHost'>,
  stats: readonly FleetSetStats[],
  thresholdsOf: (host: string) => Readonly<AnomalyThresholds>,
): Promise<Map<string, Record<string, SuccessSample[]>>> {
  const judged = new Map<string, { sets: string[]; successes: number }>();
  for (const s of stats) {
    // A host whose rules judge nothing (`off`) needs no samples read.
    if (!Number.isFinite(thresholdsOf(s.host).minBaseline)) continue;
    const successes = (s.byStatus.completed ?? 0) + (s.byStatus['completed-with-warnings'] ?? 0);
    if (successes === 0) continue;
    const host = judged.get(s.host);
    if (host) {
      host.sets.push(s.set);
      host.successes = Math.max(host.successes, successes);
    } else judged.set(s.host, { sets: [s.set], successes });
  }
  const read = [...judged].map(async ([host, { sets, successes }]) => {
    const perSet = Math.min(SAMPLES_PER_SET, successes + thresholdsOf(host).baselineRuns);
    return [host, await store.forHost(host).summary.successSamples(sets, perSet)] as const;
  });
  return new Map(await Promise.all(read));
}

function nextRunOf(set: HostSet, now: number): number | null {
  if (set.schedule === null) return null;
  try {
    return new Schedule(set.schedule, set.timezone).next(now) ?? null;
  } catch {
    // A schedule this version cannot read (written by a newer host): no next run to show.
    return null;
  }
}
