import type { FinalStatus } from './activity.js';

/**
 * The Daily/Weekly Admin summary model (pure). The store hands over aggregates — never the raw
 * activity log, which may hold a million rows — and `buildSummary` (summary-build.ts) turns them
 * into what the e-mail shows, in the order an administrator needs it: what went wrong first.
 */
export type SummaryKind = 'daily' | 'weekly';

/** The period a summary covers, [start, end), and its unique key (`daily:2026-11-22`). */
export interface SummaryPeriod {
  kind: SummaryKind;
  key: string;
  start: number;
  end: number;
}

/** A configured set, as the summary lists it. `nextRunAt` is null for an unscheduled set. */
export interface SetInfo {
  name: string;
  engine: string;
  schedule: string | null;
  nextRunAt: number | null;
}

/** Backup activities of one set that ended in the period, aggregated. */
export interface SetPeriodStats {
  set: string;
  runs: number;
  byStatus: Partial<Record<FinalStatus, number>>;
  files: number;
  bytesScanned: number;
  bytesNew: number;
  /** Summed over the runs that ran (missed and skipped runs take no time). */
  durationMs: number;
}

/** One backup activity, as much of it as a summary line needs. */
export interface RunRef {
  activityId: number;
  set: string;
  status: FinalStatus;
  startedAt: number;
  endedAt: number;
  firstError: string | null;
}

/** Runs of one set that ended in the period with the same non-success status, and the latest of them. */
export interface ProblemGroup {
  set: string;
  status: FinalStatus;
  count: number;
  latest: RunRef;
}

/** A recent successful run of a set (completed or completed-with-warnings), for baselines. */
export interface SuccessSample {
  activityId: number;
  startedAt: number;
  endedAt: number;
  files: number;
  bytesScanned: number;
  bytesNew: number;
}

/** One local day of the trend; `label` is `MM-DD` in the Admin timezone. */
export interface TrendDay {
  start: number;
  end: number;
  label: string;
}

/** A set's activity on one trend day: successes, partial successes, failures (incl. missed), bytes added. */
export interface TrendCell {
  set: string;
  day: number;
  ok: number;
  partial: number;
  bad: number;
  bytesNew: number;
}

/** What the Outbox did in the period, and what is stuck in it now. */
export interface DeliveryHealth {
  sent: number;
  queuedLocally: number;
  failed: number;
  expired: number;
  /** Pending (queued, deferred, sending) longer than mail.stuckAfter, now. */
  stuck: number;
  /** Handed to a spooling mail program and still in its local queue past mail.stuckAfter. */
  stuckInMta: number;
  /**
   * Messages flagged as possible duplicates in the period: sent again after an attempt whose
   * outcome is unknown (a connection lost after the data, a crash before the result was recorded).
   * Absent where the store does not count them.
   */
  possibleDuplicates?: number;
  /** Messages with an attempt in the period that did not deliver (deferred, then retried or not): mail was late. */
  deferred?: number;
  /** The longest enqueue-to-delivery time of the messages delivered in the period, ms (0: none). */
  longestDelayMs?: number;
}

/** Escalations (every transport of a profile failing) in the period — when that feature is present. */
export type EscalationInfo = { integrated: false } | { integrated: true; items: Array<{ at: number; text: string }> };

/** A credential that expires soon; `null` when no source of such warnings is integrated. */
export interface CredentialWarning {
  text: string;
}

/** What the Weekly Admin's housekeeping did (pruning, verification), for the weekly summary. */
export interface HousekeepingReport {
  prunedActivities: number;
  prunedMessages: number;
  checks: Array<{ set: string; what: string; status: FinalStatus | 'not run'; activityId: number | null; note: string | null }>;
}

/** A part of the summary that could not be read, e.g. `{ part: 'delivery health', error: 'SQLITE_BUSY' }`. */
export interface MissingPart {
  part: string;
  error: string;
}

/** A maintenance pause in force when the summary was made (`set` '*': every set; `until` null: until resumed). */
export interface AlertPauseInfo {
  set: string;
  until: number | null;
}

export interface SummaryInput {
  period: SummaryPeriod;
  host: string;
  now: number;
  sets: SetInfo[];
  stats: SetPeriodStats[];
  /** The newest ended backup activity of each set, whenever it was. */
  lastRuns: RunRef[];
  /** Per set, its recent successful runs, newest first (the anomaly baseline and "last success"). */
  samples: Readonly<Record<string, readonly SuccessSample[]>>;
  problems: ProblemGroup[];
  trend: { days: TrendDay[]; cells: TrendCell[] };
  delivery: DeliveryHealth;
  escalations: EscalationInfo;
  credentials: CredentialWarning[] | null;
  /** Parts that could not be read (a failed query): the summary goes out without them and says so. */
  missing?: MissingPart[];
  housekeeping?: HousekeepingReport;
  /** Earlier Admin processes that failed in the period (they get a line of their own). */
  adminFailures?: RunRef[];
  /** Maintenance pauses in force (vigil pause): shown at the top, alerts for them were not sent. */
  alertPauses?: AlertPauseInfo[];
}
