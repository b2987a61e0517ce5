import type { FleetLastRun, FleetProblemGroup, FleetSetStats } from '../../domain/fleet-summary.js';

/**
 * The fleet summary's and the leader's watchdog's reads: the SummaryStore's aggregates, per host
 * and set (activities record their host, migration 32). Computed in the store over
 * `activities_host_set` (migration 38), so a summary of 20 hosts over a million runs never loads
 * them. Periods are [since, until) of `ended_at`. Activities that recorded no host are reported
 * under UNKNOWN_HOST (src/domain/fleet-summary.ts).
 */
export interface FleetSummaryStore {
  /** Backup runs that ended in the period, per host and set. */
  hostStats(since: number, until: number): Promise<FleetSetStats[]>;
  /** Non-`completed` backup runs in the period, grouped by host, set and status, with the latest of each. */
  hostProblems(since: number, until: number): Promise<FleetProblemGroup[]>;
  /**
   * For each (host, set) asked about, its newest ended backup run and when its newest successful
   * one ended; pairs that never ran come back with nulls. One statement for all the pairs.
   */
  hostLastRuns(pairs: ReadonlyArray<{ host: string; set: string }>): Promise<FleetLastRun[]>;
  /** When the newest backup run of `set` on `host` that is not `skipped` ended (the leader's watchdog). */
  lastEndedOn(host: string, set: string): Promise<number | undefined>;
}
