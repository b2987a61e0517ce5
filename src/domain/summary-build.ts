import type { FinalStatus } from './activity.js';
import { detectAnomalies, DEFAULT_ANOMALY_THRESHOLDS, type Anomaly, type AnomalyThresholds } from './anomalies.js';
import type {
  AlertPauseInfo,
  CredentialWarning,
  DeliveryHealth,
  EscalationInfo,
  HousekeepingReport,
  MissingPart,
  ProblemGroup,
  RunRef,
  SummaryInput,
  SummaryKind,
  SummaryPeriod,
  TrendDay,
} from './summary.js';

/** Run counts in the subject, in this order; `completed` is always shown, the rest when non-zero. */
export const COUNT_LABELS: ReadonlyArray<[FinalStatus, string]> = [
  ['completed', 'completed'],
  ['completed-with-warnings', 'with warnings'],
  ['completed-with-errors', 'with errors'],
  ['incomplete', 'incomplete'],
  ['failed', 'failed'],
  ['missed', 'missed'],
  ['skipped', 'skipped'],
  ['cancelled', 'cancelled'],
  ['interrupted', 'interrupted'],
];

/** Most attention items listed; the rest are counted. */
export const ATTENTION_CAP = 50;
/** Most upcoming runs listed. */
export const NEXT_RUNS_CAP = 10;

/** Worst first: what did not produce a backup, then partial backups, then warnings. */
const RANK: Record<FinalStatus, number> = { failed: 0, missed: 0, incomplete: 1, 'completed-with-errors': 2, 'completed-with-warnings': 3, skipped: 4, cancelled: 4, interrupted: 4, completed: 5 };
const SUCCESS: ReadonlySet<FinalStatus> = new Set(['completed', 'completed-with-warnings']);

export interface SetRow {
  set: string;
  engine: string;
  lastStatus: FinalStatus | null;
  lastActivityId: number | null;
  runs: number;
  files: number;
  bytesScanned: number;
  bytesNew: number;
  durationMs: number;
  /** Time since the last successful run ended; null when the log holds none. */
  sinceSuccessMs: number | null;
}

export interface TrendRow {
  set: string;
  /** One per trend day; null when nothing ran that day. */
  cells: Array<{ ok: number; partial: number; bad: number; bytesNew: number } | null>;
}

export interface Summary {
  kind: SummaryKind;
  period: SummaryPeriod;
  host: string;
  generatedAt: number;
  counts: Record<FinalStatus, number>;
  subject: string;
  /** Whether anything needs a look (any attention item, anomaly, delivery problem or admin failure). */
  healthy: boolean;
  attention: ProblemGroup[];
  attentionMore: number;
  rows: SetRow[];
  trend: { days: TrendDay[]; rows: TrendRow[] };
  anomalies: Anomaly[];
  delivery: DeliveryHealth;
  escalations: EscalationInfo;
  credentials: CredentialWarning[] | null;
  nextRuns: Array<{ set: string; at: number }>;
  nextRunsMore: number;
  /** Weekly: bytes added over the period, in total and per set (largest first). */
  growth: { total: number; perSet: Array<{ set: string; bytesNew: number }> } | null;
  housekeeping: HousekeepingReport | null;
  adminFailures: RunRef[];
  missing: MissingPart[];
  alertPauses: AlertPauseInfo[];
}

/** Builds the summary from the store's aggregates. Pure; `input.now` is the only time it knows. */
export function buildSummary(input: SummaryInput, thresholds: AnomalyThresholds = DEFAULT_ANOMALY_THRESHOLDS): Summary {
  const { period } = input;
  const counts = Object.fromEntries(COUNT_LABELS.map(([s]) => [s, 0])) as Record<FinalStatus, number>;
  const statsBySet = new Map(input.stats.map((s) => [s.set, s]));
  for (const stats of input.stats) for (const [status, n] of Object.entries(stats.byStatus)) counts[status as FinalStatus] += n ?? 0;

  const attentionAll = input.problems
    .filter((p) => p.status !== 'completed')
    .sort((a, b) => RANK[a.status] - RANK[b.status] || b.latest.endedAt - a.latest.endedAt || a.set.localeCompare(b.set));
  const lastBySet = new Map(input.lastRuns.map((r) => [r.set, r]));
  const names = new Set([...input.sets.map((s) => s.name), ...input.stats.map((s) => s.set)]);
  const engineOf = new Map(input.sets.map((s) => [s.name, s.engine]));

  const rows: SetRow[] = [...names].sort().map((set) => {
    const stats = statsBySet.get(set);
    const last = lastBySet.get(set);
    const lastSuccess = input.samples[set]?.[0];
    return {
      set,
      engine: engineOf.get(set) ?? '(removed)',
      lastStatus: last?.status ?? null,
      lastActivityId: last?.activityId ?? null,
      runs: stats?.runs ?? 0,
      files: stats?.files ?? 0,
      bytesScanned: stats?.bytesScanned ?? 0,
      bytesNew: stats?.bytesNew ?? 0,
      durationMs: stats?.durationMs ?? 0,
      sinceSuccessMs: lastSuccess ? Math.max(0, input.now - lastSuccess.endedAt) : null,
    };
  });

  const anomalies = [...names].sort().flatMap((set) => detectAnomalies(set, input.samples[set] ?? [], period.start, period.end, thresholds));

  const cellIndex = new Map<string, TrendRow['cells'][number]>();
  for (const c of input.trend.cells) cellIndex.set(`${c.day}\u0000${c.set}`, { ok: c.ok, partial: c.partial, bad: c.bad, bytesNew: c.bytesNew });
  const trendRows: TrendRow[] = rows.map((r) => ({ set: r.set, cells: input.trend.days.map((_d, day) => cellIndex.get(`${day}\u0000${r.set}`) ?? null) }));

  const scheduled = input.sets.filter((s) => s.nextRunAt !== null).sort((a, b) => a.nextRunAt! - b.nextRunAt! || a.name.localeCompare(b.name));
  const growth =
    period.kind === 'weekly'
      ? {
          total: rows.reduce((sum, r) => sum + r.bytesNew, 0),
          perSet: rows.filter((r) => r.bytesNew > 0).map((r) => ({ set: r.set, bytesNew: r.bytesNew })).sort((a, b) => b.bytesNew - a.bytesNew || a.set.localeCompare(b.set)),
        }
      : null;
  const d = input.delivery;
  const adminFailures = input.adminFailures ?? [];
  const missing = input.missing ?? [];
  const escalated = input.escalations.integrated && input.escalations.items.length > 0;
  const healthy =
    attentionAll.length === 0 && anomalies.length === 0 && d.failed + d.expired + d.stuck + d.stuckInMta === 0 && !escalated && adminFailures.length === 0 && !input.credentials?.length && missing.length === 0;

  return {
    kind: period.kind,
    period,
    host: input.host,
    generatedAt: input.now,
    counts,
    // Counted per set: one empty run is flagged for its files and its bytes, one anomaly to look at.
    subject: subjectLine(period.kind, input.host, counts, new Set(anomalies.map((a) => a.set)).size),
    healthy,
    attention: attentionAll.slice(0, ATTENTION_CAP),
    attentionMore: Math.max(0, attentionAll.length - ATTENTION_CAP),
    rows,
    trend: { days: input.trend.days, rows: trendRows },
    anomalies,
    delivery: d,
    escalations: input.escalations,
    credentials: input.credentials,
    nextRuns: scheduled.slice(0, NEXT_RUNS_CAP).map((s) => ({ set: s.name, at: s.nextRunAt! })),
    nextRunsMore: Math.max(0, scheduled.length - NEXT_RUNS_CAP),
    growth,
    housekeeping: input.housekeeping ?? null,
    adminFailures,
    missing,
    alertPauses: input.alertPauses ?? [],
  };
}

/** `Vigil daily — fileserver: 11 completed, 1 failed, 1 missed`. */
export function subjectLine(kind: SummaryKind, host: string, counts: Record<FinalStatus, number>, anomalies = 0): string {
  const parts = COUNT_LABELS.filter(([s]) => s === 'completed' || counts[s] > 0).map(([s, label]) => `${counts[s]} ${label}`);
  // A "completed" that backed up nothing must not hide behind the count of completed runs.
  if (anomalies > 0) parts.push(`${anomalies} ${anomalies === 1 ? 'anomaly' : 'anomalies'}`);
  // The host name goes into a header: keep it to one line whatever the configuration says.
  const safeHost = host.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return `Vigil ${kind} — ${safeHost}: ${parts.join(', ')}`;
}

export function isSuccess(status: FinalStatus): boolean {
  return SUCCESS.has(status);
}
