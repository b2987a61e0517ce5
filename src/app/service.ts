import type { AppContext } from './context.js';
import { Scheduler } from '../backup/scheduler.js';
import { BACKUP_EVENT_KINDS } from '../domain/events.js';
import { watchMtaQueues } from './mta-queue-loop.js';
import { describeExpiry, expiringCredentials } from '../config/credential-expiry.js';
import { buildAdmin } from './admin-wiring.js';
import { describeStoreFault } from './store-fault.js';
import { LOOP_MAX_SLEEP_MS } from '../outbox/dispatcher.js';
import type { ServiceWatchdog, WatchedLoop } from './service-watchdog.js';
import { ServiceHeartbeat } from './service-heartbeat.js';
import { TransportDirectSender } from './direct-sender.js';
import { messageIdDomain } from './context.js';
import { buildFleet } from './fleet-wiring.js';
import { onStopSignal } from '../platform/on-stop-signal.js';

// The scheduler looks at least every 30 s; a pass only claims and launches (runs are not awaited).
const SCHEDULER_MAX_SILENCE_MS = 2 * 60_000;
// The database is read on every look of the watchdog; a few failed looks in a row are a stall.
const DATABASE_MAX_SILENCE_MS = 90_000;

export interface ServiceHandle {
  /** Resolves when the service has stopped (after a signal or stop()). */
  stopped: Promise<void>;
  /**
   * Stops everything and closes the app. `abort` (SIGTERM) stops running backups — they are
   * recorded incomplete; `drain` (a reload) starts nothing new and lets them finish first. An
   * abort during a drain stops the backups at once. Idempotent.
   */
  stop(mode?: 'abort' | 'drain'): Promise<void>;
  /** Backups in progress, by set. */
  runningSets(): string[];
  /** Another process enqueued messages: deliver now, and flush storm windows that ended. */
  wake(): void;
}

/**
 * `vigil start`: the dispatcher runs continuously (and, as they land, the scheduler and Admin
 * processes). SIGTERM/SIGINT stop it gracefully: in-flight attempts finish or are released.
 */
export function runService(app: AppContext, options: { graceMs?: number; handleSignals?: boolean; watchdog?: ServiceWatchdog } = {}): ServiceHandle {
  app.dispatcher.start();
  // Backup sets on their schedules. Stopping aborts running backups: they are recorded incomplete.
  const scheduler = new Scheduler({
    sets: app.loaded.config.sets,
    runner: app.runner,
    state: app.store.schedules,
    clock: app.clock,
    log: app.log,
    timezone: app.loaded.config.admin.timezone,
    // A database that cannot be written is a fault alerted around it (throttled by FaultNotifier),
    // not only a log line every poll.
    onError: (error) => {
      const fault = describeStoreFault(app.loaded.config.dataDir, error);
      if (fault) app.events.emit({ kind: 'service.fault', ...fault, set: null, at: app.clock.now() });
    },
  });
  // Not alerted, so not among the notifier's kinds, but the service's log tells them.
  app.events.on('backup.interrupted', (e) => app.log.warn(`backup ${e.set}: interrupted by the service stop (activity ${e.activityId}); retried at the next start`));
  for (const kind of BACKUP_EVENT_KINDS) {
    app.events.on(kind, (e) => {
      const line = `backup ${e.set}: ${e.status} (activity ${e.activityId})${e.firstError ? `: ${e.firstError}` : ''}`;
      if (e.status === 'completed') app.log.info(line);
      else if (e.status === 'completed-with-warnings' || e.status === 'skipped') app.log.warn(line);
      else app.log.error(line);
    });
  }
  scheduler.start();
  // Daily/Weekly Admin processes and the missed-backup watchdog; they only read, never wait for backups.
  const admin = buildAdmin(app);
  admin.start();
  // This host heartbeated for the fleet; the leader among the hosts watches the others' silence.
  const fleet = buildFleet(app, admin.fleet);
  fleet.start();
  for (const next of scheduler.upcoming()) app.log.info(`set ${next.set}: schedule ${next.schedule}`);
  app.events.on('delivery.paused', (e) => {
    app.log.warn(`delivery paused for profile ${e.profile} until ${new Date(e.until).toISOString()}: ${e.reason}`);
  });
  // Escalation of undelivered critical mail, storm windows, notifications lost to a crash.
  app.notifications.start();
  const queueWatch = watchMtaQueues(app);
  const loops = watchedLoops(app, scheduler);
  const retireLoops = options.watchdog?.watch(loops) ?? (() => undefined);
  // The outside's view: the same loops, plus the database taking writes and critical mail
  // leaving — told to a heartbeat checker every `heartbeat.every` (docs/heartbeats.md).
  const heartbeat = startHeartbeat(app, loops);
  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const abortBackups = () => {
    const running = scheduler.runningSets();
    if (running.length) app.log.info(`stopping: stopping running backups (${running.join(', ')}); they are recorded interrupted and retried at the next start`);
    return scheduler.stop('the service was stopped (SIGTERM) while the backup was running');
  };
  let draining = false;
  const stop = (mode: 'abort' | 'drain' = 'abort') => {
    // Stopping or draining for a reload, the loops wind down on purpose: the process stays alive.
    retireLoops();
    heartbeat?.stop();
    if (stopping && draining && mode === 'abort') {
      draining = false;
      void abortBackups();
    }
    stopping ??= (async () => {
      if (mode === 'drain') {
        draining = true;
        const running = scheduler.runningSets();
        if (running.length) app.log.info(`waiting for running backups (${running.join(', ')}) to finish; no new backup starts meanwhile`);
        await scheduler.drain();
      } else {
        await abortBackups();
      }
      await admin.stop();
      await fleet.stop();
      queueWatch.stop();
      app.notifications.stop();
      app.log.info('stopping: finishing deliveries in flight');
      await app.dispatcher.stop(options.graceMs ?? 10_000);
      await app.close();
      app.log.info('stopped');
      resolveStopped();
    })();
    return stopping;
  };
  if (options.handleSignals !== false) {
    const stopListening = onStopSignal((signal) => {
      app.log.info(`received ${signal}`);
      void stop();
    });
    void stopped.then(stopListening);
  }
  // A client secret about to expire would silence every alert on the day it does: say so now.
  for (const c of expiringCredentials(app.loaded.config, app.clock.now())) app.log.warn(describeExpiry(c));
  app.log.info(`vigil started (config ${app.loaded.file}, data ${app.loaded.config.dataDir}, pid ${process.pid})`);
  const wake = () => {
    if (stopping) return;
    app.log.info('woken by another vigil process: delivering what it enqueued');
    app.dispatcher.wake();
    void app.notifications.tick();
  };
  return { stopped, stop, runningSets: () => scheduler.runningSets(), wake };
}

function startHeartbeat(app: AppContext, loops: ReturnType<typeof watchedLoops>): ServiceHeartbeat | undefined {
  const config = app.loaded.config;
  if (!config.heartbeat) return undefined;
  const heartbeat = new ServiceHeartbeat({
    heartbeat: config.heartbeat,
    loops,
    outbox: app.outbox,
    messages: app.store.outbox,
    direct: new TransportDirectSender(app.transports, messageIdDomain(app.hostname), app.clock, app.transports.channels, app.transports.pings),
    escalateAfterMs: config.notification.escalateAfter,
    clock: app.clock,
    log: app.log,
    host: app.hostname,
  });
  heartbeat.start();
  return heartbeat;
}

/** The loops whose progress tells systemd's watchdog (and the heartbeat) that this service still works. */
function watchedLoops(app: AppContext, scheduler: Scheduler) {
  const slowestAttemptMs = Math.max(0, ...Object.keys(app.loaded.config.profiles).map((p) => app.transports.attemptDeadlineMs(p)));
  return [
    { name: 'scheduler', maxSilenceMs: SCHEDULER_MAX_SILENCE_MS, lastBeatAt: () => scheduler.lastPassAt },
    // Its longest sleep, plus a pass waiting on the slowest attempt, plus slack.
    { name: 'dispatcher', maxSilenceMs: LOOP_MAX_SLEEP_MS + slowestAttemptMs + 60_000, lastBeatAt: () => app.dispatcher.lastProgressAt },
    databaseLoop(app.store),
  ];
}

/**
 * The database as a watched loop: the service's store must answer at every look — a trivial
 * statement through its pool, not a query over the fleet's tables (every few seconds, every host).
 * During a PostgreSQL outage the spool answers: the service is still working.
 */
export function databaseLoop(store: Pick<AppContext['store'], 'ping'>): WatchedLoop {
  return { name: 'database', maxSilenceMs: DATABASE_MAX_SILENCE_MS, lastBeatAt: () => undefined, probe: () => store.ping() };
}
