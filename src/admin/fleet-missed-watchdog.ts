import { Schedule } from '../backup/schedule.js';
import { ZERO_COUNTERS } from '../domain/activity.js';
import type { Clock } from '../domain/clock.js';
import type { EventSink } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import { formatTime } from '../domain/time-format.js';
import type { HostRecord, HostSet } from '../storage/ports/host-store.js';
import type { Store } from '../storage/ports/store.js';
import { stateOfHost } from './host-silence-watchdog.js';
import { claimFromScheduler } from './watchdog.js';

export interface FleetMissedWatchdogDeps {
  store: Pick<Store, 'hosts' | 'fleetSummary' | 'activity'>;
  events: EventSink;
  /** This host: it watches its own sets itself (MissedWatchdog). */
  self: string;
  silentAfterMs: number;
  grace: number;
  timezone: string | undefined;
  clock: Clock;
  log: Logger;
}

/**
 * The leader's missed-backup watchdog over the hosts that are down (docs/fleet.md): a running
 * host watches its own sets (MissedWatchdog, with its own rules), but a silent or stopped one
 * cannot — and the schedules it registered are in the store. For each such set, when the first
 * due time after its last run on that host (or after the host registered) is followed by
 * `admin.grace` × the interval with nothing ending, the leader records a `missed` activity under
 * that host and raises a critical `backup-missed` fault. Once per window: the window is claimed
 * in the host's scheduler state first (the same compare-and-set as a single host's watchdog), so
 * neither a second leader nor the host's own scheduler, when it comes back, records it again;
 * and the record is the next reference, so a host that stays down is reported once per grace
 * period.
 */
export class FleetMissedWatchdog {
  constructor(private readonly deps: FleetMissedWatchdogDeps) {}

  /** One look; returns `host/set` of each window recorded missed. Never throws for one host or set. */
  async check(): Promise<string[]> {
    const { store, self, silentAfterMs, clock, log } = this.deps;
    const missed: string[] = [];
    for (const host of await store.hosts.list()) {
      if (host.name === self) continue;
      const now = clock.now();
      const state = stateOfHost(host, now, silentAfterMs);
      if (state.kind === 'ok') continue;
      for (const set of host.sets) {
        if (set.schedule === null) continue;
        try {
          if (await this.checkSet(host, set, set.schedule, state, now)) missed.push(`${host.name}/${set.name}`);
        } catch (error) {
          log.error(`fleet watchdog: checking set ${set.name} of host ${host.name} failed: ${(error as Error).message}`);
        }
      }
    }
    return missed;
  }

  private async checkSet(host: HostRecord, set: HostSet, expression: string, down: { kind: 'silent' | 'stopped'; since: number }, now: number): Promise<boolean> {
    const { store, grace } = this.deps;
    const schedule = new Schedule(expression, set.timezone);
    // Nothing was promised before the host registered these sets.
    const lastEnded = await store.fleetSummary.lastEndedOn(host.name, set.name);
    const reference = Math.max(host.startedAt, lastEnded ?? Number.NEGATIVE_INFINITY);
    const due = schedule.next(reference);
    const after = due === undefined ? undefined : schedule.next(due);
    if (due === undefined || after === undefined) return false;
    const deadline = due + (after - due) * grace;
    if (now <= deadline) return false;
    // In the host's own scheduler state: when it comes back, its scheduler finds the window handled.
    if (!(await claimFromScheduler(store.fleetSummary.schedulesOf(host.name), set.name, schedule, due, now))) return false;
    const at = (ms: number) => formatTime(ms, this.deps.timezone);
    const reason = `no run of ${set.name} on ${host.name} has ended since it was due at ${at(due)}, and ${host.name} is down (${down.kind} since ${at(down.since)}); by ${at(deadline)} it counts as missed`;
    const activity = await store.activity.record(
      { kind: 'backup', set: set.name, engine: null, trigger: 'service', startedAt: now, scheduledFor: due, host: host.name },
      { status: 'missed', endedAt: now, counters: { ...ZERO_COUNTERS, errors: 1 }, log: [{ severity: 'error', message: reason, path: null }], logDropped: 0 },
    );
    this.deps.log.error(`set ${set.name} of host ${host.name} missed its run due at ${at(due)} (activity ${activity.id})`);
    this.deps.events.emit({ kind: 'service.fault', fault: 'backup-missed', detail: `${reason} (vigil activity show ${activity.id})`, set: set.name, at: now });
    return true;
  }
}
