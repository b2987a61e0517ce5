import { ANOMALY_MODES, type AnomalyMode } from '../../domain/anomalies.js';
import type { HostRecord, HostSet } from '../ports/host-store.js';

/**
 * A `hosts` row (migration 31) as both stores return it — the same columns in either dialect —
 * and its record: one mapping for the SQLite and the PostgreSQL adapter.
 */
export interface HostRow {
  name: string;
  version: string;
  started_at: number;
  last_seen: number;
  stopped_at: number | null;
  sets: string;
  silent_alerted_since: number | null;
  /** Migration 46; NULL for a host registered by a version before it. */
  anomalies: string | null;
}

export function hostRecordOf(row: HostRow): HostRecord {
  return {
    name: row.name,
    version: row.version,
    startedAt: row.started_at,
    lastSeen: row.last_seen,
    stoppedAt: row.stopped_at,
    sets: JSON.parse(row.sets) as HostSet[],
    silentAlertedSince: row.silent_alerted_since,
    ...(isAnomalyMode(row.anomalies) ? { anomalies: row.anomalies } : {}),
  };
}

/** A value a newer host may have published that this version cannot read is no mode: the defaults. */
function isAnomalyMode(value: string | null): value is AnomalyMode {
  return (ANOMALY_MODES as readonly (string | null)[]).includes(value);
}
