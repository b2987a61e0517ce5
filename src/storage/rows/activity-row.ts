import type { Activity, ActivityKind, ActivityLogEntry, ActivityStatus, ActivityTrigger } from '../../domain/activity.js';
import type { Severity } from '../../domain/message.js';

/**
 * An `activities` row as both stores return it — the same columns in either dialect (PostgreSQL's
 * BIGINTs arrive as numbers, postgres/database.ts) — and its activity: one mapping for the SQLite
 * and the PostgreSQL adapter.
 */
export interface ActivityRow {
  id: number;
  kind: string;
  set_name: string | null;
  engine: string | null;
  trigger: string;
  status: string;
  started_at: number;
  ended_at: number | null;
  scheduled_for: number | null;
  files: number;
  bytes_scanned: number;
  bytes_new: number;
  errors: number;
  warnings: number;
  first_error: string | null;
  snapshot_id: string | null;
  log_dropped: number;
  owner_host: string | null;
  owner_pid: number | null;
  host: string | null;
}

/** Who runs it: both owner columns, or none (a row written before owners were recorded). */
export function activityOwnerOf(row: Pick<ActivityRow, 'owner_host' | 'owner_pid'>): Activity['owner'] {
  return row.owner_host !== null && row.owner_pid !== null ? { host: row.owner_host, pid: row.owner_pid } : null;
}

export function activityOf(row: ActivityRow): Activity {
  return {
    id: row.id,
    kind: row.kind as ActivityKind,
    set: row.set_name,
    engine: row.engine,
    trigger: row.trigger as ActivityTrigger,
    status: row.status as ActivityStatus,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    scheduledFor: row.scheduled_for,
    counters: { files: row.files, bytesScanned: row.bytes_scanned, bytesNew: row.bytes_new, errors: row.errors, warnings: row.warnings },
    firstError: row.first_error,
    snapshotId: row.snapshot_id,
    logDropped: row.log_dropped,
    owner: activityOwnerOf(row),
    host: row.host,
  };
}

const FIRST_ERROR_SEVERITIES: ReadonlySet<Severity> = new Set(['error', 'critical']);

/** The `first_error` column of an ended activity: the message of its first error or critical entry. */
export function firstErrorOf(log: ReadonlyArray<Pick<ActivityLogEntry, 'severity' | 'message'>>): string | null {
  return log.find((e) => FIRST_ERROR_SEVERITIES.has(e.severity))?.message ?? null;
}
