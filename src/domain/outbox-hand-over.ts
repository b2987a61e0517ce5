import type { HostState } from './host-state.js';

/**
 * Whether the pending messages of a host in `state` are handed over to the other hosts of a
 * shared Outbox (docs/fleet.md): it is `silent` (it died, or it is cut off — nobody knows when
 * it will deliver them), or it stopped cleanly at least `silentAfterMs` ago. A host restarted
 * within that grace (an upgrade, a reboot) delivers its own messages itself, as a host that
 * heartbeats late does before it counts as silent.
 */
export function handsOver(state: HostState, now: number, silentAfterMs: number): boolean {
  if (state.kind === 'silent') return true;
  return state.kind === 'stopped' && now - state.since >= silentAfterMs;
}

/**
 * The earliest moment a host that is not handing over could start to, if it is not heard from
 * again: `silentAfterMs` after its last heartbeat or its clean stop. A dispatcher wakes then, so
 * it takes a gone host's due messages as soon as they are its to take, not at its next timer.
 */
export function handsOverFrom(host: { lastSeen: number; stoppedAt: number | null }, silentAfterMs: number): number {
  return (host.stoppedAt ?? host.lastSeen) + silentAfterMs;
}
