import type { Clock } from '../domain/clock.js';
import { EVERY_SET, type AlertPause, type AlertPauseStore, type AlertSuppression } from '../storage/ports/alert-pause-store.js';
import type { LocalSpool, Router } from './local-spool.js';

/**
 * Maintenance pauses, spooled (spooling-store.ts), so an outage of PostgreSQL neither lifts a
 * pause nor brings back one an admin ended:
 *
 * - While the database is away, the pauses in force are the spool's and, for the sets the spool
 *   says nothing of, the host's pauses as the database last had them (known here: read at start,
 *   at every look and every change since).
 * - Resuming then ends the spool's pauses and the database's, keeping in the spool a pause that
 *   ended at that moment: written back when the database returns (spool-write-back.ts), it ends
 *   the database's pause too — even after a restart meanwhile, or one the write-back was copying.
 *   What the database's pause held back before the outage is listed by `vigil resume` only.
 */
export class SpoolingAlertPauseStore implements AlertPauseStore {
  // The host's pauses as the database last had them.
  private known: AlertPause[] = [];

  constructor(
    private readonly primary: AlertPauseStore,
    private readonly router: Router,
    private readonly clock: Clock,
  ) {}

  /** Pauses the database holds (read at start). */
  remember(pauses: readonly AlertPause[]): void {
    this.known = [...pauses];
  }

  pause(sets: string[], now: number, until: number | null): Promise<void> {
    return this.router.route(
      async () => {
        await this.primary.pause(sets, now, until);
        this.known = await this.primary.active(now);
      },
      (spool) => spool.store.alertPauses.pause(sets, now, until),
    );
  }

  resume(sets: string[]): Promise<AlertSuppression[]> {
    return this.router.route(
      async () => {
        const suppressed = await this.primary.resume(sets);
        this.known = this.known.filter((p) => !sets.includes(EVERY_SET) && !sets.includes(p.set));
        return suppressed;
      },
      async (spool) => {
        const all = sets.includes(EVERY_SET);
        // The spool's own pauses end with a trace too: one a write-back is copying into the
        // database right now (spool-write-back.ts) is ended there by the flush, not kept.
        const spooled = (await spool.store.alertPauses.active(this.clock.now())).filter((p) => all || sets.includes(p.set)).map((p) => p.set);
        const suppressed = await spool.store.alertPauses.resume(sets);
        const ended = [...new Set([...spooled, ...this.known.filter((p) => all || sets.includes(p.set)).map((p) => p.set)])];
        if (ended.length > 0) {
          const now = this.clock.now();
          await spool.store.alertPauses.pause(ended, now, now);
          this.known = this.known.filter((p) => !ended.includes(p.set));
        }
        return suppressed;
      },
    );
  }

  active(now: number): Promise<AlertPause[]> {
    return this.router.route(
      async () => {
        const pauses = await this.primary.active(now);
        this.known = pauses;
        return pauses;
      },
      async (spool) => {
        const decided = new Set(spooledSets(spool));
        const fromDatabase = this.known.filter((p) => !decided.has(p.set) && (p.until === null || p.until > now));
        return [...(await spool.store.alertPauses.active(now)), ...fromDatabase].sort((a, b) => a.set.localeCompare(b.set));
      },
    );
  }

  recordSuppressed(s: AlertSuppression): Promise<void> {
    return this.router.route(
      () => this.primary.recordSuppressed(s),
      (spool) => spool.store.alertPauses.recordSuppressed(s),
    );
  }
}

/** Sets the spool has a pause of, in force or ended: the spool's word on them is the newer. */
function spooledSets(spool: LocalSpool): string[] {
  return (spool.raw.prepare('SELECT set_name FROM alert_pauses').all() as Array<{ set_name: string }>).map((r) => r.set_name);
}
