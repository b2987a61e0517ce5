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
  /** The host it belongs to; default: its owner's host. */
  host?: string;
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
  /** Only the activities of this host. */
  host?: string;
  /** Newest first; at most this many. */
  limit?: number;
}

/** What ActivityStore.idBounds answers: compare two to tell whether the activity log changed. */
export interface ActivityIdBounds {
  lowest: number;
  highest: number;
  /** Activities deleted by retention (HousekeepingStore.pruneActivities) since the store was made. */
  pruned: number;
}

/** The activity log: every run of a set, with its counters and its (capped) log. */
export interface ActivityStore {
  /** Records an activity as `running`; returns its id. Durable when it returns. */
  start(activity: NewActivity): Promise<number>;
  /**
   * Ends a running activity with its status, counters and log, in one transaction. Ending an
   * activity that is no longer `running` is refused (ERR_STORE): an activity ends exactly once.
   * An end before the start (the clock moved back during the run) is recorded at the start.
   */
  finish(id: number, end: ActivityEnd): Promise<Activity>;
  /** Records an activity that never ran (missed, skipped, or failed before starting) in one step. */
  record(activity: NewActivity, end: ActivityEnd): Promise<Activity>;
  /**
   * Ends as `incomplete` every activity still `running` whose owner is not alive (`isAlive`):
   * the process running it died (one without an owner is asked about as `null`). Returns them,
   * ended, with `reason` as their first error. Each is ended once, whichever process gets there.
   */
  abandonRunning(now: number, reason: string, isAlive: (owner: { host: string; pid: number } | null) => boolean): Promise<Activity[]>;
  /** The running activities of a set (normally zero or one). */
  running(set: string): Promise<Activity[]>;
  get(id: number): Promise<Activity | undefined>;
  log(id: number): Promise<ActivityLogEntry[]>;
  list(filter: ActivityFilter): Promise<Activity[]>;
  /**
   * The lowest and highest activity ids (both 0 when there is none), in two index probes, and
   * how many activities retention has pruned, ever (one row): ids only grow, so a new row (from
   * any process or host) raises `highest`; a prune raises `pruned` (and `lowest` when it took
   * the oldest row — not when a run that started first and ended last kept it). The console's
   * caches read every set again only when these (or the running activities) changed.
   */
  idBounds(): Promise<ActivityIdBounds>;
}
