import type { RunStatus } from './run-status.js';
import type { Severity } from './severity.js';

/**
 * The activity log's model (pure). Every run of a set is one activity; so, later, are restores,
 * validations and Admin processes. An activity is `running` until it ends; it then carries one of
 * the run statuses of DESIGN.md §3, `skipped` (due while the previous run was still going),
 * `cancelled` (stopped by the person who started it: Ctrl-C of `vigil run`), or `interrupted`
 * (stopped by a clean service stop: retried at the next start within the catch-up window, or then
 * reported `missed`) — none is ever alerted, which is why they are not statuses a rule's `on:` can name.
 */
export const ACTIVITY_KINDS = ['backup', 'restore', 'validation', 'prune', 'repair', 'admin'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export type FinalStatus = RunStatus | 'skipped' | 'cancelled' | 'interrupted';
export type ActivityStatus = FinalStatus | 'running';
export const ACTIVITY_STATUSES: readonly ActivityStatus[] = ['running', 'completed', 'completed-with-warnings', 'completed-with-errors', 'incomplete', 'failed', 'missed', 'skipped', 'cancelled', 'interrupted'];

/** What started it: a person (`vigil run`) or the service's schedule. */
export type ActivityTrigger = 'manual' | 'schedule' | 'service';

export interface ActivityCounters {
  files: number;
  bytesScanned: number;
  bytesNew: number;
  errors: number;
  warnings: number;
}

export const ZERO_COUNTERS: Readonly<ActivityCounters> = Object.freeze({ files: 0, bytesScanned: 0, bytesNew: 0, errors: 0, warnings: 0 });

export interface ActivityLogEntry {
  /** Position in the run's log, from 0. */
  seq: number;
  severity: Severity;
  message: string;
  path: string | null;
}

export interface Activity {
  id: number;
  kind: ActivityKind;
  /** The backup set (null for activities that are not about one set). */
  set: string | null;
  engine: string | null;
  trigger: ActivityTrigger;
  status: ActivityStatus;
  startedAt: number;
  endedAt: number | null;
  /** The schedule's due time this run belongs to (scheduled, skipped and missed runs). */
  scheduledFor: number | null;
  counters: ActivityCounters;
  /** The first error-or-worse log entry, for one-line listings and alerts. */
  firstError: string | null;
  snapshotId: string | null;
  /** Log entries not kept because the run logged more than the cap. */
  logDropped: number;
  /** The process that runs (or ran) it. */
  owner: { host: string; pid: number } | null;
  /** The host it ran on (hosts sharing one store tell their activities apart by it); null in rows older than migration 32. */
  host: string | null;
}

/** Most log entries kept per run; beyond it only counts survive (what was dropped, by severity). */
export const MAX_LOG_ENTRIES = 500;
/** Longest message kept per entry, in characters. */
export const MAX_LOG_MESSAGE = 2_000;

/** Maps a run's outcome to its CLI exit status: 0 completed, 3 partial, 1 not done. */
export function exitStatusOf(status: ActivityStatus): 0 | 1 | 3 {
  if (status === 'completed') return 0;
  if (status === 'completed-with-warnings' || status === 'completed-with-errors') return 3;
  return 1;
}
