import type { AppContext } from './context.js';

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
  app.events.on('delivery.paused', (e) => {
    app.log.warn(`delivery paused for profile ${e.profile} until ${new Date(e.until).toISOString()}: ${e.reason}`);
  });
  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const stop = () => {
    stopping ??= (async () => {
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
