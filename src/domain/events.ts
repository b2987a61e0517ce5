import type { DeliveryOutcome } from './outcome.js';
import type { Activity, ActivityCounters, FinalStatus } from './activity.js';
import type { ErrorCode } from './errors.js';

/**
 * Events other parts of Vigil react to (notification rules, escalation, summaries). Kinds are
 * dotted. Emitting never blocks the emitter: subscribers run later and their failures are
 * reported, not thrown back.
 */
export type VigilEvent =
  | { kind: 'delivery.sent'; messageId: string; profile: string; at: number }
  | { kind: 'delivery.failed'; messageId: string; profile: string; messageKind: string; severity: string; outcome: DeliveryOutcome; at: number }
  | { kind: 'delivery.expired'; messageIds: string[]; at: number }
  | { kind: 'delivery.paused'; profile: string; reason: string; until: number; at: number }
  /** A Daily or Weekly Admin process failed (its summary may not have gone out): a critical event. */
  | { kind: 'admin.failed'; process: 'daily' | 'weekly'; periodKey: string; activityId: number | null; error: string; at: number }
  | ServiceFaultEvent
  | BackupStartedEvent
  | BackupEvent;

/** A backup run began (recorded `running`): its heartbeat ping says so (docs/heartbeats.md). */
export interface BackupStartedEvent {
  kind: 'backup.started';
  set: string;
  engine: string;
  activityId: number;
  trigger: 'manual' | 'schedule' | 'service';
  startedAt: number;
  at: number;
}

/** Faults of the service itself, alerted to notification.admins and the pager (docs/notifications.md). */
export const SERVICE_FAULTS = ['vault-unreachable', 'disk-full', 'config-error', 'engine-missing', 'database-unwritable', 'database-unreachable', 'database-write-back-failed', 'vault-check-failed', 'notification-failed', 'backup-anomaly', 'service-failed', 'backup-missed'] as const;
export type ServiceFault = (typeof SERVICE_FAULTS)[number];
export interface ServiceFaultEvent {
  kind: 'service.fault';
  fault: ServiceFault;
  /** One sentence naming what failed and where (never a secret). */
  detail: string;
  /** The set whose run revealed it, when one did. */
  set: string | null;
  at: number;
}

/**
 * A backup run ended (or was missed or skipped): one kind per status, `backup.<status>`, all with
 * the same payload. Emitted once per activity, after the activity is stored.
 */
export type BackupEvent = { [S in FinalStatus]: BackupEventBase & { kind: `backup.${S}`; status: S } }[FinalStatus];
export interface BackupEventBase {
  set: string;
  engine: string;
  /** Id in the activity log (`vigil activity show ID`). */
  activityId: number;
  trigger: 'manual' | 'schedule' | 'service';
  startedAt: number;
  endedAt: number;
  /** The schedule's due time, for scheduled, missed and skipped runs. */
  scheduledFor: number | null;
  counters: ActivityCounters;
  /** The first error-or-worse log entry of the run (or the reason it was missed or skipped). */
  firstError: string | null;
  snapshotId: string | null;
  /** The coded error that stopped the run, when the engine had one (live events only: not stored). */
  stoppedBy?: RunStopper;
  /**
   * A `missed` run recorded at start just before the set's newest due time is caught up (live
   * events only): its alert waits for that run, up to `notification.stormWindow`, so a missed
   * window and its recovery make one message (BackupNotifier).
   */
  catchUpFollows?: boolean;
  at: number;
}

/** A run-stopping error by its code (and the system's errno behind it), not by its wording. */
export interface RunStopper {
  code: ErrorCode;
  errno?: string;
}
export const BACKUP_EVENT_KINDS = [
  'backup.completed',
  'backup.completed-with-warnings',
  'backup.completed-with-errors',
  'backup.incomplete',
  'backup.failed',
  'backup.missed',
  'backup.skipped',
] as const satisfies ReadonlyArray<BackupEvent['kind']>;

export type VigilEventKind = VigilEvent['kind'];

/**
 * The event of a finished activity (the caller checked it is not `running`). `at` is when it is
 * emitted — or, for a notification replayed after a crash, when the run ended, so the replay
 * makes the same decision as the lost attempt.
 */
export function backupEventOf(activity: Activity, at: number, extra: { reason?: string; stoppedBy?: RunStopper; catchUpFollows?: boolean } = {}): BackupEvent {
  return {
    kind: `backup.${activity.status}`,
    status: activity.status,
    set: activity.set ?? '',
    engine: activity.engine ?? '',
    activityId: activity.id,
    trigger: activity.trigger,
    startedAt: activity.startedAt,
    endedAt: activity.endedAt ?? activity.startedAt,
    scheduledFor: activity.scheduledFor,
    counters: activity.counters,
    firstError: activity.firstError ?? extra.reason ?? null,
    snapshotId: activity.snapshotId,
    ...(extra.stoppedBy ? { stoppedBy: extra.stoppedBy } : {}),
    ...(extra.catchUpFollows ? { catchUpFollows: true } : {}),
    at,
  } as BackupEvent;
}

export interface EventSink {
  emit(event: VigilEvent): void;
}

export const nullEventSink: EventSink = { emit() {} };

/** A subscriber to one kind of event; may be async (its failure is the bus's to report). */
export type EventHandler<K extends VigilEventKind> = (event: Extract<VigilEvent, { kind: K }>) => void | Promise<void>;

/**
 * Where events can be subscribed to and emitted (src/app/event-bus.ts wires one per process).
 * Declared here so the core (notification) subscribes without importing the composition root.
 */
export interface EventBusPort extends EventSink {
  on<K extends VigilEventKind>(kind: K, handler: EventHandler<K>): void;
}
