import type { FinalStatus } from './activity.js';
import { DEFAULT_ANOMALY_THRESHOLDS, detectAnomalies, type Anomaly, type AnomalyThresholds } from './anomalies.js';
import type { HostState } from './host-state.js';
import { COUNT_LABELS } from './summary-build.js';
import type { CredentialWarning, DeliveryHealth, EscalationInfo, HousekeepingReport, MissingPart, ProblemGroup, RunRef, SetPeriodStats, SuccessSample, SummaryKind, SummaryPeriod } from './summary.js';

/**
 * The fleet's Daily/Weekly Admin summary (pure): one message for every host sharing a store,
 * sent by the leader (docs/fleet.md). Like the single-host summary it is built from aggregates
 * the store computed per host and set — never the runs themselves — so its cost follows the
 * number of hosts × sets, not the million rows of the activity log.
 */

/** A host of the fleet as the summary needs it: its state now and its registered sets. */
export interface FleetHostInput {
  name: string;
  state: HostState;
  leader: boolean;
  /** Its sets as it registered them, with the next scheduled run (null: unscheduled, or none). */
  sets: ReadonlyArray<{ name: string; nextRunAt: number | null }>;
  /** The rules its runs are judged by, from its own configuration; absent: buildFleetSummary's `thresholds`. */
  thresholds?: Readonly<AnomalyThresholds>;
}

/** A set's runs that ended in the period, on one host. */
export interface FleetSetStats extends SetPeriodStats {
  host: string;
}

/** Non-`completed` runs of one set and status on one host, with the latest of them. */
export interface FleetProblemGroup extends ProblemGroup {
  host: string;
}

/** A set's newest ended run and newest success on one host, whenever they were. */
export interface FleetLastRun {
  host: string;
  set: string;
  last: RunRef | null;
  lastSuccessAt: number | null;
}

/** A vault check (`validation` activity) of the period, on the host that ran it (each host checks its own vaults). */
export type FleetVaultCheck = HousekeepingReport['checks'][number] & { host: string };

export interface FleetSummaryInput {
  period: SummaryPeriod;
  /** The host that makes the summary (the leader): its signature. */
  reporter: string;
  now: number;
  hosts: readonly FleetHostInput[];
  stats: readonly FleetSetStats[];
  problems: readonly FleetProblemGroup[];
  lastRuns: readonly FleetLastRun[];
  /** The shared Outbox's health, for the whole fleet. */
  delivery: DeliveryHealth;
  escalations: EscalationInfo;
  /** The reporter's credentials (each host's own are in its own configuration). */
  credentials: CredentialWarning[] | null;
  adminFailures?: RunRef[];
  missing?: MissingPart[];
  housekeeping?: HousekeepingReport;
  /** The weekly summary's: the hosts' vault checks of the period, oldest first. */
  checks?: readonly FleetVaultCheck[];
  /** Per host, per set, its recent successful runs, newest first (as the single-host summary's `samples`): its anomalies. */
  samples?: ReadonlyMap<string, Readonly<Record<string, readonly SuccessSample[]>>>;
}

export interface FleetSetRow {
  set: string;
  lastStatus: FinalStatus | null;
  lastActivityId: number | null;
  runs: number;
  bytesScanned: number;
  bytesNew: number;
  durationMs: number;
  sinceSuccessMs: number | null;
  nextRunAt: number | null;
}

export interface FleetHostSection {
  name: string;
  state: HostState;
  leader: boolean;
  /** The host's runs that ended in the period, by status. */
  counts: Record<FinalStatus, number>;
  /** Nothing of this host needs a look: it is not silent and every run completed. */
  healthy: boolean;
  attention: ProblemGroup[];
  attentionMore: number;
  /** Its runs of the period that backed up far less, or took far longer, than usual (domain/anomalies.ts). */
  anomalies: Anomaly[];
  rows: FleetSetRow[];
  /** Its vault checks of the period (weekly), oldest first. */
  checks: HousekeepingReport['checks'];
  /** Its soonest scheduled run. */
  nextRunAt: number | null;
}

export interface FleetSummary {
  kind: SummaryKind;
  period: SummaryPeriod;
  reporter: string;
  generatedAt: number;
  /** Every host's runs together. */
  counts: Record<FinalStatus, number>;
  subject: string;
  healthy: boolean;
  /** Silent hosts first (longest silent first), then stopped ones, then the others; by name within. */
  hosts: FleetHostSection[];
  silent: string[];
  delivery: DeliveryHealth;
  escalations: EscalationInfo;
  credentials: CredentialWarning[] | null;
  adminFailures: RunRef[];
  missing: MissingPart[];
  housekeeping: HousekeepingReport | null;
}

/** Attention lines per host; the rest are counted (20 hosts stay a readable message). */
export const FLEET_ATTENTION_CAP = 20;
/** Silent hosts named in the subject; more are counted. */
const SUBJECT_NAMES_CAP = 3;
/** Runs of activities that recorded no host (written before hosts were recorded). */
export const UNKNOWN_HOST = '(host not recorded)';

const RANK: Record<FinalStatus, number> = { failed: 0, missed: 0, incomplete: 1, 'completed-with-errors': 2, 'completed-with-warnings': 3, skipped: 4, cancelled: 4, interrupted: 4, completed: 5 };
const STATE_ORDER: Record<HostState['kind'], number> = { silent: 0, stopped: 1, ok: 2 };

function zeroCounts(): Record<FinalStatus, number> {
  return Object.fromEntries(COUNT_LABELS.map(([s]) => [s, 0])) as Record<FinalStatus, number>;
}

/**
 * Builds the fleet summary from per-host aggregates. Pure; `input.now` is the only time it knows.
 * Each host's runs are judged for anomalies against that host's own runs, by that host's own
 * rules (`hosts[].thresholds`), or `thresholds` for a host that published none.
 */
export function buildFleetSummary(input: FleetSummaryInput, thresholds: AnomalyThresholds = DEFAULT_ANOMALY_THRESHOLDS): FleetSummary {
  const byHost = new Map<string, FleetHostInput>(input.hosts.map((h) => [h.name, h]));
  // A host that left the fleet (forgotten) but ran in the period still gets its section.
  for (const name of [...input.stats.map((s) => s.host), ...input.problems.map((p) => p.host), ...(input.checks ?? []).map((c) => c.host)]) {
    if (!byHost.has(name)) byHost.set(name, { name, state: { kind: 'ok' }, leader: false, sets: [] });
  }
  const statsOf = groupBy(input.stats, (s) => s.host);
  const problemsOf = groupBy(input.problems, (p) => p.host);
  const checksOf = groupBy(input.checks ?? [], (c) => c.host);
  const lastOf = new Map(input.lastRuns.map((r) => [`${r.host}\u0000${r.set}`, r]));
  const counts = zeroCounts();

  const sections = [...byHost.values()].map((host): FleetHostSection => {
    const hostCounts = zeroCounts();
    const stats = statsOf.get(host.name) ?? [];
    for (const s of stats) for (const [status, n] of Object.entries(s.byStatus)) hostCounts[status as FinalStatus] += n ?? 0;
    for (const [status, n] of Object.entries(hostCounts)) counts[status as FinalStatus] += n;
    const attention = (problemsOf.get(host.name) ?? [])
      .filter((p) => p.status !== 'completed')
      .sort((a, b) => RANK[a.status] - RANK[b.status] || b.latest.endedAt - a.latest.endedAt || a.set.localeCompare(b.set))
      .map(({ host: _host, ...group }) => group);
    const statsBySet = new Map(stats.map((s) => [s.set, s]));
    const nextBySet = new Map(host.sets.map((s) => [s.name, s.nextRunAt]));
    const names = [...new Set([...host.sets.map((s) => s.name), ...stats.map((s) => s.set)])].sort();
    const rows = names.map((set): FleetSetRow => {
      const st = statsBySet.get(set);
      const last = lastOf.get(`${host.name}\u0000${set}`);
      return {
        set,
        lastStatus: last?.last?.status ?? null,
        lastActivityId: last?.last?.activityId ?? null,
        runs: st?.runs ?? 0,
        bytesScanned: st?.bytesScanned ?? 0,
        bytesNew: st?.bytesNew ?? 0,
        durationMs: st?.durationMs ?? 0,
        sinceSuccessMs: last?.lastSuccessAt == null ? null : Math.max(0, input.now - last.lastSuccessAt),
        nextRunAt: nextBySet.get(set) ?? null,
      };
    });
    const samples = input.samples?.get(host.name) ?? {};
    const anomalies = names.flatMap((set) => detectAnomalies(set, samples[set] ?? [], input.period.start, input.period.end, host.thresholds ?? thresholds));
    const upcoming = host.sets.map((s) => s.nextRunAt).filter((t): t is number => t !== null);
    const checks = (checksOf.get(host.name) ?? []).map(({ host: _host, ...check }) => check);
    return {
      name: host.name,
      state: host.state,
      leader: host.leader,
      counts: hostCounts,
      healthy: host.state.kind !== 'silent' && attention.length === 0 && anomalies.length === 0 && checks.every((c) => c.status === 'completed'),
      attention: attention.slice(0, FLEET_ATTENTION_CAP),
      attentionMore: Math.max(0, attention.length - FLEET_ATTENTION_CAP),
      anomalies,
      rows,
      checks,
      nextRunAt: upcoming.length ? Math.min(...upcoming) : null,
    };
  });
  sections.sort(
    (a, b) =>
      STATE_ORDER[a.state.kind] - STATE_ORDER[b.state.kind] ||
      (a.state.kind === 'ok' || b.state.kind === 'ok' ? 0 : a.state.since - b.state.since) ||
      a.name.localeCompare(b.name),
  );
  const silent = sections.filter((s) => s.state.kind === 'silent').map((s) => s.name);
  const d = input.delivery;
  const adminFailures = input.adminFailures ?? [];
  const missing = input.missing ?? [];
  const escalated = input.escalations.integrated && input.escalations.items.length > 0;
  const healthy = sections.every((s) => s.healthy) && d.failed + d.expired + d.stuck + d.stuckInMta === 0 && !escalated && adminFailures.length === 0 && !input.credentials?.length && missing.length === 0;
  return {
    kind: input.period.kind,
    period: input.period,
    reporter: input.reporter,
    generatedAt: input.now,
    counts,
    // Counted per host and set, as the single-host subject counts them per set.
    subject: fleetSubjectLine(input.period.kind, sections.length, counts, silent, sections.reduce((n, h) => n + new Set(h.anomalies.map((a) => a.set)).size, 0)),
    healthy,
    hosts: sections,
    silent,
    delivery: d,
    escalations: input.escalations,
    credentials: input.credentials,
    adminFailures,
    missing,
    housekeeping: input.housekeeping ?? null,
  };
}

/** `Vigil daily — fleet of 3 hosts: 31 completed, 1 failed, 2 anomalies; 1 silent: db01` */
export function fleetSubjectLine(kind: SummaryKind, hosts: number, counts: Record<FinalStatus, number>, silent: readonly string[], anomalies = 0): string {
  const parts = fleetCountsText(counts) + (anomalies > 0 ? `, ${anomalies} ${anomalies === 1 ? 'anomaly' : 'anomalies'}` : '');
  const named = silent.slice(0, SUBJECT_NAMES_CAP).map((n) => n.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim());
  const more = silent.length > SUBJECT_NAMES_CAP ? ` and ${silent.length - SUBJECT_NAMES_CAP} more` : '';
  const silence = silent.length ? `; ${silent.length} silent: ${named.join(', ')}${more}` : '';
  return `Vigil ${kind} — fleet of ${hosts} host${hosts === 1 ? '' : 's'}: ${parts}${silence}`;
}

/** `11 completed, 1 failed`: `completed` always, the other statuses when non-zero. */
export function fleetCountsText(counts: Record<FinalStatus, number>): string {
  return COUNT_LABELS.filter(([s]) => s === 'completed' || counts[s] > 0)
    .map(([s, label]) => `${counts[s]} ${label}`)
    .join(', ');
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
