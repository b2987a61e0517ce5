import type { FinalStatus } from '../../domain/activity.js';
import type { FleetLastRun, FleetSetStats } from '../../domain/fleet-summary.js';

/** The fleet summary's rows as both stores return them (the same columns), and their records. */

export interface StatsRow {
  h: string;
  s: string;
  status: FinalStatus;
  n: number;
  files: number;
  scanned: number;
  added: number;
  took: number;
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
  const byPair = new Map<string, FleetSetStats>();
  for (const r of rows) {
    const key = `${r.h}\u0000${r.s}`;
    const stats = byPair.get(key) ?? { host: r.h, set: r.s, runs: 0, byStatus: {}, files: 0, bytesScanned: 0, bytesNew: 0, durationMs: 0 };
    stats.runs += r.n;
    stats.byStatus[r.status] = r.n;
    stats.files += r.files;
    stats.bytesScanned += r.scanned;
    stats.bytesNew += r.added;
    stats.durationMs += r.took;
    byPair.set(key, stats);
  }
  return [...byPair.values()];
}

export function lastOf(r: LastRow): FleetLastRun {
  const last = r.id === null ? null : { activityId: r.id, set: r.s, status: r.status!, startedAt: r.started!, endedAt: r.ended!, firstError: r.err };
  return { host: r.h, set: r.s, last, lastSuccessAt: r.ok };
}
