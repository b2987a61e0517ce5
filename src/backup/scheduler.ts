import type { BackupSetConfig } from '../config/schema/index.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import { formatTime } from '../domain/time-format.js';
import type { ScheduleStateStore } from '../storage/ports/schedule-state-store.js';
import type { BackupRunner } from './runner.js';
import { PassLoop } from '../platform/pass-loop.js';
import { Schedule } from './schedule.js';
import { formatDuration } from '../config/duration.js';

const DEFAULT_CATCH_UP_MS = 15 * 60_000;

export interface SchedulerOptions {
  sets: Readonly<Record<string, BackupSetConfig>>;
  runner: BackupRunner;
  state: ScheduleStateStore;
  clock: Clock;
  log: Logger;
  /** A run due this recently before the service started is still run, not recorded missed. */
  catchUpWindowMs?: number;
  /** A persisted due time further in the future than this is a clock that was wrong: start afresh. */
  maxClockBackMs?: number;
  /** The service loop looks at the clock at least this often (a clock that jumps is noticed). */
  pollMs?: number;
  /** `admin.timezone`: times in the reasons recorded (they become alert texts) read like the alert's own. */
  timezone?: string | undefined;
  /** Told of every failure the loop survives (the service turns a database error into a fault). */
  onError?: (error: unknown) => void;
}

interface Entry {
  set: string;
  /** A backup, or the set's retention on its `prune:` schedule. */
  kind: 'backup' | 'prune';
  /** Key of the persisted state: the set's name, `<set>:prune` for its prune schedule. */
  key: string;
  schedule: Schedule;
  /** The last due time handled (run, skipped or missed). Persisted before a run starts. */
  lastDueAt: number;
  /** What the store holds: claims move it from this value (ScheduleStateStore.advance). */
  savedDueAt: number;
}

/**
 * Runs each scheduled set when its cron expression says, from persisted state:
 * - every due time is handled once: run, `skipped` (previous run of the set still going) or
 *   `missed` (it passed while the service was down or asleep) — never run twice, even when the
 *   clock moves backwards;
 * - never two runs of one set at once;
 * - nothing escapes: a failing store or runner is logged, the loop goes on.
 * `tick()` does one pass at the clock's current time; `start()` loops it on a timer.
 */
export class Scheduler {
  private readonly entries: Entry[] = [];
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void>; kind: Entry['kind'] }>();
  private readonly loop: PassLoop;
  private stopping = false;
  /** stop() (not drain()) was called: the runs it stops are `interrupted`, retried at the next start. */
  private stoppedForService = false;
  private started = false;
  private ticking: Promise<void> | undefined;
  /** When the last pass ended (the service's watchdog reads it: a hung pass stops the pings). */
  lastPassAt: number | undefined;

  constructor(private readonly options: SchedulerOptions) {
    this.loop = new PassLoop({
      clock: options.clock,
      pollMs: options.pollMs ?? 30_000,
      dueTimes: () => this.entries.map((e) => e.schedule.next(Math.max(e.lastDueAt, 0))),
      pass: () => this.tick(),
      onError: (error) => {
        this.options.log.error('scheduler: a pass failed', { error: (error as Error).message });
        this.options.onError?.(error);
      },
    });
    for (const [set, config] of Object.entries(options.sets)) {
      const prune = config.engine === 'command' ? undefined : config.prune;
      for (const [kind, expression] of [['backup', config.schedule], ['prune', prune]] as const) {
        if (!expression) continue;
        try {
          const key = kind === 'prune' ? `${set}:prune` : set;
          this.entries.push({ set, kind, key, schedule: new Schedule(expression, config.timezone), lastDueAt: Number.NaN, savedDueAt: Number.NaN });
        } catch (error) {
          // Config loading rejects bad expressions; this guards a config that bypassed it.
          options.log.error(`set ${set}: ${kind === 'prune' ? 'prune ' : ''}schedule "${expression}" does not parse; it is not scheduled`, { error: (error as Error).message });
        }
      }
    }
  }

  /** The scheduled sets and when each is next due. */
  upcoming(): Array<{ set: string; schedule: string; nextAt: number | undefined }> {
    return this.entries.map((e) => ({ set: e.kind === 'prune' ? `${e.set} (prune)` : e.set, schedule: e.schedule.key, nextAt: e.schedule.next(Number.isNaN(e.lastDueAt) ? this.options.clock.now() : e.lastDueAt) }));
  }

  /**
   * Loads persisted state, ends runs a dead process left `running` as incomplete, and handles
   * due times that passed while the service was down: the newest is run if it is within the
   * catch-up window, the rest are recorded `missed` (one activity per set, counting them).
   * A run the last service stop interrupted is then retried (see resumeInterrupted).
   */
  async recover(): Promise<void> {
    await this.guard('recovering abandoned runs', () => this.options.runner.abandonDeadRuns());
    const now = this.options.clock.now();
    for (const entry of this.entries) {
      const catchingUp = await this.guard(`recovering schedule state of ${entry.set}`, () => this.recoverEntry(entry, now));
      if (entry.kind === 'backup') await this.guard(`recovering the interrupted run of ${entry.set}`, () => this.resumeInterrupted(entry.set, now, catchingUp === true));
    }
    await this.tick();
  }

  /** recover() for one schedule; true when the newest due time is caught up (tick() starts it). */
  private async recoverEntry(entry: Entry, now: number): Promise<boolean> {
    const saved = await this.options.state.get(entry.key);
    if (!saved || saved.schedule !== entry.schedule.key) {
      // New set or changed schedule: due times before now were never promised.
      await this.startAfresh(entry, now);
      return false;
    }
    entry.lastDueAt = entry.savedDueAt = saved.lastDueAt;
    if (saved.lastDueAt > now) return false; // the clock is behind; tick() decides
    const { times, more } = entry.schedule.between(saved.lastDueAt, now);
    if (times.length === 0) return false;
    const newest = times[times.length - 1]!;
    const catchUp = now - newest <= (this.options.catchUpWindowMs ?? DEFAULT_CATCH_UP_MS);
    const missed = times.length + more - (catchUp ? 1 : 0);
    if (missed > 0) {
      const last = catchUp ? times[times.length - 2]! : newest;
      // The watchdog may have claimed them first: then it recorded them.
      if (!(await this.claim(entry, last))) return false;
      // A prune that did not happen is not news: the next one applies the same policy.
      if (entry.kind === 'backup') await this.recordMissed(entry, missed, times[0]!, last, 'the service was not running', catchUp);
    }
    if (catchUp) entry.lastDueAt = newest - 1; // tick() below starts it
    return catchUp;
  }

  /**
   * A clean stop (systemctl stop or restart, a reboot) interrupts the runs in progress: they are
   * recorded `interrupted`, which is not alerted. At the next start such a run is retried for its
   * own due time when the service is back within the catch-up window, so a restart pages nobody;
   * when it comes back later, it is reported once as `missed`. A newer due time caught up now
   * supersedes it. Handled once: afterwards the set's latest run is no longer the interrupted one.
   */
  private async resumeInterrupted(set: string, now: number, catchingUp: boolean): Promise<void> {
    const last = await this.options.runner.lastBackup(set);
    if (last?.status !== 'interrupted') return;
    const stoppedAt = last.endedAt ?? last.startedAt;
    const dueAt = last.scheduledFor ?? last.startedAt;
    if (catchingUp) {
      this.options.log.info(`set ${set}: the run interrupted by the last stop is superseded by the one due now`);
      return;
    }
    const window = this.options.catchUpWindowMs ?? DEFAULT_CATCH_UP_MS;
    if (now - stoppedAt <= window) {
      this.options.log.info(`set ${set}: retrying the run due at ${this.at(dueAt)}, interrupted by the service stop at ${this.at(stoppedAt)}`);
      this.launch(set, dueAt);
      return;
    }
    await this.options.runner.recordNotRun(
      set,
      'missed',
      `the run due at ${this.at(dueAt)} was interrupted by the service stop at ${this.at(stoppedAt)} and not retried: the service came back at ${this.at(now)}, more than ${formatDuration(window)} later`,
      dueAt,
    );
  }

  /** One pass: starts every set whose due time has come (without waiting for the runs). */
  tick(): Promise<void> {
    // Passes never overlap: a slow store write must not let one due time be handled twice.
    const run = (this.ticking ?? Promise.resolve()).then(() => this.pass());
    this.ticking = run;
    return run;
  }

  private async pass(): Promise<void> {
    if (this.stopping) return;
    const now = this.options.clock.now();
    for (const entry of this.entries) {
      if (Number.isNaN(entry.lastDueAt)) continue; // recover() has not run
      await this.guard(`scheduling ${entry.set}`, () => this.handleDue(entry, now));
    }
    this.lastPassAt = this.options.clock.now();
  }

  private async handleDue(entry: Entry, now: number): Promise<void> {
    if (now < entry.lastDueAt) {
      const behind = entry.lastDueAt - now;
      if (behind <= (this.options.maxClockBackMs ?? 24 * 3_600_000)) return; // wait: that due time was handled
      this.options.log.warn(`set ${entry.set}: the clock is ${Math.round(behind / 60_000)} min behind the last due time handled; starting its schedule afresh from now`);
      await this.startAfresh(entry, now);
      return;
    }
    // Twice at most: when the watchdog claimed a missed window first (a clock jump seen by both),
    // it has recorded it; the second look, from where it left off, only runs the newest due time.
    for (let attempt = 0; attempt < 2; attempt++) {
      const { times, more } = entry.schedule.between(entry.lastDueAt, now);
      if (times.length === 0) return;
      const due = times[times.length - 1]!;
      // Claimed before anything is recorded or run, so no due time is handled twice.
      if (!(await this.claim(entry, due))) continue;
      // Due times the loop slept through (suspend, a clock jumping forwards) are missed, not run.
      if (times.length + more > 1 && entry.kind === 'backup') await this.recordMissed(entry, times.length + more - 1, times[0]!, times[times.length - 2]!, 'the service was not able to run it in time (system asleep or clock jumped)');
      this.launch(entry.set, due, entry.kind);
      return;
    }
  }

  /**
   * Takes the due times up to `to` for this process (a durable compare-and-set on the persisted
   * state). When another detector moved the state first, reloads it and answers false: the next
   * pass goes on from where that one left off.
   */
  private async claim(entry: Entry, to: number): Promise<boolean> {
    const { state } = this.options;
    if (await state.advance(entry.key, entry.schedule.key, entry.savedDueAt, to)) {
      entry.lastDueAt = entry.savedDueAt = to;
      return true;
    }
    const saved = await state.get(entry.key);
    if (!saved || saved.schedule !== entry.schedule.key) await this.startAfresh(entry, this.options.clock.now());
    else entry.lastDueAt = entry.savedDueAt = saved.lastDueAt;
    return false;
  }

  private async startAfresh(entry: Entry, now: number): Promise<void> {
    await this.options.state.put({ set: entry.key, schedule: entry.schedule.key, lastDueAt: now });
    entry.lastDueAt = entry.savedDueAt = now;
  }

  private launch(set: string, scheduledFor: number, kind: Entry['kind'] = 'backup'): void {
    const current = this.active.get(set);
    // A prune and a backup of one set never overlap: the later one waits for the other.
    if (current && (kind === 'prune' || current.kind === 'prune')) return this.chain(set, scheduledFor, kind, current);
    if (current) {
      void this.guard(`recording skipped run of ${set}`, () =>
        this.options.runner.busyWith(set).then((busy) =>
          this.options.runner.recordNotRun(
            set,
            'skipped',
            busy ? `the previous run (activity ${busy.id}, started ${this.at(busy.startedAt)}) was still running` : 'the previous run was still running',
            scheduledFor,
          ),
        ),
      );
      return;
    }
    this.chain(set, scheduledFor, kind, undefined);
  }

  /** Starts a backup or prune of `set`, after `before` (the set's current one) when given. */
  private chain(set: string, scheduledFor: number, kind: Entry['kind'], before: { controller: AbortController; done: Promise<void> } | undefined): void {
    const controller = new AbortController();
    if (before) controller.signal.addEventListener('abort', () => before.controller.abort(controller.signal.reason), { once: true });
    const start = () =>
      kind === 'prune'
        ? this.guard(`pruning ${set}`, () => this.options.runner.prune(set, { trigger: 'schedule', scheduledFor, signal: controller.signal }))
        : this.guard(`running ${set}`, () => this.options.runner.run(set, { trigger: 'schedule', scheduledFor, signal: controller.signal, stoppedByService: () => this.stoppedForService }));
    const done: Promise<void> = (before ? before.done.then(() => (controller.signal.aborted ? undefined : start())) : start())
      .then(() => undefined)
      .finally(() => {
        if (this.active.get(set)?.done === done) this.active.delete(set);
      });
    this.active.set(set, { controller, done, kind });
  }

  /** `catchUpFollows`: the newest due time is run right after (its alert may then wait for it). */
  private async recordMissed(entry: Entry, count: number, first: number, last: number, why: string, catchUpFollows = false): Promise<void> {
    const when = count === 1 ? `due at ${this.at(last)}` : `${count} runs due between ${this.at(first)} and ${this.at(last)}`;
    await this.options.runner.recordNotRun(entry.set, 'missed', `${when} did not run: ${why}`, last, 'schedule', { catchUpFollows });
  }

  /** Runs recover(), then passes on a timer until stop(). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.loop.start(() => this.recover());
  }

  /** Runs in progress, by set. */
  runningSets(): string[] {
    return [...this.active.keys()];
  }

  /** Waits for the runs in progress to end (tests, shutdown). */
  async idle(): Promise<void> {
    await this.ticking;
    while (this.active.size) await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  /** Stops scheduling; backups in progress run to their end (a configuration reload). stop() still aborts them. */
  async drain(): Promise<void> {
    this.stopping = true;
    this.loop.stop();
    await this.idle();
  }

  /** Stops scheduling and stops running backups (they end `interrupted`), waiting for them to be recorded. */
  async stop(reason = 'the service is stopping'): Promise<void> {
    this.stopping = true;
    this.stoppedForService = true;
    this.loop.stop();
    await this.ticking;
    for (const { controller } of this.active.values()) controller.abort(reason);
    await this.idle();
  }

  private at(ms: number): string {
    return formatTime(ms, this.options.timezone);
  }

  private async guard<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.options.log.error(`scheduler: ${what} failed`, { error: (error as Error).message });
      this.options.onError?.(error);
      return undefined;
    }
  }
}

