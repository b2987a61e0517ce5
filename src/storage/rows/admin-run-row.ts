import type { AdminRun, AdminRunStore } from '../ports/admin-run-store.js';

/**
 * An `admin_runs` row (migrations 6 and 8) as both stores return it — the same columns in either
 * dialect, `outbox_ids` a JSON array in a TEXT column in both — and its run: one mapping for the
 * SQLite and the PostgreSQL adapter.
 */
export interface AdminRunRow {
  key: string;
  kind: string;
  due_at: number;
  started_at: number;
  ended_at: number | null;
  state: string;
  owner: string;
  activity_id: number | null;
  outbox_ids: string | null;
  error: string | null;
  attempts: number;
  retry_at: number | null;
}

export function adminRunOf(row: AdminRunRow): AdminRun {
  return {
    key: row.key,
    kind: row.kind as AdminRun['kind'],
    dueAt: row.due_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    state: row.state as AdminRun['state'],
    owner: row.owner,
    activityId: row.activity_id,
    outboxIds: row.outbox_ids ? (JSON.parse(row.outbox_ids) as string[]) : [],
    error: row.error,
    attempts: row.attempts,
    retryAt: row.retry_at,
  };
}

/**
 * The values `finish` writes, in this order: state, ended_at, activity_id, outbox_ids, error,
 * retry_at. Only a failed run keeps a retry time: a sent or given-up one is never taken over.
 */
export function adminRunEndValues(end: Parameters<AdminRunStore['finish']>[1]): [string, number | null, number | null, string, string | null, number | null] {
  return [end.state, end.endedAt, end.activityId, JSON.stringify(end.outboxIds), end.error, end.state === 'failed' ? (end.retryAt ?? null) : null];
}
