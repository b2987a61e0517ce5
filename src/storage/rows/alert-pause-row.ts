import type { AlertPause, AlertSuppression } from '../ports/alert-pause-store.js';

/** An `alert_pauses` row (migration 25) as both stores return it, and its pause. */
export interface AlertPauseRow {
  set_name: string;
  since: number;
  until: number | null;
}

export function alertPauseOf(row: AlertPauseRow): AlertPause {
  return { set: row.set_name, since: row.since, until: row.until };
}

/**
 * Suppressions older than this are dropped as new ones are recorded: they only serve `vigil
 * resume`'s list, and a pause left on for months must not grow the database without bound.
 */
export const KEEP_SUPPRESSIONS_MS = 90 * 86_400_000;

/**
 * What a resume lists: the suppressions found for each pause it ends, in that order, merged —
 * one kept of those two pauses both found (a set's own and the every-set pause), oldest first.
 */
export function mergeSuppressions(found: ReadonlyArray<readonly AlertSuppression[]>): AlertSuppression[] {
  const suppressed: AlertSuppression[] = [];
  const seen = new Set<string>();
  for (const s of found.flat()) {
    const key = `${s.set}\0${s.at}\0${s.what}`;
    if (!seen.has(key)) suppressed.push(s);
    seen.add(key);
  }
  return suppressed.sort((a, b) => a.at - b.at);
}
