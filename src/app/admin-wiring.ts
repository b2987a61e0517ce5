import { alertAdminFailure } from '../admin/admin-alert.js';
import { AdminProcess } from '../admin/admin-process.js';
import { AdminScheduler } from '../admin/admin-scheduler.js';
import { Housekeeper } from '../admin/housekeeping.js';
import { MissedWatchdog } from '../admin/watchdog.js';
import { describeExpiry, expiringCredentials } from '../config/credential-expiry.js';
import { setLongInterval, type LongTimer } from '../platform/long-timer.js';
import type { AppContext } from './context.js';

export interface AdminWiring {
  process: AdminProcess;
  scheduler: AdminScheduler;
  watchdog: MissedWatchdog;
  /** Starts the Admin schedule and the watchdog's timer (the service). */
  start(): void;
  stop(): Promise<void>;
}

/** The Daily/Weekly Admin processes and the watchdog, wired to the app's store, Outbox, runner and events. */
export function buildAdmin(app: AppContext): AdminWiring {
  const { config } = app.loaded;
  const owner = { host: app.hostname, pid: process.pid };
  const housekeeper = new Housekeeper({ config, store: app.store, clock: app.clock, log: app.log, engines: app.engines, owner, isBusy: async (set) => (await app.runner.busyWith(set)) !== undefined, events: app.events });
  // Credentials that expire soon (OAuth client secrets with secretExpires) are listed in every summary.
  const credentials = (now: number) => expiringCredentials(config, now).map((c) => ({ text: describeExpiry(c) }));
  const adminProcess = new AdminProcess({ config, store: app.store, outbox: app.outbox, events: app.events, clock: app.clock, log: app.log, host: app.hostname, owner, housekeeper, credentials, checkName: (engine) => (engine ? app.engines.get(engine)?.verifyName : undefined) ?? 'verify' });
  const scheduler = new AdminScheduler({ config, process: adminProcess, clock: app.clock, log: app.log });
  const watchdog = new MissedWatchdog({ config, store: app.store, runner: app.runner, clock: app.clock, log: app.log });
  let timer: LongTimer | undefined;
  let checking: Promise<unknown> = Promise.resolve();
  return {
    process: adminProcess,
    scheduler,
    watchdog,
    start() {
      app.events.on('admin.failed', (event) => alertAdminFailure(event, { config, outbox: app.outbox, log: app.log, host: app.hostname }));
      scheduler.start();
      // The first look waits one period: the backup scheduler records downtime's missed runs first.
      timer = setLongInterval(() => {
        checking = checking.then(() => watchdog.check()).catch((error: unknown) => app.log.error('watchdog failed', { error: (error as Error).message }));
      }, config.admin.watchEvery).unref();
    },
    async stop() {
      timer?.cancel();
      await scheduler.stop();
      await checking;
    },
  };
}
