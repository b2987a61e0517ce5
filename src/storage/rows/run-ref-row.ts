import type { FinalStatus } from '../../domain/activity.js';
import type { ProblemGroup, RunRef, SuccessSample } from '../../domain/summary.js';

/** An ended run as both stores' summary SQL selects it (`id, status, started, ended, err`). */
export interface RunRow {
  id: number;
  status: FinalStatus;
  started: number;
  ended: number;
  err: string | null;
}

export function runRefOf(r: RunRow, set: string): RunRef {
  return { activityId: r.id, set, status: r.status, startedAt: r.started, endedAt: r.ended, firstError: r.err };
}

/** A (set, status) group of a period's runs that did not complete (`n` of them) and its latest run. */
export function problemGroupOf(r: RunRow & { s: string; n: number }): ProblemGroup {
  return { set: r.s, status: r.status, count: r.n, latest: runRefOf(r, r.s) };
}

/** Success samples per set, every asked set present (empty when it has none), in the rows' order. */
export function samplesBySet(sets: readonly string[], rows: ReadonlyArray<SuccessSample & { s: string }>): Record<string, SuccessSample[]> {
  const out: Record<string, SuccessSample[]> = {};
  for (const set of sets) out[set] = [];
  for (const { s, ...sample } of rows) out[s]!.push(sample);
  return out;
}
