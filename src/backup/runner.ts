import type { BackupSetConfig } from '../config/schema/index.js';
import type { Activity, ActivityTrigger, FinalStatus } from '../domain/activity.js';
import { ZERO_COUNTERS } from '../domain/activity.js';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import { backupEventOf, type EventSink, type RunStopper } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import type { ActivityStore } from '../storage/ports/activity-store.js';
import type { BackupEngine, EngineProgress, EngineRunResult } from './engine.js';
import { startActivity } from './recorded-activity.js';
import { ABANDONED, abandonedResult, startRunDeadline, timedOutResult } from './run-deadline.js';
import { formatDuration } from '../config/duration.js';
import { pidExists } from '../platform/data-dir-lock.js';
import { recordPrune, retainsAfterBackup, type PruneRunOptions } from './retention-run.js';

export interface RunnerOptions {
  sets: Readonly<Record<string, BackupSetConfig>>;
  dataDir: string;
  engines: ReadonlyMap<string, BackupEngine>;
  activity: ActivityStore;
  events: EventSink;
  clock: Clock;
  log: Logger;
  /** This process, recorded on running activities. */
  owner: { host: string; pid: number };
  /** Whether a recorded owner is still running its activity (default: same host and the pid exists). */
  isAlive?: (owner: { host: string; pid: number } | null) => boolean;
  /**
   * How long an engine may take to stop once its run is stopped (timeout, Ctrl-C, service stop)
   * before the run is recorded without it. Default 20 s: under `vigil run`'s 30 s stop deadline,
   * so the record is written before that command gives up.
   */
  stopGraceMs?: number;
}

const STOP_GRACE_MS = 20_000;

export interface RunOptions {
  trigger: ActivityTrigger;
  signal?: AbortSignal;
  onProgress?: (progress: EngineProgress) => void;
  scheduledFor?: number;
  /** Let a run as root write into a vault another account owns (`vigil run --allow-root`). */
  allowRoot?: boolean;
  /** Called once the activity is recorded as running, with its id. */
  onStart?: (activityId: number) => void;
  /**
   * Whether `signal` was aborted by the person who started the run (Ctrl-C of `vigil run`): a run
   * it stopped short is recorded `cancelled`, which is never alerted, instead of `incomplete`.
   */
  cancelledByUser?: () => boolean;
  /**
   * Whether `signal` was aborted by a clean stop of the service: a run it stopped short is
   * recorded `interrupted`, never alerted; the scheduler retries it at the next start within its
   * catch-up window, or reports it `missed` then (Scheduler.recover).
   */
  stoppedByService?: () => boolean;
}

/**
 * Runs a set: records the activity as running, hands the set to its engine, records how it
 * ended, emits `backup.<status>`. Never throws for a backup problem (engine missing, engine
 * crashed, program not found): those end as a `failed` activity with the reason. It throws only
 * for the caller's mistakes: an unknown set (ERR_SET_UNKNOWN), or a manual run of a set that is
 * already running (ERR_SET_BUSY).
 */
export class BackupRunner {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly options: RunnerOptions) {}

  setNames(): string[] {
    return Object.keys(this.options.sets);
  }

  /** The running activity of a set, in this process or another live one. */
  async busyWith(set: string): Promise<Activity | undefined> {
    const local = this.inFlight.get(set);
    if (local !== undefined) return this.options.activity.get(local);
    const isAlive = this.options.isAlive ?? defaultIsAlive(this.options.owner.host);
    return (await this.options.activity.running(set)).find((a) => isAlive(a.owner));
  }

  async run(setName: string, options: RunOptions): Promise<Activity> {
    const set = this.options.sets[setName];
    if (!set) {
      const known = Object.keys(this.options.sets);
      throw new VigilError('ERR_SET_UNKNOWN', `no backup set named "${setName}"`, { hint: known.length ? `Defined sets: ${known.join(', ')}.` : 'Define one under sets: in vigil.yaml.' });
    }
    const busy = await this.busyWith(setName);
    if (busy) {
      const reason = `the previous run (activity ${busy.id}, started ${new Date(busy.startedAt).toISOString()}) was still running`;
      if (options.trigger === 'manual') {
        throw new VigilError('ERR_SET_BUSY', `set "${setName}" is already running: activity ${busy.id}, started ${new Date(busy.startedAt).toISOString()}`, {
          hint: 'Wait for it to finish (`vigil activity --set ' + setName + '`), or stop it.',
        });
      }
      return this.recordNotRun(setName, 'skipped', reason, options.scheduledFor ?? this.options.clock.now(), options.trigger);
    }

    const startedAt = this.options.clock.now();
    const running = await startActivity(this.options, { kind: 'backup', set: setName, engine: set.engine, trigger: options.trigger, startedAt, scheduledFor: options.scheduledFor ?? null });
    const id = running.id;
    this.inFlight.set(setName, id);
    options.onStart?.(id);
    this.options.events.emit({ kind: 'backup.started', set: setName, engine: set.engine, activityId: id, trigger: options.trigger, startedAt, at: startedAt });
    let result: EngineRunResult;
    const graceMs = this.options.stopGraceMs ?? STOP_GRACE_MS;
    const deadline = startRunDeadline({ timeoutMs: set.timeout, graceMs, parent: options.signal, reason: `timed out after ${formatDuration(set.timeout)}` });
    try {
      const outcome = await deadline.settle(this.runEngine(setName, set, { ...options, signal: deadline.signal }));
      if (outcome === ABANDONED) this.options.log.error(`engine ${set.engine} did not stop running set ${setName}; its run is recorded without it`);
      result = outcome === ABANDONED ? abandonedResult(set.engine, graceMs) : outcome;
      if (deadline.timedOut) result = timedOutResult(result, setName, set.timeout);
    } finally {
      deadline.dispose();
      this.inFlight.delete(setName);
    }
    const stoppedShort = options.signal?.aborted === true && !deadline.timedOut && !result.status.startsWith('completed');
    const status = stoppedShort && options.cancelledByUser?.() ? 'cancelled' : stoppedShort && options.stoppedByService?.() ? 'interrupted' : result.status;
    const activity = await running.finish({ status, log: result.log, counters: result.counters, snapshotId: result.snapshotId ?? null });
    this.emit(activity, undefined, result.stoppedBy);
    if (retainsAfterBackup(set, activity.status) && !options.signal?.aborted) {
      // The backup is recorded and alerted already: a retention problem never changes its outcome.
      await this.prune(setName, { trigger: options.trigger, signal: options.signal, allowRoot: options.allowRoot }).catch((error: unknown) =>
        this.options.log.error(`retention of set ${setName} could not run`, { error: (error as Error).message }),
      );
    }
    return activity;
  }

  /**
   * Applies the set's retention now (after a backup, or on its `prune:` schedule), recorded as a
   * `prune` activity. Undefined when its engine has no retention, or the set is busy (a run or
   * prune of it is going: the next one will do).
   */
  async prune(setName: string, options: PruneRunOptions): Promise<Activity | undefined> {
    const set = this.options.sets[setName];
    const engine = set ? this.options.engines.get(set.engine) : undefined;
    if (!set || !engine?.prune) return undefined;
    if (await this.busyWith(setName)) {
      this.options.log.info(`retention of set ${setName} postponed: the set is busy`);
      return undefined;
    }
    const { activity, clock, log, owner } = this.options;
    const deps = { activity, clock, log, owner, dataDir: this.options.dataDir, graceMs: this.options.stopGraceMs ?? STOP_GRACE_MS };
    try {
      return await recordPrune(deps, setName, set, engine as typeof engine & Required<Pick<typeof engine, 'prune'>>, { ...options, onStart: (id) => this.inFlight.set(setName, id) });
    } finally {
      this.inFlight.delete(setName);
    }
  }

  /** The set's latest backup run, of any status. */
  async lastBackup(setName: string): Promise<Activity | undefined> {
    const [last] = await this.options.activity.list({ set: setName, kind: 'backup', limit: 1 });
    return last;
  }

  /** Records a due run that did not happen (`missed`, `skipped`) with the reason, and emits it. */
  async recordNotRun(
    setName: string,
    status: Extract<FinalStatus, 'missed' | 'skipped'>,
    reason: string,
    scheduledFor: number,
    trigger: ActivityTrigger = 'schedule',
    options: { catchUpFollows?: boolean } = {},
  ): Promise<Activity> {
    const now = this.options.clock.now();
    const severity = status === 'missed' ? 'error' : 'warning';
    const activity = await this.options.activity.record(
      { kind: 'backup', set: setName, engine: this.options.sets[setName]?.engine ?? null, trigger, startedAt: now, scheduledFor, host: this.options.owner.host },
      {
        status,
        endedAt: now,
        counters: { ...ZERO_COUNTERS, ...(severity === 'error' ? { errors: 1 } : { warnings: 1 }) },
        log: [{ severity, message: reason, path: null }],
        logDropped: 0,
      },
    );
    this.emit(activity, status === 'skipped' ? reason : undefined, undefined, options.catchUpFollows);
    return activity;
  }

  /** Ends runs left `running` by a process that died, as `incomplete`, and emits them. */
  async abandonDeadRuns(): Promise<Activity[]> {
    const isAlive = this.options.isAlive ?? defaultIsAlive(this.options.owner.host);
    const ended = await this.options.activity.abandonRunning(this.options.clock.now(), 'the process running this backup stopped before it finished (crash, kill or power loss)', isAlive);
    // Only backups are alerted as `backup.*`; an abandoned prune, verify or restore is in the log.
    for (const activity of ended) if (activity.kind === 'backup') this.emit(activity);
    return ended;
  }

  private async runEngine(setName: string, set: BackupSetConfig, options: RunOptions): Promise<EngineRunResult> {
    const engine = this.options.engines.get(set.engine);
    if (!engine) return failed(`engine ${set.engine} is not available in this build`);
    const signal = options.signal ?? new AbortController().signal;
    try {
      return await engine.run({
        name: setName,
        hasHistory: await this.hasHistory(setName),
        ...(options.allowRoot ? { allowRoot: true } : {}),
        config: set,
        dataDir: this.options.dataDir,
        signal,
        onProgress: (progress) => {
          try {
            options.onProgress?.(progress);
          } catch (error) {
            this.options.log.warn(`progress display failed: ${(error as Error).message}`);
          }
        },
      });
    } catch (error) {
      // A bug in an engine fails this run, not the service.
      this.options.log.error(`engine ${set.engine} crashed running set ${setName}`, { error: (error as Error).message });
      return failed(`engine ${set.engine} crashed: ${(error as Error).message ?? String(error)}`);
    }
  }

  /** Whether the set has a completed run on record (engines then never create their vault). */
  private async hasHistory(setName: string): Promise<boolean> {
    const done = await this.options.activity.list({ set: setName, kind: 'backup', statuses: ['completed', 'completed-with-warnings', 'completed-with-errors'], limit: 1 });
    return done.length > 0;
  }

  private emit(activity: Activity, reasonOverride?: string, stoppedBy?: RunStopper, catchUpFollows?: boolean): void {
    if (activity.status === 'running') return;
    const event = backupEventOf(activity, this.options.clock.now(), { ...(reasonOverride ? { reason: reasonOverride } : {}), ...(stoppedBy ? { stoppedBy } : {}), ...(catchUpFollows ? { catchUpFollows } : {}) });
    this.options.events.emit(event);
  }
}

function failed(message: string): EngineRunResult {
  return { status: 'failed', counters: { ...ZERO_COUNTERS, errors: 1 }, log: [{ severity: 'error', message }] };
}

/** Same host and the pid exists (EPERM: it exists, owned by someone else). Other hosts: assume alive. */
export function defaultIsAlive(host: string): (owner: { host: string; pid: number } | null) => boolean {
  return (owner) => {
    if (!owner) return false;
    if (owner.host !== host) return true;
    return pidExists(owner.pid);
  };
}
