import { Schedule } from '../backup/schedule.js';
import type { BackupRunner } from '../backup/runner.js';
import type { VigilConfig } from '../config/schema/index.js';
import type { Clock } from '../domain/clock.js';
import { formatTime } from '../domain/time-format.js';
import type { Logger } from '../domain/logger.js';
import type { ScheduleStateStore } from '../storage/ports/schedule-state-store.js';
import type { Store } from '../storage/ports/store.js';

export interface WatchdogDeps {
  config: VigilConfig;
  store: Pick<Store, 'watchdog' | 'summary' | 'schedules'>;
  runner: Pick<BackupRunner, 'recordNotRun' | 'busyWith'>;
  clock: Clock;
  log: Logger;
}

export interface WatchdogReport {
  /** Sets recorded `missed` by this pass. */
  missed: string[];
  /** Outbox messages first seen stuck by this pass. */
  newlyStuck: Array<{ id: string; subject: string; createdAt: number }>;
}

/**
 * The missed-backup watchdog: a backup that silently did not run is learnt of without anyone
 * noticing an absence. For each scheduled set, the reference is the newest run that ended (any
 * status but `skipped`: failures have their own alerts) or when watching began; when the first
 * due time after it plus `admin.grace` × the schedule's interval has passed with no run ending,
 * a `missed` activity is recorded and `backup.missed` emitted by the runner, so the notification
 * rules alert. That record is itself the new reference: while the set stays silent it is
 * recorded again once per grace period, and the notifier's streak turns the repeats into
 * reminders (notification.remindEvery) and sends a recovery notice when a run completes.
 * It also reports Outbox messages pending longer than mail.stuckAfter, once each.
 */
export class MissedWatchdog {
  private readonly reportedStuck = new Set<string>();

  constructor(private readonly deps: WatchdogDeps) {}

  async check(): Promise<WatchdogReport> {
    const report: WatchdogReport = { missed: [], newlyStuck: [] };
    const now = this.deps.clock.now();
    for (const [name, set] of Object.entries(this.deps.config.sets)) {
      if (!set.schedule) continue;
      try {
        if (await this.checkSet(name, new Schedule(set.schedule, set.timezone), now)) report.missed.push(name);
      } catch (error) {
        this.deps.log.error(`watchdog: checking ${name} failed`, { error: (error as Error).message });
      }
    }
    const stuck = await this.deps.store.summary.stuckMessages(now - this.deps.config.mail.stuckAfter, 100);
    for (const m of stuck) {
      if (this.reportedStuck.has(m.id)) continue;
      this.reportedStuck.add(m.id);
      report.newlyStuck.push(m);
      this.deps.log.warn(`message ${m.id} ("${m.subject}") has not left the Outbox since ${new Date(m.createdAt).toISOString()} (${m.state}); see vigil outbox show ${m.id}`);
    }
    // Forget ids no longer stuck, so memory stays bounded by what is stuck now.
    const still = new Set(stuck.map((m) => m.id));
    for (const id of this.reportedStuck) if (!still.has(id)) this.reportedStuck.delete(id);
    return report;
  }

  private async checkSet(name: string, schedule: Schedule, now: number): Promise<boolean> {
    const { store, config } = this.deps;
    const state = await store.watchdog.get(name);
    if (!state || state.schedule !== schedule.key) {
      // A new set or a changed schedule: nothing was promised before now.
      await store.watchdog.put({ set: name, schedule: schedule.key, since: now });
      return false;
    }
    const lastEnded = await store.summary.lastEnded(name);
    const reference = Math.max(state.since, lastEnded ?? Number.NEGATIVE_INFINITY);
    const due = schedule.next(reference);
    const after = due === undefined ? undefined : schedule.next(due);
    if (due === undefined || after === undefined) return false;
    const deadline = due + (after - due) * config.admin.grace;
    if (now <= deadline) return false;
    // A run in progress is the expected run, late; its own timeout ends it if it hangs.
    if (await this.deps.runner.busyWith(name)) return false;
    if (!(await claimFromScheduler(store.schedules, name, schedule, due, now))) return false;
    // One wording whatever the history: the notifier compares failures by their text (digits
    // aside), so a set that stays silent is one streak — reminders, not fresh alerts.
    await this.deps.runner.recordNotRun(
      name,
      'missed',
      `no run of ${name} has ended since it was due at ${this.at(due)}; by ${this.at(deadline)}, ${config.admin.grace} × the schedule's interval later, it counts as missed`,
      due,
      'service',
    );
    return true;
  }

  /** A time as every message shows it (admin.timezone): this text becomes the alert's first error. */
  private at(ms: number): string {
    return formatTime(ms, this.deps.config.admin.timezone);
  }
}

/**
 * One detector per missed window. Where the backup scheduler keeps state for this set, it owns
 * the due times it handled (run, skipped or recorded missed): a due time at or before its last
 * is not the watchdog's to report. Otherwise the scheduler has fallen behind (a clock jump it
 * has not seen yet, a stuck loop, a host that is down) and the watchdog claims the window with the
 * scheduler's own durable compare-and-set — up to the due time before the newest, which the
 * scheduler still runs. Whoever moves the state first records the window; the other sees it moved.
 */
export async function claimFromScheduler(schedules: ScheduleStateStore, name: string, schedule: Schedule, due: number, now: number): Promise<boolean> {
  const state = await schedules.get(name);
  if (!state || state.schedule !== schedule.key) return true; // no scheduler runs this set
  if (state.lastDueAt >= due) return false;
  const { times } = schedule.between(state.lastDueAt, now);
  const through = times.length >= 2 ? times[times.length - 2]! : due;
  return schedules.advance(name, schedule.key, state.lastDueAt, Math.max(through, due));
}
