import path from 'node:path';
import { openDatabase, type SqliteDatabase } from './database.js';
import { SqliteOutboxStore } from './outbox-store.js';
import { SqliteProfileStateStore } from './profile-store.js';
import { SqliteActivityStore } from './activity-store.js';
import { SqliteScheduleStateStore } from './schedule-store.js';
import { SqliteHandOffStore } from './hand-off-store.js';
import { SqliteNotifyStateStore } from './notify-state-store.js';
import { SqliteEscalationStore } from './escalation-store.js';
import { SqliteStormStore } from './storm-store.js';
import { SqliteAdminRunStore, SqliteWatchdogStateStore } from './admin-run-store.js';
import { SqliteHousekeepingStore } from './housekeeping-store.js';
import { SqliteSummaryStore } from './summary-store.js';
import { SqliteVaultCheckRotationStore } from './vault-check-store.js';
import { SqliteAlertPauseStore } from './alert-pause-store.js';
import { SqliteMetricsStore } from './metrics-store.js';
import { SqliteHostStore } from './host-store.js';
import { SqliteLeaderLease } from './leader-lease.js';
import { SqliteFleetSummaryStore } from './fleet-summary-store.js';
import type { Store } from '../ports/store.js';

export const DATABASE_FILE = 'vigil.db';

/**
 * The SQLite store: one database file in dataDir holding every port. `host` scopes the state kept
 * per set or profile, for hosts sharing one store (migration 42); a store in dataDir is one
 * host's, and leaves it '' (the conformance suites open two hosts' handles on one file).
 */
export function openSqliteStore(dataDir: string, options: { host?: string; mustExist?: boolean } = {}): Store & { file: string } {
  const file = path.join(dataDir, DATABASE_FILE);
  const db = openDatabase(file, undefined, { mustExist: options.mustExist === true });
  const host = options.host ?? '';
  return {
    file,
    ...sqlitePorts(db, host),
    forHost: (other: string) => sqlitePorts(db, other),
    // The schema's first page: the file itself must still be readable (SELECT 1 would not touch it).
    async ping() {
      db.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    },
    async close() {
      db.close();
    },
  };
}

/** Every port over one database, as host `host` sees it. */
function sqlitePorts(db: SqliteDatabase, host: string): Omit<Store, 'close' | 'forHost' | 'ping'> {
  return {
    outbox: new SqliteOutboxStore(db, host),
    profiles: new SqliteProfileStateStore(db, host),
    activity: new SqliteActivityStore(db, host),
    schedules: new SqliteScheduleStateStore(db, host),
    handOffs: new SqliteHandOffStore(db),
    notifyState: new SqliteNotifyStateStore(db, host),
    escalations: new SqliteEscalationStore(db),
    storm: new SqliteStormStore(db, host),
    adminRuns: new SqliteAdminRunStore(db),
    watchdog: new SqliteWatchdogStateStore(db),
    summary: new SqliteSummaryStore(db, host),
    fleetSummary: new SqliteFleetSummaryStore(db),
    housekeeping: new SqliteHousekeepingStore(db),
    vaultChecks: new SqliteVaultCheckRotationStore(db, host),
    alertPauses: new SqliteAlertPauseStore(db, host),
    metrics: new SqliteMetricsStore(db),
    hosts: new SqliteHostStore(db),
    leases: new SqliteLeaderLease(db),
  };
}
