import { FleetMissedWatchdog } from '../admin/fleet-missed-watchdog.js';
import { HostSilenceWatchdog } from '../admin/host-silence-watchdog.js';
import { HostSilenceNotifier } from '../notify/host-silence.js';
import { packageVersion } from '../platform/package-version.js';
import type { HostSet } from '../storage/ports/host-store.js';
import type { FleetAdminDuties } from './admin-wiring.js';
import type { AppContext } from './context.js';
import { FleetLeader } from './fleet-leader.js';
import { HostPresence } from './host-presence.js';

// A host heartbeats this often (more often when silentAfter is short, so one late beat is not a silence).
const HEARTBEAT_EVERY_MS = 5_000;
// The leader's lease: a dead leader is replaced within this (plus a look, ttl/4) — about as soon
// as a silence it would report, and never later than ~25 s.
const LEASE_TTL_MS = 20_000;

export interface FleetTimings {
  heartbeatEveryMs: number;
  leaseTtlMs: number;
}

/** How often to beat and how long the lease lasts, for a `fleet.silentAfter`. */
export function fleetTimings(silentAfterMs: number): FleetTimings {
  return { heartbeatEveryMs: Math.min(HEARTBEAT_EVERY_MS, Math.floor(silentAfterMs / 4)), leaseTtlMs: Math.min(LEASE_TTL_MS, silentAfterMs) };
}

export interface Fleet {
  presence: HostPresence;
  leader: FleetLeader;
  watchdog: HostSilenceWatchdog;
  /** The missed-backup watchdog over the sets of hosts that are down (every admin.watchEvery while leading). */
  missed: FleetMissedWatchdog;
  /** Registers this host and starts its heartbeat and its looks for the leader's lease. */
  start(): void;
  /** Stops leading (releasing the lease) and records this host's clean stop. */
  stop(): Promise<void>;
}

/**
 * The service's part in the fleet (docs/fleet.md): its host registered and heartbeated, and —
 * when it holds the leader's lease — the host-silence watchdog over every other host and, with
 * `admin`, the fleet's Daily and Weekly summaries. Built
 * here, started by the service (tests drive the parts one look at a time).
 */
export function buildFleet(app: AppContext, admin?: FleetAdminDuties): Fleet {
  const { config } = app.loaded;
  const timings = fleetTimings(config.fleet.silentAfter);
  const sets: HostSet[] = Object.entries(config.sets).map(([name, set]) => ({ name, schedule: set.schedule ?? null, ...(set.timezone ? { timezone: set.timezone } : {}) }));
  const presence = new HostPresence({
    hosts: app.store.hosts,
    // Its anomaly rules with its sets: the leader judges this host's runs in the fleet summary by them.
    registration: { name: app.hostname, version: packageVersion(), startedAt: app.clock.now(), sets, anomalies: config.notification.anomalies },
    everyMs: timings.heartbeatEveryMs,
    clock: app.clock,
    log: app.log,
  });
  const notifier = new HostSilenceNotifier({ config, outbox: app.outbox, messages: app.store.outbox, templates: app.notifications.templates, log: app.log, reporter: app.hostname });
  const watchdog = new HostSilenceWatchdog({ hosts: app.store.hosts, notifier, silentAfterMs: config.fleet.silentAfter, self: app.hostname, clock: app.clock, log: app.log });
  const missed = new FleetMissedWatchdog({ store: app.store, events: app.events, self: app.hostname, silentAfterMs: config.fleet.silentAfter, grace: config.admin.grace, timezone: config.admin.timezone, clock: app.clock, log: app.log });
  // The leader looks every few seconds; the missed-backup watchdog needs no more than watchEvery.
  let missedLookedAt = Number.NEGATIVE_INFINITY;
  const lookForMissed = async () => {
    const now = app.clock.now();
    if (now - missedLookedAt < config.admin.watchEvery) return;
    missedLookedAt = now;
    await missed.check();
  };
  const leader = new FleetLeader({
    leases: app.store.leases,
    owner: `${app.hostname}:${process.pid}`,
    ttlMs: timings.leaseTtlMs,
    shared: config.database !== undefined,
    clock: app.clock,
    log: app.log,
    duties: async () => {
      // Each duty on its own: one that fails does not keep the other from running.
      await Promise.all([
        watchdog.check().catch((error: unknown) => app.log.error(`host-silence watchdog failed: ${(error as Error).message}`)),
        lookForMissed().catch((error: unknown) => app.log.error(`fleet missed-backup watchdog failed: ${(error as Error).message}`)),
        admin?.lead().catch((error: unknown) => app.log.error(`fleet summaries could not start: ${(error as Error).message}`)),
      ]);
    },
    ...(admin ? { resigned: () => admin.resign() } : {}),
  });
  return {
    presence,
    leader,
    watchdog,
    missed,
    start() {
      presence.start();
      leader.start();
    },
    async stop() {
      await leader.stop();
      await presence.stop();
    },
  };
}
