import type { ProfileState } from '../ports/profile-state-store.js';

/**
 * A `profile_state` row as both stores return it — the same columns in either dialect — and its
 * state: one mapping for the SQLite and the PostgreSQL adapter.
 */
export interface ProfileStateRow {
  name: string;
  verified_at: number | null;
  verified_fingerprint: string | null;
  paused_until: number | null;
  pause_reason: string | null;
}

export function profileStateOf(row: ProfileStateRow): ProfileState {
  return {
    name: row.name,
    verifiedAt: row.verified_at,
    verifiedFingerprint: row.verified_fingerprint,
    pausedUntil: row.paused_until,
    pauseReason: row.pause_reason,
  };
}

/** A profile never written: not verified, not paused. */
export function blankProfileState(name: string): ProfileState {
  return { name, verifiedAt: null, verifiedFingerprint: null, pausedUntil: null, pauseReason: null };
}
