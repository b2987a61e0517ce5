import path from 'node:path';
import { openDatabase } from './database.js';
import { SqliteOutboxStore } from './outbox-store.js';
import { SqliteProfileStateStore } from './profile-store.js';
import { SqliteActivityStore } from './activity-store.js';
import { SqliteScheduleStateStore } from './schedule-store.js';
import { SqliteHandOffStore } from './hand-off-store.js';
import { SqliteNotifyStateStore } from './notify-state-store.js';
import { SqliteEscalationStore } from './escalation-store.js';
import { SqliteStormStore } from './storm-store.js';
import { SqliteAdminRunStore, SqliteWatchdogStateStore } from './admin-run-store.js';
import { SqliteHousekeepingStore, SqliteSummaryStore } from './summary-store.js';
import { SqliteVaultCheckRotationStore } from './vault-check-store.js';
import { SqliteAlertPauseStore } from './alert-pause-store.js';
import { SqliteMetricsStore } from './metrics-store.js';
import { SqliteHostStore } from './host-store.js';
import { SqliteLeaderLease } from './leader-lease.js';
import { SqliteFleetSummaryStore } from './fleet-summary-store.js';
import type { Store } from '../ports/store.js';

export const DATABASE_FILE = 'vigil.db';

/** The SQLite store: one database file in dataDir holding every port. */
export function openSqliteStore(dataDir: string): Store & { file: string } {
  const file = path.join(dataDir, DATABASE_FILE);
  const db = openDatabase(file);
  return {
    file,
    outbox: new SqliteOutboxStore(db),
    profiles: new SqliteProfileStateStore(db),
    activity: new SqliteActivityStore(db),
    schedules: new SqliteScheduleStateStore(db),
    handOffs: new SqliteHandOffStore(db),
    notifyState: new SqliteNotifyStateStore(db),
    escalations: new SqliteEscalationStore(db),
    storm: new SqliteStormStore(db),
    adminRuns: new SqliteAdminRunStore(db),
    watchdog: new SqliteWatchdogStateStore(db),
    summary: new SqliteSummaryStore(db),
    fleetSummary: new SqliteFleetSummaryStore(db),
    housekeeping: new SqliteHousekeepingStore(db),
    vaultChecks: new SqliteVaultCheckRotationStore(db),
    alertPauses: new SqliteAlertPauseStore(db),
    metrics: new SqliteMetricsStore(db),
    hosts: new SqliteHostStore(db),
    leases: new SqliteLeaderLease(db),
    async close() {
      db.close();
    },
  };
}
