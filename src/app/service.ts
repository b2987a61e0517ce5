import type { AppContext } from './context.js';
import { Scheduler } from '../backup/scheduler.js';
import { BACKUP_EVENT_KINDS } from '../domain/events.js';

export interface ServiceHandle {
  /** Resolves when the service has stopped (after a signal or stop()). */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

/**
 * `vigil start`: the dispatcher runs continuously (and, as they land, the scheduler and Admin
 * processes). SIGTERM/SIGINT stop it gracefully: in-flight attempts finish or are released.
 */
export function runService(app: AppContext, options: { graceMs?: number; handleSignals?: boolean } = {}): ServiceHandle {
  app.dispatcher.start();
  // Backup sets on their schedules. Stopping aborts running backups: they are recorded incomplete.
  const scheduler = new Scheduler({ sets: app.loaded.config.sets, runner: app.runner, state: app.store.schedules, clock: app.clock, log: app.log });
  for (const kind of BACKUP_EVENT_KINDS) {
    app.events.on(kind, (e) => {
      const line = `backup ${e.set}: ${e.status} (activity ${e.activityId})${e.firstError ? `: ${e.firstError}` : ''}`;
      if (e.status === 'completed') app.log.info(line);
      else if (e.status === 'completed-with-warnings' || e.status === 'skipped') app.log.warn(line);
      else app.log.error(line);
    });
  }
  scheduler.start();
  for (const next of scheduler.upcoming()) app.log.info(`set ${next.set}: schedule ${next.schedule}`);
  app.events.on('delivery.paused', (e) => {
    app.log.warn(`delivery paused for profile ${e.profile} until ${new Date(e.until).toISOString()}: ${e.reason}`);
  });
  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const stop = () => {
    stopping ??= (async () => {
      const running = scheduler.runningSets();
      if (running.length) app.log.info(`stopping: stopping running backups (${running.join(', ')}); they are recorded incomplete`);
      await scheduler.stop('the service was stopped (SIGTERM) while the backup was running');
      app.log.info('stopping: finishing deliveries in flight');
      await app.dispatcher.stop(options.graceMs ?? 10_000);
      await app.close();
      app.log.info('stopped');
      resolveStopped();
    })();
    return stopping;
  };
  if (options.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      app.log.info(`received ${signal}`);
      void stop();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  app.log.info(`vigil started (config ${app.loaded.file}, data ${app.loaded.config.dataDir}, pid ${process.pid})`);
  return { stopped, stop };
}
