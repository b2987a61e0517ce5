import { Schedule } from '../backup/schedule.js';
import type { VigilConfig } from '../config/schema/index.js';
import type { FinalStatus } from '../domain/activity.js';
import { DEFAULT_ANOMALY_THRESHOLDS } from '../domain/anomalies.js';
import type { CredentialWarning, DeliveryHealth, EscalationInfo, HousekeepingReport, SetInfo, SummaryInput, SummaryPeriod } from '../domain/summary.js';
import type { Store } from '../storage/ports/store.js';
import { trendDays } from './period.js';
import { partReader } from './summary-parts.js';

/** Successful runs fetched per set: the anomaly baseline plus the newest runs judged against it. */
export const SAMPLES_PER_SET = DEFAULT_ANOMALY_THRESHOLDS.baselineRuns + 40;

const NO_DELIVERY: DeliveryHealth = { sent: 0, queuedLocally: 0, failed: 0, expired: 0, stuck: 0, stuckInMta: 0 };

export interface SummarySourceDeps {
  config: VigilConfig;
  /** What an engine's repository check is called (its `verifyName`, e.g. `restic check`); default `verify`. */
  checkName?: (engine: string | null) => string;
  store: Pick<Store, 'summary' | 'escalations' | 'activity'> & Partial<Pick<Store, 'alertPauses'>>;
  host: string;
  /**
   * Credentials that expire soon (issue 8's `expiringCredentials`), when wired in; undefined means
   * no such source is integrated, and the summary says nothing about credentials.
   */
  credentials?: (now: number) => CredentialWarning[];
}

/**
 * Gathers a summary's input from the store: aggregates only (SummaryStore), so the cost follows
 * the number of sets and the period's runs, not the size of the activity log.
 */
export async function collectSummaryInput(deps: SummarySourceDeps, period: SummaryPeriod, now: number, housekeeping?: HousekeepingReport): Promise<SummaryInput> {
  const { config, store } = deps;
  const { missing, part } = partReader();
  const sets = setInfos(config, now);
  const stats = await part('run counts', [], () => store.summary.periodStats(period.start, period.end));
  // Sets removed from the configuration still appear while they have runs in the period.
  const names = [...new Set([...sets.map((s) => s.name), ...stats.map((s) => s.set)])];
  const days = trendDays(period.end, config.admin.timezone);
  const [problems, lastRuns, samples, cells, delivery, escalations, adminFailures, credentials] = await Promise.all([
    part('failures and warnings', [], () => store.summary.problems(period.start, period.end)),
    part('last runs', [], () => store.summary.lastRuns(names)),
    part('last successes and anomalies', {}, () => store.summary.successSamples(names, SAMPLES_PER_SET)),
    part('trend', [], () => store.summary.trend(days)),
    part('delivery health', NO_DELIVERY, () => store.summary.delivery(period.start, period.end, now - config.mail.stuckAfter)),
    part('escalations', { integrated: false } as EscalationInfo, () => escalationsIn(store, period)),
    part('Admin failures', [], () => store.summary.adminFailures(period.start, period.end)),
    part('credential expiry', null, () => (deps.credentials ? deps.credentials(now) : null)),
  ]);
  const alertPauses = await part('alert pauses', [], async () => (await store.alertPauses?.active(now))?.map((p) => ({ set: p.set, until: p.until })) ?? []);
  // The weekly vault checks run after the weekly summary: this one lists those of the past week.
  if (housekeeping && period.kind === 'weekly') housekeeping = { ...housekeeping, checks: await part('vault checks', [], async () => (await vaultChecksIn(store, period, deps.checkName ?? (() => 'verify'))).map(({ host: _host, ...check }) => check)) };
  return {
    period,
    host: deps.host,
    now,
    sets,
    stats,
    lastRuns,
    samples,
    problems,
    trend: { days, cells },
    delivery,
    escalations,
    credentials,
    adminFailures,
    alertPauses,
    missing,
    ...(housekeeping ? { housekeeping } : {}),
  };
}

/** Each configured set with its engine and, when scheduled, when it is next due. */
export function setInfos(config: VigilConfig, now: number): SetInfo[] {
  return Object.entries(config.sets).map(([name, set]) => {
    let nextRunAt: number | null = null;
    if (set.schedule) {
      try {
        nextRunAt = new Schedule(set.schedule, set.timezone).next(now) ?? null;
      } catch {
        // config check reports a bad schedule; the summary just shows none.
      }
    }
    return { name, engine: set.engine, schedule: set.schedule ?? null, nextRunAt };
  });
}

/** Escalations (every transport of a profile failing) in the period. */
export async function escalationsIn(store: Pick<Store, 'escalations'>, period: SummaryPeriod): Promise<EscalationInfo> {
  // Escalations (issue 6) may be absent from a store built without them.
  if (!store.escalations) return { integrated: false };
  const all = await store.escalations.since(period.start);
  return {
    integrated: true,
    items: all.filter((e) => e.escalatedAt < period.end).map((e) => ({ at: e.escalatedAt, text: `${e.subject} (${e.trigger}: ${e.reason})` })),
  };
}

/** Vault checks (`validation` activities) that ended in the period, oldest first, with the host that ran each (every host's, on a shared store). */
export async function vaultChecksIn(store: Pick<Store, 'activity'>, period: SummaryPeriod, checkName: (engine: string | null) => string): Promise<Array<HousekeepingReport['checks'][number] & { host: string | null }>> {
  const checks = await store.activity.list({ kind: 'validation', since: period.start - 86_400_000, limit: 10_000 });
  return checks
    .filter((a) => a.endedAt !== null && a.endedAt >= period.start && a.endedAt < period.end && a.status !== 'running')
    .reverse()
    .map((a) => ({ set: a.set ?? '', what: checkName(a.engine), status: a.status as FinalStatus, activityId: a.id, note: a.firstError, host: a.host }));
}
