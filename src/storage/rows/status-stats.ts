import type { FinalStatus } from '../../domain/activity.js';
import type { SetPeriodStats } from '../../domain/summary.js';

/** One (set, status) group of a period's backup runs, as both stores' SQL returns it. */
export interface StatusRow {
  s: string;
  status: FinalStatus;
  n: number;
  files: number;
  scanned: number;
  added: number;
  took: number;
}

/**
 * Folds (…, set, status) groups into one record per key: the period statistics of a host's sets
 * (key: the set) and of a fleet's (key: host and set). `start` makes a key's empty record.
 */
export function foldStatusRows<R extends StatusRow, S extends Omit<SetPeriodStats, 'set'>>(rows: readonly R[], keyOf: (r: R) => string, start: (r: R) => S): S[] {
  const byKey = new Map<string, S>();
  for (const r of rows) {
    const key = keyOf(r);
    const stats = byKey.get(key) ?? start(r);
    stats.runs += r.n;
    stats.byStatus[r.status] = r.n;
    stats.files += r.files;
    stats.bytesScanned += r.scanned;
    stats.bytesNew += r.added;
    stats.durationMs += r.took;
    byKey.set(key, stats);
  }
  return [...byKey.values()];
}

/** A set's empty period statistics. */
export const emptySetStats = (set: string): SetPeriodStats => ({ set, runs: 0, byStatus: {}, files: 0, bytesScanned: 0, bytesNew: 0, durationMs: 0 });
