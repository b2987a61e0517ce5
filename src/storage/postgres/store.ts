import { PgDatabase, storeUnavailable, type PgConnection } from './database.js';
import { migrate } from './migrate.js';
import { PgOutboxStore } from './outbox-store.js';
import { PgProfileStateStore } from './profile-store.js';
import { PgActivityStore } from './activity-store.js';
import { PgScheduleStateStore } from './schedule-store.js';
import { PgHandOffStore } from './hand-off-store.js';
import { PgNotifyStateStore } from './notify-state-store.js';
import { PgEscalationStore } from './escalation-store.js';
import { PgStormStore } from './storm-store.js';
import { PgAdminRunStore, PgWatchdogStateStore } from './admin-run-store.js';
import { PgSummaryStore } from './summary-store.js';
import { PgFleetSummaryStore } from './fleet-summary-store.js';
import { PgHousekeepingStore } from './housekeeping-store.js';
import { PgVaultCheckRotationStore } from './vault-check-store.js';
import { PgAlertPauseStore } from './alert-pause-store.js';
import { PgMetricsStore } from './metrics-store.js';
import { PgHostStore } from './host-store.js';
import { PgLeaderLease } from './leader-lease.js';
import type { Store } from '../ports/store.js';
import { isVigilError } from '../../domain/errors.js';

/**
 * The PostgreSQL store: one database shared by every host of a fleet, holding every port.
 * Connects (within CONNECT_TIMEOUT_MS), migrates under an advisory lock, then hands out the ports.
 */
export async function openPgStore(connection: PgConnection, options: { migrate?: boolean; host?: string } = {}): Promise<Store & { db: PgDatabase }> {
  const db = new PgDatabase(connection);
  try {
    await db.run('SELECT 1');
  } catch (error) {
    await db.close().catch(() => undefined);
    throw storeUnavailable(connection, error);
  }
  try {
    if (options.migrate !== false) await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw isVigilError(error) ? error : storeUnavailable(connection, error);
  }
  return { ...pgStore(db, options.host ?? ''), db };
}

/**
 * Every port over one pool. `host` scopes the state kept per set or profile (migration 42): hosts
 * share the database, and each has its own set "system" and profile "office".
 */
export function pgStore(db: PgDatabase, host = ''): Store {
  return {
    ...pgPorts(db, host),
    forHost: (other: string) => pgPorts(db, other),
    ping: async () => void (await db.run('SELECT 1')),
    close: () => db.close(),
  };
}

/** Every port over one pool, as host `host` sees it. */
function pgPorts(db: PgDatabase, host: string): Omit<Store, 'close' | 'forHost' | 'ping'> {
  return {
    outbox: new PgOutboxStore(db, host),
    profiles: new PgProfileStateStore(db, host),
    activity: new PgActivityStore(db, host),
    schedules: new PgScheduleStateStore(db, host),
    handOffs: new PgHandOffStore(db),
    notifyState: new PgNotifyStateStore(db, host),
    escalations: new PgEscalationStore(db),
    storm: new PgStormStore(db, host),
    adminRuns: new PgAdminRunStore(db),
    watchdog: new PgWatchdogStateStore(db),
    summary: new PgSummaryStore(db, host),
    fleetSummary: new PgFleetSummaryStore(db),
    housekeeping: new PgHousekeepingStore(db),
    vaultChecks: new PgVaultCheckRotationStore(db, host),
    alertPauses: new PgAlertPauseStore(db, host),
    metrics: new PgMetricsStore(db),
    hosts: new PgHostStore(db),
    leases: new PgLeaderLease(db),
  };
}
