import { Schedule } from '../backup/schedule.js';
import type { Clock } from '../domain/clock.js';
import { hostState, type HostState } from '../domain/host-state.js';
import type { Logger } from '../domain/logger.js';
import type { HostSilenceNotifier } from '../notify/host-silence.js';
import type { HostRecord, HostSet, HostStore } from '../storage/ports/host-store.js';

export interface HostSilenceWatchdogDeps {
  hosts: HostStore;
  notifier: Pick<HostSilenceNotifier, 'silent' | 'recovered'>;
  silentAfterMs: number;
  /** This host: never reported by itself (it is plainly not silent while it looks). */
  self: string;
  clock: Clock;
  log: Logger;
}

export interface HostSilenceReport {
  alerted: string[];
  recovered: string[];
}

// A leader that took over checks that its predecessor's alert was queued only while it is
// fresh: a crash between marking and queueing is found within a lease, and a much older alert's
// messages may have been purged by housekeeping since — re-sending it would be the duplicate.
const RECHECK_ALERTS_FOR_MS = 3_600_000;

/**
 * The fleet leader's host-silence watchdog (docs/fleet.md): a host not seen for
 * `fleet.silentAfter` — or stopped cleanly and still down past its next scheduled run — raises
 * one critical `host-silent` alert, and a recovery notice when it is back. "Once" is the store's
 * compare-and-set (HostStore.markSilentAlerted), so neither a restart nor a change of leader
 * alerts the same silence again. Each host is looked at on its own: one that fails is reported
 * and the others are still watched.
 */
export class HostSilenceWatchdog {
  /** Alerts whose messages this process knows to be queued. */
  private readonly confirmed = new Set<string>();

  constructor(private readonly deps: HostSilenceWatchdogDeps) {}

  async check(): Promise<HostSilenceReport> {
    const report: HostSilenceReport = { alerted: [], recovered: [] };
    for (const host of await this.deps.hosts.list()) {
      if (host.name === this.deps.self) continue;
      try {
        const outcome = await this.checkHost(host, this.deps.clock.now());
        if (outcome) report[outcome].push(host.name);
      } catch (error) {
        this.deps.log.error(`host-silence watchdog: checking host ${host.name} failed: ${(error as Error).message}`);
      }
    }
    return report;
  }

  private async checkHost(host: HostRecord, now: number): Promise<'alerted' | 'recovered' | undefined> {
    const { hosts, notifier, log, silentAfterMs } = this.deps;
    const state = stateOfHost(host, now, silentAfterMs);
    const standing = host.silentAlertedSince;
    if (state.kind !== 'silent') {
      if (standing === null || !(await hosts.clearSilentAlerted(host.name))) return undefined;
      log.info(`host ${host.name} is back (silent since ${new Date(standing).toISOString()}); sending the recovery notice`);
      await notifier.recovered({ host, since: standing, now });
      return 'recovered';
    }
    if (standing === null) {
      if (!(await hosts.markSilentAlerted(host.name, state.since))) return undefined;
      log.error(`host ${host.name} is silent since ${new Date(state.since).toISOString()}: sending the host-silent alert`);
      await notifier.silent({ host, since: state.since, now });
      this.confirmed.add(`${host.name}:${state.since}`);
      return 'alerted';
    }
    // An alert stands: it was queued by this process, or by a leader (or a run of this one) that
    // may have died between marking it and queueing it. Queue what is missing, once per process.
    const key = `${host.name}:${standing}`;
    if (this.confirmed.has(key) || now - standing - silentAfterMs > RECHECK_ALERTS_FOR_MS) return undefined;
    const queued = await notifier.silent({ host, since: standing, now }, { onlyMissing: true });
    this.confirmed.add(key);
    if (queued > 0) {
      log.warn(`host ${host.name}: the host-silent alert had been marked but not queued (a crash); queued it now`);
      return 'alerted';
    }
    return undefined;
  }
}

/** A stored host's state at `now` (its next scheduled run read from the sets it registered). */
export function stateOfHost(host: Pick<HostRecord, 'lastSeen' | 'stoppedAt' | 'sets'>, now: number, silentAfterMs: number): HostState {
  return hostState({ lastSeen: host.lastSeen, stoppedAt: host.stoppedAt, nextRunAfterStop: host.stoppedAt === null ? undefined : nextRun(host.sets, host.stoppedAt) }, now, silentAfterMs);
}

/** The first scheduled run of any of the sets after `after`; undefined when none is scheduled. */
export function nextRun(sets: readonly HostSet[], after: number): number | undefined {
  let first: number | undefined;
  for (const set of sets) {
    if (set.schedule === null) continue;
    try {
      const at = new Schedule(set.schedule, set.timezone).next(after);
      if (at !== undefined && (first === undefined || at < first)) first = at;
    } catch {
      // A schedule this version cannot read (written by a newer host): it tells nothing here.
    }
  }
  return first;
}
