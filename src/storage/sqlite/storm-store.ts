import type { HeldFailure, StormStore, StormWindow } from '../ports/storm-store.js';
import { KEEP_FLUSHED_MS, stormWindowOf, type StormHeldRow, type StormWindowRow } from '../rows/storm-rows.js';
import type { SqliteDatabase } from './database.js';

/** Storm windows and the failures held in them (migration 5). */
export class SqliteStormStore implements StormStore {
  /** `host`: whose state this handle keeps, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly host = '',
  ) {}

  async admit(f: HeldFailure, now: number, windowMs: number): Promise<'opened' | 'held'> {
    // IMMEDIATE: two failures admitted together (or by two processes) never both open a window.
    return this.db
      .transaction((): 'opened' | 'held' => {
        // The same run admitted again (notification recovering after a crash) keeps its verdict.
        if (this.db.prepare('SELECT 1 FROM storm_held WHERE activity_id = ?').get(f.activityId)) return 'held';
        if (this.db.prepare('SELECT 1 FROM storm_windows WHERE first_activity = ?').get(f.activityId)) return 'opened';
        // Not `opened_at <= now`: `now` was read before this transaction waited for the write
        // lock, so another process may have opened the window a moment "after" it.
        const open = this.db
          .prepare('SELECT id FROM storm_windows WHERE host = ? AND flushed_at IS NULL AND ends_at > ? ORDER BY opened_at DESC LIMIT 1')
          .get(this.host, now) as { id: number } | undefined;
        if (open) {
          this.db
            .prepare('INSERT INTO storm_held (window, set_name, status, first_error, activity_id, ended_at) VALUES (?, ?, ?, ?, ?, ?)')
            .run(open.id, f.set, f.status, f.firstError, f.activityId, f.endedAt);
          return 'held';
        }
        this.db
          .prepare(
            `INSERT INTO storm_windows (host, opened_at, ends_at, first_set, first_status, first_error, first_activity, first_ended_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(this.host, now, now + windowMs, f.set, f.status, f.firstError, f.activityId, f.endedAt);
        return 'opened';
      })
      .immediate();
  }

  async ended(now: number): Promise<StormWindow[]> {
    const windows = this.db.prepare('SELECT * FROM storm_windows WHERE host = ? AND flushed_at IS NULL AND ends_at <= ? ORDER BY ends_at, id').all(this.host, now) as StormWindowRow[];
    const heldOf = this.db.prepare('SELECT * FROM storm_held WHERE window = ? ORDER BY id');
    return windows.map((w) => stormWindowOf(w, heldOf.all(w.id) as StormHeldRow[]));
  }

  async markFlushed(id: number, at: number): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('UPDATE storm_windows SET flushed_at = ? WHERE id = ?').run(at, id);
      this.db.prepare('DELETE FROM storm_windows WHERE flushed_at IS NOT NULL AND flushed_at < ?').run(at - KEEP_FLUSHED_MS);
    })();
  }

  async nextEnd(): Promise<number | undefined> {
    const row = this.db.prepare('SELECT MIN(ends_at) AS t FROM storm_windows WHERE host = ? AND flushed_at IS NULL').get(this.host) as { t: number | null };
    return row.t ?? undefined;
  }
}
