import type { DeliveryHealth, ProblemGroup, RunRef, SetPeriodStats, SuccessSample, TrendCell, TrendDay } from '../../domain/summary.js';

/**
 * Aggregates for the Admin summaries and the watchdog, computed in the store (indexed SQL), so a
 * summary over a million activities never loads them. Periods are [since, until) of `ended_at`.
 */
export interface SummaryStore {
  periodStats(since: number, until: number): Promise<SetPeriodStats[]>;
  /** Non-`completed` backup runs in the period, grouped by set and status, with the latest (last ended) of each. */
  problems(since: number, until: number): Promise<ProblemGroup[]>;
  /** The newest (last started) ended backup activity of each of `sets`; a set without one is left out. */
  lastRuns(sets: readonly string[]): Promise<RunRef[]>;
  /** Per set, its newest successful backup runs (at most `perSet`), newest first. */
  successSamples(sets: readonly string[], perSet: number): Promise<Record<string, SuccessSample[]>>;
  /**
   * Backup runs per set and trend day; with `sets`, of those sets only (the console's page of
   * sets: its cost then follows the page, not the fleet). An empty `sets` gives no cells.
   */
  trend(days: readonly TrendDay[], sets?: readonly string[]): Promise<TrendCell[]>;
  /** Admin processes that failed in the period. */
  adminFailures(since: number, until: number): Promise<RunRef[]>;
  /** When the newest backup activity of `set` that is not `skipped` ended (the watchdog's reference). */
  lastEnded(set: string): Promise<number | undefined>;
  /** Outbox activity in the period, and messages stuck now (pending, or in a local MTA queue). */
  delivery(since: number, until: number, stuckBefore: number): Promise<DeliveryHealth>;
  /** The newest attempt through each server of each profile (`vigil mail doctor`). */
  lastAttempts(): Promise<Array<{ profile: string; server: string; at: number; outcome: string; errorCode: string | null; detail: string }>>;
  /** Pending messages created before `stuckBefore` (the watchdog reports each once). */
  stuckMessages(stuckBefore: number, limit: number): Promise<Array<{ id: string; subject: string; createdAt: number; state: string }>>;
}
