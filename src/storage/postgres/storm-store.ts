import type { HeldFailure, StormStore, StormWindow } from '../ports/storm-store.js';
import { KEEP_FLUSHED_MS, stormWindowOf, type StormHeldRow, type StormWindowRow } from '../rows/storm-rows.js';
import type { PgDatabase } from './database.js';

/** Storm windows and the failures held in them (migration 5). */
export class PgStormStore implements StormStore {
  /** `host`: whose state this handle keeps, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: PgDatabase,
    private readonly host = '',
  ) {}

  async admit(f: HeldFailure, now: number, windowMs: number): Promise<'opened' | 'held'> {
    // One advisory lock for every admission: two failures admitted together (or by two hosts)
    // never both open a window.
    return this.db.exclusive('storm-admit', async (tx): Promise<'opened' | 'held'> => {
      // The same run admitted again (notification recovering after a crash) keeps its verdict.
      if (await tx.one('SELECT 1 FROM storm_held WHERE activity_id = $1', [f.activityId])) return 'held';
      if (await tx.one('SELECT 1 FROM storm_windows WHERE first_activity = $1', [f.activityId])) return 'opened';
      // Not `opened_at <= now`: `now` was read before this transaction waited for the lock, so
      // another host may have opened the window a moment "after" it.
      const open = await tx.one<{ id: number }>('SELECT id FROM storm_windows WHERE host = $1 AND flushed_at IS NULL AND ends_at > $2 ORDER BY opened_at DESC LIMIT 1', [this.host, now]);
      if (open) {
        await tx.run('INSERT INTO storm_held ("window", set_name, status, first_error, activity_id, ended_at) VALUES ($1, $2, $3, $4, $5, $6)', [
          open.id,
          f.set,
          f.status,
          f.firstError,
          f.activityId,
          f.endedAt,
        ]);
        return 'held';
      }
      await tx.run(
        `INSERT INTO storm_windows (host, opened_at, ends_at, first_set, first_status, first_error, first_activity, first_ended_at)
         VALUES ($8, $1, $2, $3, $4, $5, $6, $7)`,
        [now, now + windowMs, f.set, f.status, f.firstError, f.activityId, f.endedAt, this.host],
      );
      return 'opened';
    });
  }

  async ended(now: number): Promise<StormWindow[]> {
    const windows = await this.db.rows<StormWindowRow>('SELECT * FROM storm_windows WHERE host = $1 AND flushed_at IS NULL AND ends_at <= $2 ORDER BY ends_at, id', [this.host, now]);
    if (windows.length === 0) return [];
    const held = await this.db.rows<StormHeldRow>('SELECT * FROM storm_held WHERE "window" = ANY($1::bigint[]) ORDER BY id', [windows.map((w) => w.id)]);
    return windows.map((w) => stormWindowOf(w, held.filter((h) => h.window === w.id)));
  }

  async markFlushed(id: number, at: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('UPDATE storm_windows SET flushed_at = $1 WHERE id = $2', [at, id]);
      await tx.run('DELETE FROM storm_windows WHERE flushed_at IS NOT NULL AND flushed_at < $1', [at - KEEP_FLUSHED_MS]);
    });
  }

  async nextEnd(): Promise<number | undefined> {
    const row = await this.db.one<{ t: number | null }>('SELECT MIN(ends_at) AS t FROM storm_windows WHERE host = $1 AND flushed_at IS NULL', [this.host]);
    return row?.t ?? undefined;
  }
}
