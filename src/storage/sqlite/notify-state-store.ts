import type { NotifyStateStore } from '../ports.js';
import type { StreakState } from '../../domain/streak-state.js';
import type { SqliteDatabase } from './database.js';

interface Row {
  set_name: string;
  failures: number;
  failing_since: number | null;
  signature: string | null;
  alerted_at: number | null;
  last_status: string | null;
}

/** Each set's failing streak, one row per set. */
export class SqliteNotifyStateStore implements NotifyStateStore {
  constructor(private readonly db: SqliteDatabase) {}

  async get(set: string): Promise<StreakState | undefined> {
    const row = this.db.prepare('SELECT * FROM notify_state WHERE set_name = ?').get(set) as Row | undefined;
    if (!row) return undefined;
    return { set: row.set_name, failures: row.failures, failingSince: row.failing_since, signature: row.signature, alertedAt: row.alerted_at, lastStatus: row.last_status };
  }

  async put(state: StreakState): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO notify_state (set_name, failures, failing_since, signature, alerted_at, last_status) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (set_name) DO UPDATE SET failures = excluded.failures, failing_since = excluded.failing_since,
           signature = excluded.signature, alerted_at = excluded.alerted_at, last_status = excluded.last_status`,
      )
      .run(state.set, state.failures, state.failingSince, state.signature, state.alertedAt, state.lastStatus);
  }
}
