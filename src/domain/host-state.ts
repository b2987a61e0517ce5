/**
 * What a host of the fleet is doing, as `vigil hosts` shows it and the host-silence watchdog
 * alerts it: `ok` (heard from lately), `silent` (not heard from for `fleet.silentAfter`, counted
 * from `since`), or `stopped` (shut down cleanly at `since`).
 */
export type HostState = { kind: 'ok' } | { kind: 'silent'; since: number } | { kind: 'stopped'; since: number };

export interface HostSighting {
  /** When the host last heartbeated (or registered, or stopped). */
  lastSeen: number;
  /** When it stopped cleanly; null while it runs, or after it died without a word. */
  stoppedAt: number | null;
  /**
   * The first scheduled run of any of its sets after it stopped; undefined when it has none
   * (no scheduled sets, or it has not stopped). The caller computes it: cron is not the domain's.
   */
  nextRunAfterStop: number | undefined;
}

/**
 * The state of a host at `now`. A host that stopped cleanly is `stopped` — someone ran
 * `systemctl stop` — until it stays down past its next scheduled run: from then on it should
 * have been at work, so it is silent counting from that run, with the same grace
 * (`silentAfterMs`) as a host that stopped heartbeating. A heartbeat from the future (clock skew
 * between hosts) counts as now.
 */
export function hostState(host: HostSighting, now: number, silentAfterMs: number): HostState {
  if (host.stoppedAt !== null) {
    const due = host.nextRunAfterStop;
    if (due !== undefined && now - due >= silentAfterMs) return { kind: 'silent', since: due };
    return { kind: 'stopped', since: host.stoppedAt };
  }
  if (now - host.lastSeen >= silentAfterMs) return { kind: 'silent', since: host.lastSeen };
  return { kind: 'ok' };
}

/** `ok`, `silent since <when>`, `stopped since <when>`: the words of `vigil hosts`. */
export function describeHostState(state: HostState, formatTime: (ms: number) => string): string {
  if (state.kind === 'ok') return 'ok';
  return `${state.kind} since ${formatTime(state.since)}`;
}
