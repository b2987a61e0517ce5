import type { FinalStatus } from '../../domain/activity.js';
import type { FleetLastRun, FleetSetStats } from '../../domain/fleet-summary.js';
import { emptySetStats, foldStatusRows, type StatusRow } from './status-stats.js';

/** The fleet summary's rows as both stores return them (the same columns), and their records. */

export interface StatsRow extends StatusRow {
  h: string;
}

export interface LastRow {
  h: string;
  s: string;
  id: number | null;
  status: FinalStatus | null;
  started: number | null;
  ended: number | null;
  err: string | null;
  ok: number | null;
}

/** Rows per (host, set, status) → one record per (host, set). */
export function statsOf(rows: readonly StatsRow[]): FleetSetStats[] {
  return foldStatusRows(rows, (r) => `${r.h}\u0000${r.s}`, (r): FleetSetStats => ({ host: r.h, ...emptySetStats(r.s) }));
}

export function lastOf(r: LastRow): FleetLastRun {
  const last = r.id === null ? null : { activityId: r.id, set: r.s, status: r.status!, startedAt: r.started!, endedAt: r.ended!, firstError: r.err };
  return { host: r.h, set: r.s, last, lastSuccessAt: r.ok };
}
