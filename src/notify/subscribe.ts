import path from 'node:path';
import type { VigilConfig } from '../config/schema/index.js';
import type { Clock } from '../domain/clock.js';
import type { Activity } from '../domain/activity.js';
import { BACKUP_EVENT_KINDS, backupEventOf, type BackupEvent, type EventBusPort } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import type { SystemLog } from '../domain/system-log.js';
import type { Outbox } from '../outbox/outbox.js';
import type { ClaimOwner } from '../storage/ports/notify-state-store.js';
import type { Store } from '../storage/ports/store.js';
import { BackupNotifier } from './backup-notifier.js';
import { Escalator } from './escalation.js';
import { faultOfRun, faultOfStoreError } from './fault-detect.js';
import { FaultNotifier, type DirectSender } from './faults.js';
import { PrefacingOutbox } from './preface.js';
import { StormControl } from './storm.js';
import { AnomalyCheck } from './anomaly-check.js';
import { TemplateFiles } from './template-files.js';
import { ChannelPauseNotifier } from './channel-paused.js';
import { AlertGate } from './alert-gate.js';

export interface NotificationDeps {
  events: EventBusPort;
  config: VigilConfig;
  outbox: Outbox;
  store: Store;
  log: Logger;
  host: string;
  baseDir: string;
  clock: Clock;
  systemLog: SystemLog;
  /** Sends a fault alert around the Outbox when its database cannot be written. */
  direct?: DirectSender;
  /** This process, as it claims the runs it notifies; and whether another claimer still runs. */
  owner: ClaimOwner;
  isAlive: (owner: ClaimOwner) => boolean;
}

// Overdue critical messages are looked for at least this often while the service runs.
const MAX_CHECK_EVERY_MS = 60_000;
// Runs that ended longer ago than this are not notified after a restart (the Daily Admin has them).
const RECOVER_HORIZON_MS = 24 * 3_600_000;
// A run that ended this recently is left to the process that ran it. Only a courtesy: which
// process notifies a run is decided by the ledger's claim, so a slower one is not duplicated.
const RECOVER_AFTER_MS = 5_000;
// Delivery events trigger an overdue check, but not more than once per this.
const EVENT_CHECK_GAP_MS = 1_000;

/**
 * Notification as the rest of Vigil sees it: the per-set notifier, escalation, and the timers
 * the service runs. Commands that only enqueue (vigil run) never call start().
 */
export class Notifications {
  readonly templates: TemplateFiles;
  readonly backup: BackupNotifier;
  readonly escalator: Escalator;
  readonly storm: StormControl;
  readonly faults: FaultNotifier;
  readonly channelPauses: ChannelPauseNotifier;
  readonly anomalies: AnomalyCheck;
  readonly gate: AlertGate;
  private timer: NodeJS.Timeout | undefined;
  private lastEventCheck = -Infinity;

  constructor(private readonly deps: NotificationDeps) {
    const overrides = deps.config.notification.templates;
    this.templates = new TemplateFiles(overrides === undefined ? undefined : path.resolve(deps.baseDir, overrides));
    this.gate = new AlertGate({ pauses: deps.store.alertPauses, clock: deps.clock, log: deps.log });
    const prefacing = new PrefacingOutbox(deps.outbox, deps.store.escalations, deps.store.outbox, deps.clock, deps.config.admin.timezone);
    this.storm = new StormControl({
      config: deps.config,
      store: deps.store.storm,
      streaks: deps.store.notifyState,
      outbox: prefacing,
      messages: deps.store.outbox,
      templates: this.templates,
      clock: deps.clock,
      log: deps.log,
      host: deps.host,
      onFailed: (window, error) => this.reportNotQueued(`the storm group of ${[window.first, ...window.held].map((f) => f.set).join(', ')}`, null, error),
    });
    this.backup = new BackupNotifier({
      config: deps.config,
      outbox: prefacing,
      state: deps.store.notifyState,
      activity: deps.store.activity,
      templates: this.templates,
      log: deps.log,
      host: deps.host,
      clock: deps.clock,
      messages: deps.store.outbox,
      storm: this.storm,
      gate: this.gate,
      owner: deps.owner,
      isAlive: deps.isAlive,
    });
    this.faults = new FaultNotifier({
      config: deps.config,
      outbox: prefacing,
      ...(deps.direct ? { direct: deps.direct } : {}),
      systemLog: deps.systemLog,
      templates: this.templates,
      clock: deps.clock,
      log: deps.log,
      host: deps.host,
    });
    this.channelPauses = new ChannelPauseNotifier({ config: deps.config, outbox: deps.outbox, clock: deps.clock, log: deps.log, host: deps.host });
    this.anomalies = new AnomalyCheck({ config: deps.config, summary: deps.store.summary, events: deps.events });
    this.escalator = new Escalator({
      config: deps.config,
      messages: deps.store.outbox,
      profiles: deps.store.profiles,
      escalations: deps.store.escalations,
      localQueue: deps.store.handOffs,
      outbox: deps.outbox,
      systemLog: deps.systemLog,
      templates: this.templates,
      clock: deps.clock,
      log: deps.log,
      host: deps.host,
    });
  }

  subscribe(): this {
    const { events } = this.deps;
    for (const kind of BACKUP_EVENT_KINDS) events.on(kind, (event) => this.onBackup(event as BackupEvent));
    events.on('service.fault', async (e) => {
      // A fault about a paused set (its anomaly, its vault check) is held like its backup alerts.
      if (await this.gate.suppress(e.set, `service fault ${e.fault}: ${e.detail}`.slice(0, 300))) return;
      await this.faults.handle(e);
    });
    events.on('delivery.failed', async (e) => {
      await this.escalator.onFailed(e.messageId, e.outcome.detail);
    });
    events.on('delivery.paused', async (e) => {
      await this.escalator.onPaused(e.profile, e.reason);
    });
    events.on('delivery.paused', async (e) => {
      await this.channelPauses.onPaused(e.profile, e.reason, e.until);
    });
    for (const kind of ['delivery.sent', 'delivery.failed', 'delivery.expired'] as const) events.on(kind, () => this.checkSoon());
    return this;
  }

  /** Service start: the periodic checks (escalation, storm windows), and one at once. */
  start(): void {
    const n = this.deps.config.notification;
    const every = Math.max(1_000, Math.min(MAX_CHECK_EVERY_MS, Math.floor(n.escalateAfter / 4), n.stormWindow || Infinity));
    this.timer ??= setInterval(() => void this.tick(), every);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    this.storm.stop();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Finished runs whose notification a crash lost (the event was never handled, or handled
   * half-way), oldest first. Runs that ended moments ago are left to the process that ran them;
   * runs another live process has claimed are skipped (it is notifying them). Returns how many
   * this call notified.
   */
  async recover(): Promise<number> {
    const { store, clock } = this.deps;
    const now = clock.now();
    let handled = 0;
    for (const pending of await store.notifyState.unnotified(now - RECOVER_HORIZON_MS)) {
      // Each run on its own: one that cannot be notified is reported (and tried again at the
      // next pass), and never keeps the runs after it unnotified.
      try {
        const activity = await store.activity.get(pending.activityId);
        if (!activity || activity.status === 'running' || !activity.set || (activity.endedAt ?? 0) > now - RECOVER_AFTER_MS) continue;
        if (await this.waitsForCatchUp(activity, now)) continue;
        if (!(await this.backup.handle(backupEventOf(activity, activity.endedAt ?? now), { keys: pending.dedupeKeys }))) continue;
        this.deps.log.info(`notified backup ${activity.set} ${activity.status} (activity ${activity.id}) after a restart`);
        handled++;
      } catch (error) {
        this.reportNotQueued(`activity ${pending.activityId}`, null, error);
      }
    }
    return handled;
  }

  /**
   * A `missed` run whose alert waits for the set's catch-up run (BackupNotifier): while that run
   * is going and the storm window has not passed. After, this recovery alerts it on its own.
   */
  private async waitsForCatchUp(activity: Activity, now: number): Promise<boolean> {
    const window = this.deps.config.notification.stormWindow;
    if (activity.status !== 'missed' || window <= 0 || now - (activity.endedAt ?? 0) >= window) return false;
    return (await this.deps.store.activity.running(activity.set!)).some((run) => run.id > activity.id);
  }

  /** One round of the periodic work; background errors are logged, never thrown. */
  async tick(): Promise<void> {
    await this.recover().catch((error: unknown) => this.deps.log.error('notification recovery failed', { error: (error as Error).message }));
    // Windows that ended — also those held by a process that crashed or exited (vigil run).
    await this.storm.flushDue().catch((error: unknown) => this.deps.log.error('storm flush failed', { error: (error as Error).message }));
    await this.escalator.checkOverdue().catch((error: unknown) => this.deps.log.error('escalation check failed', { error: (error as Error).message }));
  }

  private async onBackup(event: BackupEvent): Promise<void> {
    const { events, clock } = this.deps;
    const fault = faultOfRun(event);
    if (fault) events.emit({ kind: 'service.fault', fault, detail: `${event.set}: ${event.firstError ?? ''}`.slice(0, 500), set: event.set, at: clock.now() });
    await this.anomalies.check(event).catch((error: unknown) => this.deps.log.error(`anomaly check of ${event.set} failed`, { error: (error as Error).message }));
    try {
      await this.backup.handle(event);
    } catch (error) {
      this.reportNotQueued(`backup ${event.set} ${event.status} (activity ${event.activityId})`, event.set, error);
    }
  }

  /**
   * An alert that could not be queued is itself a service fault: a database fault when the store
   * said so, else `notification-failed`, whose alert goes around the Outbox (faults.ts). Never
   * only a log line: the point of an alert is that someone is told.
   */
  private reportNotQueued(what: string, set: string | null, error: unknown): void {
    const { events, clock, log } = this.deps;
    const message = (error as Error).message;
    log.error(`could not notify ${what}`, { error: message });
    const storeFault = faultOfStoreError(error);
    const detail = storeFault ? `notification could not use the database: ${message}` : `the alert for ${what} could not be queued: ${message}`;
    events.emit({ kind: 'service.fault', fault: storeFault ?? 'notification-failed', detail: detail.slice(0, 500), set, at: clock.now() });
  }

  private checkSoon(): Promise<void> | undefined {
    const now = this.deps.clock.now();
    if (now - this.lastEventCheck < EVENT_CHECK_GAP_MS && now >= this.lastEventCheck) return undefined;
    this.lastEventCheck = now;
    // Only the overdue check: recovery and storm windows are the service's periodic work, not
    // that of every process that happens to deliver (vigil outbox deliver, mail test).
    return this.escalator.checkOverdue().then(
      () => undefined,
      (error: unknown) => this.deps.log.error('escalation check failed', { error: (error as Error).message }),
    );
  }
}

/** Wires notification to the event bus. Returns it (the service starts its timers; tests drive it). */
export function subscribeNotifications(deps: NotificationDeps): Notifications {
  return new Notifications(deps).subscribe();
}
