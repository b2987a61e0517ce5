import { alertAdminFailure } from '../admin/admin-alert.js';
import { AdminProcess, type AdminProcessDeps } from '../admin/admin-process.js';
import { AdminScheduler } from '../admin/admin-scheduler.js';
import { renderFleetSummary, type RenderedFleetSummary } from '../admin/fleet-summary-source.js';
import { Housekeeper } from '../admin/housekeeping.js';
import { MissedWatchdog } from '../admin/watchdog.js';
import { describeExpiry, expiringCredentials } from '../config/credential-expiry.js';
import { setLongInterval, type LongTimer } from '../platform/long-timer.js';
import type { AppContext } from './context.js';

/** A `running` claim older than this is a dead process's (AdminProcess's default). */
const STALE_CLAIM_MS = 3_600_000;

/** The Admin duties of a fleet's leader (a shared store): started when it takes the lease, stopped when it loses it. */
export interface FleetAdminDuties {
  /** Called at each look that holds the lease: the first starts the fleet summaries' schedule. */
  lead(): Promise<void>;
  /** The lease is lost or given up: stop sending summaries (a running one is finished). */
  resign(): Promise<void>;
  /** The service stops: resign, and never lead again (a last look of the leader may still come). */
  close(): Promise<void>;
  /** The process that makes and sends the fleet summary (`vigil admin daily` on a shared store runs it by hand). */
  readonly process: AdminProcess<RenderedFleetSummary>;
  /** The schedule of the fleet summaries while leading (tests drive it). */
  readonly scheduler: AdminScheduler<RenderedFleetSummary> | undefined;
}

export interface AdminWiring {
  process: AdminProcess;
  scheduler: AdminScheduler;
  watchdog: MissedWatchdog;
  /** On a shared store (`database:` set) the summaries are the leader's, as one fleet summary; undefined for a single host. */
  fleet: FleetAdminDuties | undefined;
  /** Starts the Admin schedule and the watchdog's timer (the service). */
  start(): void;
  stop(): Promise<void>;
}

/**
 * The Daily/Weekly Admin processes and the watchdog, wired to the app's store, Outbox, runner and
 * events. With a single host's store, this host's summaries on its schedule. With a store the
 * hosts share (docs/fleet.md), one summary for the fleet sent by whichever host leads — so hosts
 * do not each send theirs, and a leader's death does not lose one — while each host still checks
 * its own vaults at its weekly time.
 */
export function buildAdmin(app: AppContext): AdminWiring {
  const { config } = app.loaded;
  const owner = { host: app.hostname, pid: process.pid };
  const housekeeper = new Housekeeper({ config, store: app.store, clock: app.clock, log: app.log, engines: app.engines, owner, isBusy: async (set) => (await app.runner.busyWith(set)) !== undefined, events: app.events });
  // Credentials that expire soon (OAuth client secrets with secretExpires) are listed in every summary.
  const credentials = (now: number) => expiringCredentials(config, now).map((c) => ({ text: describeExpiry(c) }));
  const deps: AdminProcessDeps = { config, store: app.store, outbox: app.outbox, events: app.events, clock: app.clock, log: app.log, host: app.hostname, owner, housekeeper, credentials, checkName: (engine) => (engine ? app.engines.get(engine)?.verifyName : undefined) ?? 'verify' };
  const adminProcess = new AdminProcess(deps);
  const shared = config.database !== undefined;
  const scheduler = new AdminScheduler({ config, process: adminProcess, clock: app.clock, log: app.log, ...(shared ? { runs: 'vault-checks' as const } : {}) });
  const watchdog = new MissedWatchdog({ config, store: app.store, runner: app.runner, clock: app.clock, log: app.log });
  const fleet = shared ? fleetAdminDuties(app, deps) : undefined;
  let timer: LongTimer | undefined;
  let checking: Promise<unknown> = Promise.resolve();
  return {
    process: adminProcess,
    scheduler,
    watchdog,
    fleet,
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
      await fleet?.close();
      await scheduler.stop();
      await checking;
    },
  };
}

/**
 * The leader's fleet summaries: an AdminProcess whose summary is the fleet's, on a schedule that
 * runs only while this host holds the lease. "Once per period" is the same admin_runs claim as a
 * single host's (the period key), so a new leader sends what its predecessor had not — at once if
 * the due time passed within admin.catchUpWindow — and nothing it had. A claim left `running` by
 * the previous leader (killed mid-run) is taken over: it started before this tenure.
 */
function fleetAdminDuties(app: AppContext, deps: AdminProcessDeps): FleetAdminDuties {
  const { config } = app.loaded;
  let since = 0;
  const process = new AdminProcess<RenderedFleetSummary>({
    ...deps,
    render: (period, now, housekeeping) => renderFleetSummary({ config, store: app.store, host: app.hostname, ...(deps.checkName ? { checkName: deps.checkName } : {}), ...(deps.credentials ? { credentials: deps.credentials } : {}) }, period, now, housekeeping),
    staleClaimBefore: (now) => Math.max(now - STALE_CLAIM_MS, since),
  });
  let scheduler: AdminScheduler<RenderedFleetSummary> | undefined;
  let closed = false;
  const resign = async () => {
    const leaving = scheduler;
    scheduler = undefined;
    await leaving?.stop();
  };
  return {
    process,
    get scheduler() {
      return scheduler;
    },
    async lead() {
      if (scheduler || closed) return;
      since = app.clock.now();
      scheduler = new AdminScheduler({ config, process, clock: app.clock, log: app.log, runs: 'summaries' });
      scheduler.start();
    },
    resign,
    async close() {
      closed = true;
      await resign();
    },
  };
}
