import type { VigilConfig } from '../config/schema/index.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { AdminOutcome, AdminProcess, RenderedAny, RenderedSummary } from './admin-process.js';
import { AdminSchedule } from './period.js';
import { PassLoop } from '../platform/pass-loop.js';

export interface AdminSchedulerOptions<R extends RenderedAny = RenderedSummary> {
  config: VigilConfig;
  process: Pick<AdminProcess<R>, 'run' | 'checkVaults'>;
  /**
   * What runs at the due times (default both). In a fleet the leader's scheduler sends the
   * summaries and every host's own runs its weekly vault checks (docs/fleet.md).
   */
  runs?: 'summaries-and-checks' | 'summaries' | 'vault-checks';
  clock: Clock;
  log: Logger;
  /** The service loop looks at the clock at least this often (a clock that jumps is noticed). */
  pollMs?: number;
}

/**
 * Runs the Daily and Weekly Admin processes at `admin.daily` / `admin.weekly` in the Admin
 * timezone, from persisted state: the period key claimed in the store is what decides whether a
 * period was done, so a restart, a second service or a clock moved backwards never sends a
 * summary twice. At start, a period whose time passed while the service was down is run once if
 * that was within `admin.catchUpWindow`. Summaries run one at a time, independently of backups.
 *
 * The weekly vault checks run after the weekly summary, on a queue of their own: a `restic check`
 * can take hours, and a daily summary queued behind it would arrive hours late. A failed period
 * is tried again at the time the process planned (and stored), within the catch-up window.
 */
export class AdminScheduler<R extends RenderedAny = RenderedSummary> {
  readonly schedules: AdminSchedule[] = [];
  /** The newest due time handled per schedule (in memory; the store's keys are the real guard). */
  private readonly handled = new Map<AdminSchedule, number>();
  private readonly controller = new AbortController();
  private readonly loop: PassLoop;
  /** Summaries, one at a time. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Vault checks, one weekly batch at a time, never ahead of a summary. */
  private checks: Promise<unknown> = Promise.resolve();
  /** The failed period of each schedule that is to be tried again, and when. */
  private readonly retries = new Map<AdminSchedule, { due: number; at: number }>();

  constructor(private readonly options: AdminSchedulerOptions<R>) {
    const { admin } = options.config;
    if (admin.daily && options.runs !== 'vault-checks') this.schedules.push(new AdminSchedule('daily', admin.daily, admin.timezone));
    if (admin.weekly) this.schedules.push(new AdminSchedule('weekly', admin.weekly, admin.timezone));
    this.loop = new PassLoop({
      clock: options.clock,
      pollMs: options.pollMs ?? 60_000,
      dueTimes: (now) => [...this.schedules.map((s) => s.next(now)), ...[...this.retries.values()].map((r) => r.at)],
      pass: async () => {
        await this.tick();
      },
      onError: (error) => this.options.log.error('Admin scheduler: pass failed', { error: (error as Error).message }),
    });
  }

  /** At start: the latest due time of each schedule is run if it is within the catch-up window (and not done yet). */
  async recover(): Promise<AdminOutcome<R>[]> {
    const now = this.options.clock.now();
    const window = this.options.config.admin.catchUpWindow;
    const outcomes: AdminOutcome<R>[] = [];
    for (const schedule of this.schedules) {
      const due = schedule.latestAtOrBefore(now);
      this.handled.set(schedule, due ?? now);
      if (due === undefined) continue;
      if (now - due > window) {
        this.options.log.info(`${schedule.kind} Admin due ${new Date(due).toISOString()} is older than admin.catchUpWindow; the next one is at ${isoOr(schedule.next(now))}`);
        continue;
      }
      outcomes.push(await this.enqueueRun(schedule, due, 'service'));
    }
    return outcomes;
  }

  /** One pass: runs each schedule whose next due time has come. */
  async tick(): Promise<AdminOutcome<R>[]> {
    const now = this.options.clock.now();
    const outcomes: AdminOutcome<R>[] = [];
    for (const schedule of this.schedules) {
      const due = schedule.latestAtOrBefore(now);
      const last = this.handled.get(schedule);
      if (due === undefined || last === undefined || due <= last) {
        const retry = this.retries.get(schedule);
        if (retry && retry.at <= now) {
          this.retries.delete(schedule);
          if (now - retry.due <= this.options.config.admin.catchUpWindow) outcomes.push(await this.enqueueRun(schedule, retry.due, 'schedule'));
        }
        continue;
      }
      this.handled.set(schedule, due);
      // A newer period is due: its summary covers from the failed one's end; that one is left.
      this.retries.delete(schedule);
      if (now - due > this.options.config.admin.catchUpWindow) {
        // Slept through it (suspend, a clock jumping forwards): too late to call it that period's summary.
        this.options.log.warn(`${schedule.kind} Admin due ${new Date(due).toISOString()} was not run in time (system asleep or clock jumped); skipped`);
        continue;
      }
      outcomes.push(await this.enqueueRun(schedule, due, 'schedule'));
    }
    return outcomes;
  }

  private enqueueRun(schedule: AdminSchedule, due: number, trigger: 'schedule' | 'service'): Promise<AdminOutcome<R>> {
    if (this.options.runs === 'vault-checks') {
      // No summary here (the fleet's leader sends it): this host's vaults are checked at its weekly time.
      if (trigger === 'schedule') this.startVaultChecks();
      return Promise.resolve({ result: 'already-done', key: schedule.periodEndingAt(due).key });
    }
    const run = this.chain.then(async () => {
      const outcome = await this.options.process.run(schedule.periodEndingAt(due), trigger);
      const retryAt = outcome.result === 'retry-pending' || outcome.result === 'failed' ? outcome.retryAt : null;
      if (retryAt !== null) this.retries.set(schedule, { due, at: retryAt });
      // Once per weekly period: after its summary went out, or after it was given up.
      if (schedule.kind === 'weekly' && this.options.runs !== 'summaries' && (outcome.result === 'sent' || (outcome.result === 'failed' && retryAt === null))) this.startVaultChecks();
      return outcome;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Queues the vault checks behind earlier ones, not behind (nor ahead of) any summary. */
  private startVaultChecks(): void {
    if (this.controller.signal.aborted) return;
    this.checks = this.checks.then(() => this.options.process.checkVaults(this.controller.signal)).catch((error: unknown) => this.options.log.error('Admin scheduler: vault checks failed', { error: (error as Error).message }));
  }

  /** Runs recover(), then passes on a timer until stop(). Nothing escapes: failures are the process's to report. */
  start(): void {
    if (this.schedules.length === 0) return;
    for (const s of this.schedules) this.options.log.info(`${s.kind} Admin at ${s.when}${s.timezone ? ` (${s.timezone})` : ''}; next ${isoOr(s.next(this.options.clock.now()))}`);
    this.loop.start(async () => {
      await this.recover();
    });
  }

  /** Stops the timer; running vault checks are told to stop; the running summary and checks are awaited. */
  async stop(): Promise<void> {
    this.loop.stop();
    this.controller.abort('the service is stopping');
    await Promise.all([this.chain, this.checks]);
  }
}

function isoOr(ms: number | undefined): string {
  return ms === undefined ? 'never' : new Date(ms).toISOString();
}
