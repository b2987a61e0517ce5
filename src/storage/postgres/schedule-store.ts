import type { ScheduleState, ScheduleStateStore } from '../ports/schedule-state-store.js';
import type { PgDatabase } from './database.js';

/** The scheduler's last handled due time per set. */
export class PgScheduleStateStore implements ScheduleStateStore {
  /** `host`: whose state this handle keeps, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: PgDatabase,
    private readonly host = '',
  ) {}

  async get(set: string): Promise<ScheduleState | undefined> {
    const row = await this.db.one<{ set_name: string; schedule: string; last_due_at: number }>('SELECT set_name, schedule, last_due_at FROM schedule_state WHERE host = $1 AND set_name = $2', [this.host, set]);
    return row ? { set: row.set_name, schedule: row.schedule, lastDueAt: row.last_due_at } : undefined;
  }

  async put(state: ScheduleState): Promise<void> {
    await this.db.run(
      `INSERT INTO schedule_state (host, set_name, schedule, last_due_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (host, set_name) DO UPDATE SET schedule = excluded.schedule, last_due_at = excluded.last_due_at`,
      [this.host, state.set, state.schedule, state.lastDueAt],
    );
  }

  async advance(set: string, schedule: string, from: number, to: number): Promise<boolean> {
    // Compare-and-set in one statement: of two hosts advancing from the same due time, one wins.
    return (await this.db.run('UPDATE schedule_state SET last_due_at = $1 WHERE host = $2 AND set_name = $3 AND schedule = $4 AND last_due_at = $5', [to, this.host, set, schedule, from])) === 1;
  }
}
