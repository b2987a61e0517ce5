import type { AnomalyMode } from '../../domain/anomalies.js';

/** A backup set as its host announces it, so a leader elsewhere knows when the host should be at work. */
export interface HostSet {
  name: string;
  /** The set's cron expression; null for a set that only runs by hand. */
  schedule: string | null;
  /** The timezone the schedule is read in (the set's or admin.timezone); undefined: the host's. */
  timezone?: string;
}

/** What a starting service says about itself. */
export interface HostRegistration {
  name: string;
  version: string;
  startedAt: number;
  sets: HostSet[];
  /**
   * Its `notification.anomalies` (migration 46): the leader judges this host's runs in the fleet
   * summary by it, not by its own configuration. Absent for a host that predates it, or whose
   * value this version does not know (a newer host's): the defaults.
   */
  anomalies?: AnomalyMode;
}

/** A host of the fleet as the store knows it. */
export interface HostRecord extends HostRegistration {
  lastSeen: number;
  /** When it last stopped cleanly (`vigil start` ended by a signal); null while it runs or after a crash. */
  stoppedAt: number | null;
  /**
   * The silence the host-silence watchdog has alerted, by the moment it counts from (its
   * `silent since`); null when no alert stands. Persisted so a restart or a new leader does not
   * alert the same silence again.
   */
  silentAlertedSince: number | null;
}

/**
 * The hosts of a fleet (migration 31): each `vigil start` registers its host and heartbeats it
 * every few seconds; the leader reads them to tell which host went silent. Host names are the
 * identity: two services with the same `hostname` on one store overwrite each other's row (the
 * config check's job to prevent, not the store's).
 */
export interface HostStore {
  /**
   * A service starts: upserts the host (version, start time, sets) as seen at `now`, clearing a
   * clean stop. The alert state is kept: a host that comes back is recovered by the watchdog,
   * which sends the notice. Idempotent.
   */
  register(host: HostRegistration, now: number): Promise<void>;
  /** The host is alive at `now` (last seen only moves forward). False when it is not registered. */
  heartbeat(name: string, now: number): Promise<boolean>;
  /** A clean shutdown: the host is `stopped` from `now` (until it registers again). */
  markStopped(name: string, now: number): Promise<void>;
  /**
   * Forgets a host that left the fleet (renamed, decommissioned): it is no longer listed nor
   * watched. True when it was known. A service of that name registers it again at its next beat.
   */
  forget(name: string): Promise<boolean>;
  /** Every host, by name. */
  list(): Promise<HostRecord[]>;
  get(name: string): Promise<HostRecord | undefined>;
  /**
   * Records that the silence of `name` counting from `since` has been alerted: true for the one
   * caller that moved the state from "no alert" (compare-and-set across processes and leaders),
   * false when an alert already stands or the host is unknown. Only the winner sends.
   */
  markSilentAlerted(name: string, since: number): Promise<boolean>;
  /**
   * The host is back: clears a standing alert. True for the one caller that cleared it (that one
   * sends the recovery notice), false when none stood.
   */
  clearSilentAlerted(name: string): Promise<boolean>;
}
