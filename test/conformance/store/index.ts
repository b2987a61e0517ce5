import type { OpenStore } from './harness.js';
import { outboxStoreConformance } from './outbox.suite.js';
import { profileStateConformance } from './profiles.suite.js';
import { activityConformance } from './activity.suite.js';
import { scheduleStateConformance } from './schedules.suite.js';
import { handOffConformance } from './hand-offs.suite.js';
import { notifyStateConformance } from './notify-state.suite.js';
import { escalationConformance } from './escalations.suite.js';
import { stormConformance } from './storm.suite.js';
import { adminRunConformance } from './admin-runs.suite.js';
import { watchdogStateConformance } from './watchdog.suite.js';
import { summaryConformance } from './summary.suite.js';
import { housekeepingConformance } from './housekeeping.suite.js';
import { vaultCheckRotationConformance } from './vault-checks.suite.js';
import { alertPauseConformance } from './alert-pauses.suite.js';
import { hostStoreConformance } from './hosts.suite.js';
import { leaderLeaseConformance } from './leases.suite.js';
import { hostScopeConformance } from './host-scope.suite.js';
import { fleetSummaryConformance } from './fleet-summary.suite.js';
import { metricsConformance } from './metrics.suite.js';

export type { OpenStore, OpenedStore } from './harness.js';

/** Every store port's suite, in the order of the `Store` handle: one call runs a store's whole row. */
export function storeConformance(name: string, open: OpenStore): void {
  outboxStoreConformance(name, open);
  profileStateConformance(name, open);
  activityConformance(name, open);
  scheduleStateConformance(name, open);
  handOffConformance(name, open);
  notifyStateConformance(name, open);
  escalationConformance(name, open);
  stormConformance(name, open);
  adminRunConformance(name, open);
  watchdogStateConformance(name, open);
  summaryConformance(name, open);
  fleetSummaryConformance(name, open);
  housekeepingConformance(name, open);
  metricsConformance(name, open);
  vaultCheckRotationConformance(name, open);
  alertPauseConformance(name, open);
  hostStoreConformance(name, open);
  leaderLeaseConformance(name, open);
  hostScopeConformance(name, open);
}
