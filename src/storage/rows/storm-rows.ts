import type { HeldFailure, StormWindow } from '../ports/storm-store.js';

/**
 * `storm_windows` and `storm_held` rows (migration 5) as both stores return them — the same
 * columns in either dialect — and the window they make: one mapping for the SQLite and the
 * PostgreSQL adapter.
 */
export interface StormWindowRow {
  id: number;
  opened_at: number;
  ends_at: number;
  first_set: string;
  first_status: string;
  first_error: string | null;
  first_activity: number;
  first_ended_at: number;
}

export interface StormHeldRow {
  window: number;
  set_name: string;
  status: string;
  first_error: string | null;
  activity_id: number;
  ended_at: number;
}

/** Flushed windows are only kept for recovery's idempotency; a month is plenty (held rows cascade). */
export const KEEP_FLUSHED_MS = 30 * 86_400_000;

/** A window and the failures held in it (`held`: its rows, in arrival order). */
export function stormWindowOf(w: StormWindowRow, held: readonly StormHeldRow[]): StormWindow {
  return {
    id: w.id,
    openedAt: w.opened_at,
    endsAt: w.ends_at,
    first: { set: w.first_set, status: w.first_status, firstError: w.first_error, activityId: w.first_activity, endedAt: w.first_ended_at },
    held: held.map(heldFailureOf),
  };
}

function heldFailureOf(h: StormHeldRow): HeldFailure {
  return { set: h.set_name, status: h.status, firstError: h.first_error, activityId: h.activity_id, endedAt: h.ended_at };
}
