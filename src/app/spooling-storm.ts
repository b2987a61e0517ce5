import type { HeldFailure, StormStore, StormWindow } from '../storage/ports/storm-store.js';
import type { SqliteDatabase } from '../storage/sqlite/database.js';
import type { LocalSpool, Router } from './local-spool.js';

/**
 * Storm control's windows, spooled (spooling-store.ts). While the database is away they are the
 * spool's. Once it is back and until the flush (which a backup still running in the spool can put
 * off for hours), a window the spool opened goes on: a failure joins it while it is open, instead
 * of opening a second window in the database (an alert of its own and a second grouped message),
 * and its grouped message goes out when it ends, not at the flush. Storm control sees such a
 * window by its id negated (never the database's window of the same number); its group is queued
 * in the spool (spooledWindowKey), and the flush copies it, sent, with the window.
 */
export class SpoolingStormStore implements StormStore {
  constructor(
    private readonly primary: StormStore,
    private readonly router: Router,
  ) {}

  admit(failure: HeldFailure, now: number, windowMs: number): Promise<'opened' | 'held'> {
    return this.router.route(
      () =>
        this.router.holding(async () => {
          const spool = await this.router.settled();
          if (spool && spoolDecides(spool.raw, failure.activityId, now)) return spool.store.storm.admit(failure, now, windowMs);
          return this.primary.admit(failure, now, windowMs);
        }),
      (spool) => spool.store.storm.admit(failure, now, windowMs),
    );
  }

  ended(now: number): Promise<StormWindow[]> {
    return this.router.route(
      async () => {
        const spool = await this.router.settled();
        const spooled = spool ? (await spool.store.storm.ended(now)).map((w) => ({ ...w, id: -w.id })) : [];
        return [...(await this.primary.ended(now)), ...spooled];
      },
      (spool) => spool.store.storm.ended(now),
    );
  }

  markFlushed(id: number, at: number): Promise<void> {
    return this.router.route(
      async () => {
        if (id > 0) return this.primary.markFlushed(id, at);
        // Flushed meanwhile: the database has the window, and its group if it was queued (then
        // the database's storm control finds it there and only marks the window).
        await (await this.spoolIfAny())?.store.storm.markFlushed(-id, at);
      },
      (spool) => spool.store.storm.markFlushed(id, at),
    );
  }

  nextEnd(): Promise<number | undefined> {
    return this.router.route(
      async () => {
        const ends = [await this.primary.nextEnd(), await (await this.spoolIfAny())?.store.storm.nextEnd()].filter((t): t is number => t !== undefined);
        return ends.length ? Math.min(...ends) : undefined;
      },
      (spool) => spool.store.storm.nextEnd(),
    );
  }

  private spoolIfAny(): Promise<LocalSpool | undefined> {
    return this.router.settled();
  }
}

/** Whether the spool has the word on a failure: a window still open there, or the run already admitted there. */
function spoolDecides(spool: SqliteDatabase, activityId: number, now: number): boolean {
  const known = spool.prepare('SELECT 1 FROM storm_held WHERE activity_id = ? UNION ALL SELECT 1 FROM storm_windows WHERE first_activity = ?').get(activityId, activityId);
  return known !== undefined || spool.prepare('SELECT 1 FROM storm_windows WHERE flushed_at IS NULL AND ends_at > ?').get(now) !== undefined;
}
