import type { ActivityStore } from './activity-store.js';
import type { AdminRunStore } from './admin-run-store.js';
import type { AlertPauseStore } from './alert-pause-store.js';
import type { EscalationStore } from './escalation-store.js';
import type { HandOffStore } from './hand-off-store.js';
import type { HousekeepingStore } from './housekeeping-store.js';
import type { NotifyStateStore } from './notify-state-store.js';
import type { OutboxStore } from './outbox-store.js';
import type { ProfileStateStore } from './profile-state-store.js';
import type { ScheduleStateStore } from './schedule-state-store.js';
import type { StormStore } from './storm-store.js';
import type { SummaryStore } from './summary-store.js';
import type { VaultCheckRotationStore } from './vault-check-rotation-store.js';
import type { WatchdogStateStore } from './watchdog-state-store.js';
import type { MetricsStore } from './metrics-store.js';
import type { HostStore } from './host-store.js';
import type { LeaderLease } from './leader-lease.js';
import type { FleetSummaryStore } from './fleet-summary-store.js';

/**
 * The store's contracts, one file per port in this folder. SQLite implements them today
 * (src/storage/sqlite/); another store (PostgreSQL) implements the same ports and passes the same
 * conformance suites (test/conformance/). Methods are async so a networked store fits. A port
 * file imports only src/domain: the core depends on it, and it depends on nothing above.
 */

/** One handle on the store: every port, and closing. */
export interface Store {
  outbox: OutboxStore;
  profiles: ProfileStateStore;
  activity: ActivityStore;
  schedules: ScheduleStateStore;
  handOffs: HandOffStore;
  notifyState: NotifyStateStore;
  escalations: EscalationStore;
  storm: StormStore;
  adminRuns: AdminRunStore;
  watchdog: WatchdogStateStore;
  summary: SummaryStore;
  /** The same aggregates per host, for the fleet summary and the leader's watchdog (fleet-summary-store.ts). */
  fleetSummary: FleetSummaryStore;
  housekeeping: HousekeepingStore;
  vaultChecks: VaultCheckRotationStore;
  alertPauses: AlertPauseStore;
  /** The console's aggregates (metrics-store.ts). */
  metrics: MetricsStore;
  /** The fleet's hosts, registered and heartbeated by each service (host-store.ts). */
  hosts: HostStore;
  /** The fenced leases of fleet duties: one leader at a time (leader-lease.ts). */
  leases: LeaderLease;
  /**
   * The same store as host `host` opens it (its state per set and profile: migration 42), over
   * this handle's connection: the fleet's leader acts for a host that is down (claims its missed
   * windows in its scheduler's state). Closing this handle closes it.
   */
  forHost(host: string): Omit<Store, 'close' | 'forHost' | 'ping'>;
  /**
   * Does the store answer? One trivial statement through this handle's connection (its pool),
   * reading no table of the ports: what the service's watchdog asks at every look, however large
   * the fleet's tables. Throws what the store throws; safe to call at any time, changes nothing.
   */
  ping(): Promise<void>;
  close(): Promise<void>;
}
