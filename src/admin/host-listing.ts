import { LEADER_LEASE } from '../storage/ports/leader-lease.js';
import type { HostState } from '../domain/host-state.js';
import type { HostRecord } from '../storage/ports/host-store.js';
import type { Store } from '../storage/ports/store.js';
import { stateOfHost } from './host-silence-watchdog.js';

/** A host of the fleet as `vigil hosts --json`, the console and /metrics show it. */
export interface HostListing extends Omit<HostRecord, 'silentAlertedSince'> {
  state: HostState['kind'];
  /** When the silence or stop began; null when the host is ok. */
  since: number | null;
  /** It holds the leader lease (and runs: a host that stopped cleanly leads nothing). */
  leader: boolean;
  /** The host-silence watchdog has alerted this silence. */
  silentAlerted: boolean;
}

/**
 * Every host of the store with its state at `now` and the leader marked: the one computation
 * behind `vigil hosts`, the console's hosts and the host series of /metrics, so they never differ.
 */
export async function listHosts(store: Pick<Store, 'hosts' | 'leases'>, now: number, silentAfterMs: number): Promise<HostListing[]> {
  const [hosts, leader] = await Promise.all([store.hosts.list(), store.leases.holder(LEADER_LEASE, now)]);
  // The lease owner is `<host>:<pid>`.
  const leaderName = leader?.owner.replace(/:\d+$/, '');
  return hosts.map(({ silentAlertedSince, ...h }) => {
    const state = stateOfHost(h, now, silentAfterMs);
    return { ...h, state: state.kind, since: state.kind === 'ok' ? null : state.since, leader: h.name === leaderName && h.stoppedAt === null, silentAlerted: silentAlertedSince !== null };
  });
}
