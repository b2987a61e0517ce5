/**
 * Whether the service's loops are alive, for systemd's watchdog (issue 13): each loop (scheduler,
 * dispatcher, database) records when it last made progress; a loop silent longer than it may be
 * is stalled, and a stalled loop stops the WATCHDOG=1 pings so systemd restarts the service.
 * Pure: the caller passes the clock's time.
 */
export interface LoopState {
  name: string;
  /** When the loop last made progress; undefined if it has not yet. */
  lastBeatAt: number | undefined;
  /** The longest it may legitimately stay silent (its own sleep + its slowest step + slack). */
  maxSilenceMs: number;
}

export type Liveness =
  | { kind: 'alive' }
  /** Some loop has not made its first step yet, and is still within its allowance. */
  | { kind: 'starting'; waitingFor: string[] }
  | { kind: 'stalled'; loops: { name: string; silentMs: number }[] };

export function liveness(loops: readonly LoopState[], now: number, startedAt: number): Liveness {
  const stalled: { name: string; silentMs: number }[] = [];
  const waitingFor: string[] = [];
  for (const loop of loops) {
    // A clock stepped backwards makes a beat look like the future: that is not silence.
    const since = loop.lastBeatAt ?? startedAt;
    const silentMs = Math.max(0, now - since);
    if (silentMs > loop.maxSilenceMs) stalled.push({ name: loop.name, silentMs });
    else if (loop.lastBeatAt === undefined) waitingFor.push(loop.name);
  }
  if (stalled.length) return { kind: 'stalled', loops: stalled };
  if (waitingFor.length) return { kind: 'starting', waitingFor };
  return { kind: 'alive' };
}

/**
 * How often to send WATCHDOG=1: half of systemd's WATCHDOG_USEC (as sd_watchdog_enabled(3)
 * advises), or undefined when the watchdog is off or meant for another process (WATCHDOG_PID).
 */
export function watchdogPingEveryMs(env: { WATCHDOG_USEC?: string | undefined; WATCHDOG_PID?: string | undefined }, pid: number): number | undefined {
  if (env.WATCHDOG_PID !== undefined && env.WATCHDOG_PID !== String(pid)) return undefined;
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isFinite(usec) || usec <= 0) return undefined;
  return Math.max(1, Math.floor(usec / 2_000));
}
