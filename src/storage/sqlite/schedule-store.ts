import type { ScheduleState, ScheduleStateStore } from '../ports/schedule-state-store.js';
import type { SqliteDatabase } from './database.js';

/** The scheduler's last handled due time per set. */
export class SqliteScheduleStateStore implements ScheduleStateStore {
  /** `host`: whose state this handle keeps, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly host = '',
  ) {}

  async get(set: string): Promise<ScheduleState | undefined> {
    const row = this.db.prepare('SELECT set_name, schedule, last_due_at FROM schedule_state WHERE host = ? AND set_name = ?').get(this.host, set) as
      | { set_name: string; schedule: string; last_due_at: number }
      | undefined;
    return row ? { set: row.set_name, schedule: row.schedule, lastDueAt: row.last_due_at } : undefined;
  }

  async put(state: ScheduleState): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO schedule_state (host, set_name, schedule, last_due_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (host, set_name) DO UPDATE SET schedule = excluded.schedule, last_due_at = excluded.last_due_at`,
      )
      .run(this.host, state.set, state.schedule, state.lastDueAt);
  }

  async advance(set: string, schedule: string, from: number, to: number): Promise<boolean> {
    const result = this.db.prepare('UPDATE schedule_state SET last_due_at = ? WHERE host = ? AND set_name = ? AND schedule = ? AND last_due_at = ?').run(to, this.host, set, schedule, from);
    return result.changes === 1;
  }
}
