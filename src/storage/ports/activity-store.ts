import type { Activity, ActivityCounters, ActivityKind, ActivityLogEntry, ActivityStatus, ActivityTrigger, FinalStatus } from '../../domain/activity.js';

/** An activity as it starts (status `running`) or, for missed and skipped runs, as it is recorded whole. */
export interface NewActivity {
  kind: ActivityKind;
  set: string | null;
  engine: string | null;
  trigger: ActivityTrigger;
  startedAt: number;
  scheduledFor?: number | null;
  /** The process running it (`host`, `pid`), so a run left `running` by a dead process can be told apart. */
  owner?: { host: string; pid: number };
}

/** How an activity ended. `log` is already capped by the caller; `logDropped` counts the rest. */
export interface ActivityEnd {
  status: FinalStatus;
  endedAt: number;
  counters: ActivityCounters;
  log: Array<Omit<ActivityLogEntry, 'seq'>>;
  logDropped: number;
  snapshotId?: string | null;
}

export interface ActivityFilter {
  /** Activities that started at or after this instant. */
  since?: number;
  set?: string;
  statuses?: ActivityStatus[];
  kind?: ActivityKind;
  /** Newest first; at most this many. */
  limit?: number;
}

/** The activity log: every run of a set, with its counters and its (capped) log. */
export interface ActivityStore {
  /** Records an activity as `running`; returns its id. Durable when it returns. */
  start(activity: NewActivity): Promise<number>;
  /**
   * Ends a running activity with its status, counters and log, in one transaction. Ending an
   * activity that is no longer `running` is refused (ERR_STORE): an activity ends exactly once.
   */
  finish(id: number, end: ActivityEnd): Promise<Activity>;
  /** Records an activity that never ran (missed, skipped, or failed before starting) in one step. */
  record(activity: NewActivity, end: ActivityEnd): Promise<Activity>;
  /**
   * Ends as `incomplete` every activity still `running` whose owner is not alive (`isAlive`):
   * the process running it died. Returns them, ended.
   */
  abandonRunning(now: number, reason: string, isAlive: (owner: { host: string; pid: number } | null) => boolean): Promise<Activity[]>;
  /** The running activities of a set (normally zero or one). */
  running(set: string): Promise<Activity[]>;
  get(id: number): Promise<Activity | undefined>;
  log(id: number): Promise<ActivityLogEntry[]>;
  list(filter: ActivityFilter): Promise<Activity[]>;
}
