import type { Activity, ActivityCounters, ActivityKind, ActivityTrigger, FinalStatus } from '../domain/activity.js';
import type { Clock } from '../domain/clock.js';
import type { ActivityStore } from '../storage/ports/activity-store.js';
import { capLog, type LogEntryToCap } from './log-cap.js';

/** What recording needs: the activity log, the clock, and who runs the work. */
export interface ActivityRecorder {
  activity: ActivityStore;
  clock: Clock;
  /** This process (`host`, `pid`): a run left `running` by a dead owner is told apart and recovered. */
  owner: { host: string; pid: number };
}

/** The work about to start. */
export interface ActivityBegin {
  kind: ActivityKind;
  set: string | null;
  engine: string | null;
  trigger: ActivityTrigger;
  scheduledFor?: number | null;
  /** Default: the recorder's clock, now. */
  startedAt?: number;
}

/** How the work ended. */
export interface ActivityOutcome {
  status: FinalStatus;
  /** The whole log: it is capped here (the most severe entries kept, the rest counted). */
  log: readonly LogEntryToCap[];
  /** A backup engine's own counters; by default errors and warnings are counted from `log`. */
  counters?: ActivityCounters;
  snapshotId?: string | null;
}

/** An activity recorded `running`, to be finished exactly once. */
export interface RunningActivity {
  readonly id: number;
  readonly startedAt: number;
  /** Ends the activity (status, counters, capped log) in one write; returns it as stored. */
  finish(outcome: ActivityOutcome): Promise<Activity>;
}

/**
 * The one way work is recorded in the activity log (backups, prunes, vault checks, restores,
 * Admin processes): `running` from the moment this returns (durably), then ended once by
 * `finish`. A process that dies between the two leaves the row `running` under its owner on
 * purpose: the next start's recovery (ActivityStore.abandonRunning) ends it `incomplete`, so
 * nothing here guesses on a crash's behalf. What a thrown error means (a failed check, a failed
 * restore) is the caller's to decide, as the status it finishes with.
 */
export async function startActivity(recorder: ActivityRecorder, begin: ActivityBegin): Promise<RunningActivity> {
  const { activity, clock, owner } = recorder;
  const startedAt = begin.startedAt ?? clock.now();
  const id = await activity.start({
    kind: begin.kind,
    set: begin.set,
    engine: begin.engine,
    trigger: begin.trigger,
    startedAt,
    ...(begin.scheduledFor !== undefined ? { scheduledFor: begin.scheduledFor } : {}),
    owner,
  });
  return {
    id,
    startedAt,
    finish: (outcome) => {
      const { log, dropped } = capLog(outcome.log);
      return activity.finish(id, {
        status: outcome.status,
        endedAt: clock.now(),
        counters: outcome.counters ?? countedFrom(outcome.log),
        log,
        logDropped: dropped,
        ...(outcome.snapshotId !== undefined ? { snapshotId: outcome.snapshotId } : {}),
      });
    },
  };
}

/** Work that reports no counters of its own (a prune, a check, a summary): its problems, counted. */
function countedFrom(log: readonly LogEntryToCap[]): ActivityCounters {
  const errors = log.filter((e) => e.severity === 'error' || e.severity === 'critical').length;
  const warnings = log.filter((e) => e.severity === 'warning').length;
  return { files: 0, bytesScanned: 0, bytesNew: 0, errors, warnings };
}
