import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { AlertPause, AlertPauseStore } from '../storage/ports/alert-pause-store.js';

/** The pause ('*' or the set's own) that holds `set`'s alerts at `now`, the longest-lasting one. */
export function pauseOf(pauses: AlertPause[], set: string): AlertPause | undefined {
  const matching = pauses.filter((p) => p.set === '*' || p.set === set);
  return matching.sort((a, b) => (b.until ?? Infinity) - (a.until ?? Infinity))[0];
}

/**
 * Maintenance mode, decided in one place: every alert about a set (backup alerts, their pager
 * lines and channel messages, storm groups, service faults naming the set) asks here before it is
 * composed. A paused set's alert is not sent; the suppression is logged and recorded so `vigil
 * resume` can list it. Alerts about no set (the service itself) are never held.
 */
export class AlertGate {
  constructor(private readonly deps: { pauses: AlertPauseStore; clock: Clock; log: Logger }) {}

  /** True when `set`'s alerts are paused: the caller must not send `what`, which is recorded. */
  async suppress(set: string | null, what: string): Promise<boolean> {
    if (set === null) return false;
    const now = this.deps.clock.now();
    let pause: AlertPause | undefined;
    try {
      pause = pauseOf(await this.deps.pauses.active(now), set);
      if (pause) await this.deps.pauses.recordSuppressed({ set, at: now, what });
    } catch (error) {
      // Fail open: a pause that cannot be read (a database fault) must not silence the alert.
      this.deps.log.warn(`could not read the alert pauses; sending: ${(error as Error).message}`, { set });
      return false;
    }
    if (!pause) return false;
    const until = pause.until === null ? 'vigil resume' : new Date(pause.until).toISOString();
    this.deps.log.info(`alerts of ${set} are paused (until ${until}): not sent: ${what}`, { set });
    return true;
  }
}
