import type { MessageState, StoredMessage, OutgoingMessage, Severity } from '../domain/message.js';
import type { DeliveryOutcome } from '../domain/outcome.js';
import type { Activity, ActivityCounters, ActivityKind, ActivityLogEntry, ActivityStatus, ActivityTrigger, FinalStatus } from '../domain/activity.js';
import type { DeliveryHealth, ProblemGroup, RunRef, SetPeriodStats, SuccessSample, TrendCell, TrendDay } from '../domain/summary.js';
import type { StreakState } from '../domain/streak-state.js';
import type { MetricsStore } from './metrics-port.js';

/**
 * The store's contracts. SQLite implements them today (src/storage/sqlite/); another store
 * (PostgreSQL) implements the same ports and passes the same conformance suite
 * (test/storage/outbox-store.conformance.ts). Methods are async so a networked store fits.
 */

/** A rendered message ready to be stored (see src/outbox/render.ts). */
export interface NewMessage {
  id: string;
  messageId: string;
  kind: string;
  severity: Severity;
  priority: number;
  profile: string;
  dedupeKey: string | null;
  envelope: { from: string; to: string[] };
  subject: string;
  raw: Buffer;
  createdAt: number;
}

export interface AttemptRecord {
  messageId: string;
  startedAt: number;
  durationMs: number;
  transport: string;
  outcome: DeliveryOutcome;
}

/** What the dispatcher decided after an attempt: applied together with its attempt record. */
export interface AttemptResult {
  attempt: AttemptRecord;
  state: MessageState;
  nextAttemptAt: number;
  possibleDuplicate: boolean;
  /** Lease owner that claimed the message; the result is ignored if the lease moved on. */
  owner: string;
}

export interface AttemptRow {
  startedAt: number;
  durationMs: number;
  transport: string;
  server: string | null;
  outcome: string;
  replyCode: number | null;
  replyText: string | null;
  detail: string;
  errorCode: string | null;
  transcript: string;
}

export interface OutboxFilter {
  states?: MessageState[];
  /** Pending messages created before this instant (the "stuck" view). */
  createdBefore?: number;
  profile?: string;
  /** Messages with this dedupe key, in any state (notification's crash recovery). */
  dedupeKey?: string;
  /** Only messages at least this urgent (priority <= maxPriority; PRIORITY.critical is 0). */
  maxPriority?: number;
  limit?: number;
}

export interface RouteSuspension {
  profile: string;
  since: number;
  until: number;
  reason: string;
}

/** How long a claim holds a message: one length for all, or one per profile. */
export type LeaseLength = number | ((profile: string) => number);

export interface OutboxStore {
  /**
   * Stores messages durably (the call returns only once they survive a crash). A message whose
   * dedupeKey matches a pending message is not stored: its result names that message in
   * `duplicateOf`. Results are in the order of `messages`.
   */
  enqueue(messages: NewMessage[]): Promise<Array<{ id: string; duplicateOf?: string }>>;

  /**
   * Leases up to `limit` due messages (pending, nextAttemptAt <= now, or a lease that expired),
   * most urgent first, to `owner` until `now + leaseMs` (per message's profile when a function:
   * a fast profile's crashed attempt must not wait for the slowest profile's lease).
   * A leased message is invisible to other claimers until its lease expires — so a process that
   * dies mid-delivery loses nothing. `excludeProfiles` are skipped (paused profiles), and so are
   * suspended routes (see suspendRoute).
   */
  claimDue(now: number, limit: number, leaseMs: LeaseLength, owner: string, excludeProfiles?: readonly string[]): Promise<OutgoingMessage[]>;

  /** Leases one message by id regardless of its due time (used by `vigil mail test`). */
  claimById(id: string, now: number, leaseMs: LeaseLength, owner: string): Promise<OutgoingMessage | undefined>;

  /** Records attempts and applies decisions in one transaction. Results whose lease was lost are skipped. */
  complete(results: AttemptResult[], now: number): Promise<void>;

  /** Gives back leased messages unattempted (graceful shutdown), due immediately. */
  release(ids: string[], owner: string, now: number): Promise<void>;

  /** Pending messages older than `createdBefore` become `expired`; returns their ids. */
  expireOlderThan(createdBefore: number, now: number): Promise<string[]>;

  /** The earliest time a pending message becomes due, or undefined when none is pending. */
  nextDueAt(excludeProfiles?: readonly string[]): Promise<number | undefined>;

  get(id: string): Promise<StoredMessage | undefined>;
  raw(id: string): Promise<Buffer | undefined>;
  attempts(id: string): Promise<AttemptRow[]>;
  list(filter: OutboxFilter): Promise<StoredMessage[]>;
  countByState(): Promise<Partial<Record<MessageState, number>>>;

  /**
   * Suspends a route: no message of `profile` is claimed by claimDue (any process) before `until`,
   * and nextDueAt counts its messages as due at `until`. Its probe just failed and trying each
   * message would only repeat the failure; nothing is written per message, nothing is attempted.
   * A later call replaces the suspension; `until <= now` lifts it.
   */
  suspendRoute(profile: string, until: number, reason: string, now: number): Promise<void>;

  /** The route's suspension, if one is in force at `now`. */
  routeSuspension(profile: string, now: number): Promise<RouteSuspension | undefined>;

  /**
   * Makes every pending, unleased message of `profile` due at once, each as of its creation, so
   * claims take them oldest first within a priority and ahead of anything enqueued since (a
   * profile that recovers sends what it held back before a later recovery notice). Idempotent;
   * returns how many messages moved.
   */
  makeDue(profile: string, now: number): Promise<number>;

  /**
   * Makes a message due now again (any state but `sending` with a live lease). A person asking for
   * a retry asks for the route to be tried: a suspension of the message's route ends too, so the
   * retried message is the route's next probe instead of waiting out the breaker's backoff.
   */
  retry(id: string, now: number): Promise<StoredMessage>;

  /** Ends a pending message as failed without another attempt (e.g. a test message). */
  fail(id: string, reason: string, now: number): Promise<void>;
}

export interface ProfileState {
  name: string;
  verifiedAt: number | null;
  verifiedFingerprint: string | null;
  pausedUntil: number | null;
  pauseReason: string | null;
}

export interface ProfileStateStore {
  get(name: string): Promise<ProfileState>;
  all(): Promise<ProfileState[]>;
  markVerified(name: string, fingerprint: string, at: number): Promise<void>;
  /** Pauses delivery for a profile until `until` (a credentials or TLS problem). */
  pause(name: string, until: number, reason: string): Promise<void>;
  resume(name: string): Promise<void>;
}

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

/** The scheduler's persisted memory: the last due time handled per set and schedule. */
export interface ScheduleState {
  set: string;
  /** The schedule (expression and timezone) the state belongs to; a changed schedule starts afresh. */
  schedule: string;
  lastDueAt: number;
}

export interface ScheduleStateStore {
  get(set: string): Promise<ScheduleState | undefined>;
  /** Upserts. Written before a due run starts, so a crash never runs the same due time twice. */
  put(state: ScheduleState): Promise<void>;
  /**
   * Claims the due times in (from, to] of `set` under `schedule`: moves lastDueAt from `from` to
   * `to` atomically. False when the stored value is not `from` (another detector — the scheduler
   * or the watchdog — handled them first): whoever moves it handles them, so a window is
   * recorded missed once. Idempotent only in the sense that a second identical call is false.
   */
  advance(set: string, schedule: string, from: number, to: number): Promise<boolean>;
}

/** A message handed to a spooling mail program: which local queue holds it, and what the queue watch saw. */
export interface HandOffRow {
  outboxId: string;
  messageId: string;
  client: string;
  program: string;
  /** How that MTA's queue is listed: `postqueue-json`, `mailq`, `none`. */
  queueListing: string;
  sender: string;
  recipients: string[];
  handedAt: number;
  queueId: string | null;
  lastCheckedAt: number | null;
  /** When the watch last found it in the MTA's queue. */
  lastSeenAt: number | null;
  /** When the watch first found it gone from the queue (delivered or bounced by the MTA). */
  leftAt: number | null;
  stuckSince: number | null;
  lastReason: string | null;
}

/** Persistence for the MTA queue watch (migration 3). */
export interface HandOffStore {
  /** Upsert by outboxId: a later hand-off of the same message (a user retry) starts afresh. */
  record(handOff: Pick<HandOffRow, 'outboxId' | 'messageId' | 'client' | 'program' | 'queueListing' | 'sender' | 'recipients' | 'handedAt'>): Promise<void>;
  /** Hand-offs not yet seen leaving their queue, oldest first. */
  watched(limit?: number): Promise<HandOffRow[]>;
  /** Applies what one pass of the queue watch found. */
  update(outboxId: string, change: Partial<Pick<HandOffRow, 'queueId' | 'lastCheckedAt' | 'lastSeenAt' | 'leftAt' | 'stuckSince' | 'lastReason'>>): Promise<void>;
  get(outboxId: string): Promise<HandOffRow | undefined>;
  /** Hand-offs still in a local queue past their stuck time. */
  stuck(): Promise<HandOffRow[]>;
}

/** The process that claims a piece of work: its host and pid, so others can tell whether it died. */
export interface ClaimOwner {
  host: string;
  pid: number;
}

/** Notification's memory of each set's failing streak (migration 4); shape in src/domain/streak-state.ts. */
export interface NotifyStateStore {
  /** Undefined when the set has never failed (or the state was reset by a success). */
  get(set: string): Promise<StreakState | undefined>;
  /** Upserts; idempotent. */
  put(state: StreakState): Promise<void>;
  /**
   * Ledger claim (migration 7): takes the right to notify an activity, atomically across
   * processes. True when it is not notified yet and its claim is free, already `owner`'s, held by
   * an owner that `isAlive` says is dead, or taken more than `leaseMs` before `at`; the claim is
   * then `owner`'s from `at`. False when the activity is notified or a live claimer holds it.
   */
  claim(activityId: number, owner: ClaimOwner, at: number, leaseMs: number, isAlive: (owner: ClaimOwner) => boolean): Promise<boolean>;
  /** Ledger (migration 5): notification is about to enqueue these dedupe keys for an activity. Idempotent. */
  begin(activityId: number, dedupeKeys: string[], at: number): Promise<void>;
  /** Saves the streak (when given) and marks the activity notified, in one transaction. Idempotent. */
  commit(activityId: number, state: StreakState | undefined, at: number): Promise<void>;
  /** Whether `commit` has marked the activity notified. */
  notified(activityId: number): Promise<boolean>;
  /** Finished backup activities that ended at or after `since` and are not marked notified, oldest first, with the keys `begin` recorded. */
  unnotified(since: number): Promise<Array<{ activityId: number; dedupeKeys: string[] | null }>>;
}

/** A critical message that could not be delivered and was escalated (migration 5). */
export interface Escalation {
  id: number;
  /** The Outbox id of the undelivered message. */
  outboxId: string;
  kind: string;
  subject: string;
  profile: string;
  /** What made it escalate: it failed for good, its profile was paused, or it was overdue. */
  trigger: 'failed' | 'paused' | 'overdue';
  reason: string;
  /** When the undelivered message was enqueued. */
  messageAt: number;
  escalatedAt: number;
  /** When a delivered notification told the admins about it; null until then. */
  reportedAt: number | null;
}

export interface EscalationStore {
  /** Records one; undefined (nothing written) when this message was already escalated: each escalates once. */
  record(escalation: Omit<Escalation, 'id' | 'reportedAt'>): Promise<Escalation | undefined>;
  /** Not yet reported in a delivered notification, oldest first. */
  unreported(): Promise<Escalation[]>;
  markReported(ids: readonly number[], at: number): Promise<void>;
  /** Escalated at or after `ms` (the Daily Admin summary), oldest first. */
  since(ms: number): Promise<Escalation[]>;
}

/** A critical failure as storm control holds it. */
export interface HeldFailure {
  set: string;
  status: string;
  firstError: string | null;
  activityId: number;
  endedAt: number;
}

export interface StormWindow {
  id: number;
  openedAt: number;
  endsAt: number;
  /** The failure that opened the window (alerted at once). */
  first: HeldFailure;
  /** Failures that arrived before it ended, in arrival order. */
  held: HeldFailure[];
}

/** Storm control's windows and held failures (migration 5), durable so a crash loses none. */
export interface StormStore {
  /**
   * In one transaction: when a window is open at `now`, holds `failure` in it ('held');
   * otherwise opens a window [now, now + windowMs) with `failure` as its first ('opened').
   * Idempotent per activity: admitting the same run again returns its first verdict.
   */
  admit(failure: HeldFailure, now: number, windowMs: number): Promise<'opened' | 'held'>;
  /** Windows that ended by `now` and are not flushed yet, with their held failures. */
  ended(now: number): Promise<StormWindow[]>;
  markFlushed(id: number, at: number): Promise<void>;
  /** When the earliest unflushed window ends; undefined when none is open. */
  nextEnd(): Promise<number | undefined>;
}

/** One run of a Daily or Weekly Admin process, keyed by its period (migration 6). */
export interface AdminRun {
  /** `daily:2026-11-22` — the period in the Admin timezone; a key is sent at most once. */
  key: string;
  kind: 'daily' | 'weekly';
  dueAt: number;
  startedAt: number;
  endedAt: number | null;
  state: 'running' | 'sent' | 'failed';
  owner: string;
  activityId: number | null;
  outboxIds: string[];
  error: string | null;
  /** Attempts so far (a retry, or a takeover of a dead process's claim, counts). */
  attempts: number;
  /** When a `failed` run is tried again; null when it is given up. */
  retryAt: number | null;
}

export interface AdminRunStore {
  /**
   * Claims a period for this caller, atomically across processes: true when the key was free, or
   * held by a run still `running` that started before `staleBefore` (its process died mid-run).
   * A `sent` key is never claimed again: nothing is sent twice. A `failed` key is claimed again
   * only once its `retryAt` has come (`startedAt` >= retryAt), by one caller.
   */
  claim(run: Pick<AdminRun, 'key' | 'kind' | 'dueAt' | 'startedAt' | 'owner'>, staleBefore: number): Promise<boolean>;
  /** Ends a claimed run; for a failed one, `retryAt` plans the next attempt (absent/null: none). Idempotent. */
  finish(key: string, end: Pick<AdminRun, 'state' | 'endedAt' | 'activityId' | 'outboxIds' | 'error'> & { retryAt?: number | null }): Promise<void>;
  get(key: string): Promise<AdminRun | undefined>;
}

/** The missed-backup watchdog's memory per set: since when the set's schedule is watched. */
export interface WatchdogState {
  set: string;
  schedule: string;
  since: number;
}

export interface WatchdogStateStore {
  get(set: string): Promise<WatchdogState | undefined>;
  /** Upserts; idempotent. */
  put(state: WatchdogState): Promise<void>;
}

/**
 * Which slice of a vault's data the weekly check reads next (migration 15). A target is a vault
 * (`builtin:<path>`) or a restic repository (`restic:<repository>`).
 */
export interface VaultCheckRotationStore {
  /** The slice (1…slices) to read next; 1 for a new target or when the number of slices changed. */
  next(target: string, slices: number): Promise<number>;
  /** Records that `slice` of `slices` was read at `at`: the next check reads the one after it. */
  done(target: string, slices: number, slice: number, at: number): Promise<void>;
}

/**
 * Aggregates for the Admin summaries and the watchdog, computed in the store (indexed SQL), so a
 * summary over a million activities never loads them. Periods are [since, until) of `ended_at`.
 */
export interface SummaryStore {
  periodStats(since: number, until: number): Promise<SetPeriodStats[]>;
  /** Non-`completed` backup runs in the period, grouped by set and status, with the latest of each. */
  problems(since: number, until: number): Promise<ProblemGroup[]>;
  /** The newest ended backup activity of each of `sets`. */
  lastRuns(sets: readonly string[]): Promise<RunRef[]>;
  /** Per set, its newest successful backup runs (at most `perSet`), newest first. */
  successSamples(sets: readonly string[], perSet: number): Promise<Record<string, SuccessSample[]>>;
  /** Backup runs per set and trend day. */
  trend(days: readonly TrendDay[]): Promise<TrendCell[]>;
  /** Admin processes that failed in the period. */
  adminFailures(since: number, until: number): Promise<RunRef[]>;
  /** When the newest backup activity of `set` that is not `skipped` ended (the watchdog's reference). */
  lastEnded(set: string): Promise<number | undefined>;
  /** Outbox activity in the period, and messages stuck now (pending, or in a local MTA queue). */
  delivery(since: number, until: number, stuckBefore: number): Promise<DeliveryHealth>;
  /** The newest attempt through each server of each profile (`vigil mail doctor`). */
  lastAttempts(): Promise<Array<{ profile: string; server: string; at: number; outcome: string; errorCode: string | null; detail: string }>>;
  /** Pending messages created before `stuckBefore` (the watchdog reports each once). */
  stuckMessages(stuckBefore: number, limit: number): Promise<Array<{ id: string; subject: string; createdAt: number; state: string }>>;
}

/** Retention: deletes old rows in small batches so the service's writers are never blocked long. */
export interface HousekeepingStore {
  /** Deletes ended activities (and their logs) that ended before `before`; returns how many. */
  pruneActivities(before: number): Promise<number>;
  /** Deletes Outbox messages in a final state (and their attempts) last updated before `before`. */
  pruneMessages(before: number): Promise<number>;
  /**
   * Deletes notification-ledger rows begun before `before` (give the activity retention: recovery
   * only looks a day back) and any whose activity is gone — activity ids can be reused once the
   * newest rows are pruned, and a stale "notified" row would silence the new run's alert.
   */
  pruneNotifyLedger(before: number): Promise<number>;
  /** Deletes escalations recorded before `before` (give the Outbox retention), reported or not. */
  pruneEscalations(before: number): Promise<number>;
}

/** A maintenance pause of one set's alerts (`set` '*': every set); `until` null: until resumed. */
export interface AlertPause {
  set: string;
  since: number;
  until: number | null;
}

/** An alert a pause kept from being sent. */
export interface AlertSuppression {
  set: string;
  at: number;
  what: string;
}

/** Maintenance mode (migration 25): persisted, so the service and `vigil run` both honour it. */
export interface AlertPauseStore {
  /** Pauses the sets ('*': every set) from `now`; pausing again replaces the end. Idempotent. */
  pause(sets: string[], now: number, until: number | null): Promise<void>;
  /** Ends the pauses of `sets` ('*': every pause); returns what they suppressed, oldest first. */
  resume(sets: string[]): Promise<AlertSuppression[]>;
  /** Pauses in force at `now` (ended `--for` pauses are not returned). */
  active(now: number): Promise<AlertPause[]>;
  recordSuppressed(s: AlertSuppression): Promise<void>;
}

/** One handle on the store: every port, and closing. */
export interface Store {
  outbox: OutboxStore;
  profiles: ProfileStateStore;
  activity: ActivityStore;
  schedules: ScheduleStateStore;
  handOffs: HandOffStore;
  notifyState: NotifyStateStore;
  escalations: EscalationStore;
  storm: StormStore;
  adminRuns: AdminRunStore;
  watchdog: WatchdogStateStore;
  summary: SummaryStore;
  housekeeping: HousekeepingStore;
  vaultChecks: VaultCheckRotationStore;
  alertPauses: AlertPauseStore;
  /** The console's aggregates (src/storage/metrics-port.ts). */
  metrics: MetricsStore;
  close(): Promise<void>;
}
