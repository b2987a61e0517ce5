import type { AdminRun, AdminRunStore } from '../ports/admin-run-store.js';
import { adminRunEndValues, adminRunOf, type AdminRunRow } from '../rows/admin-run-row.js';
import type { WatchdogState, WatchdogStateStore } from '../ports/watchdog-state-store.js';
import type { SqliteDatabase } from './database.js';

/** Admin runs by period key (migrations 6 and 8). The primary key is what makes "never twice" hold. */
export class SqliteAdminRunStore implements AdminRunStore {
  constructor(private readonly db: SqliteDatabase) {}

  async claim(run: Pick<AdminRun, 'key' | 'kind' | 'dueAt' | 'startedAt' | 'owner'>, staleBefore: number): Promise<boolean> {
    // IMMEDIATE: the read and the write are one step for every process sharing the file.
    return this.db
      .transaction(() => {
        const existing = this.db.prepare('SELECT state, started_at, retry_at FROM admin_runs WHERE key = ?').get(run.key) as
          | { state: string; started_at: number; retry_at: number | null }
          | undefined;
        const stale = existing?.state === 'running' && existing.started_at < staleBefore;
        const retryDue = existing?.state === 'failed' && existing.retry_at !== null && existing.retry_at <= run.startedAt;
        if (existing && !stale && !retryDue) return false;
        this.db
          .prepare(
            `INSERT INTO admin_runs (key, kind, due_at, started_at, state, owner) VALUES (?, ?, ?, ?, 'running', ?)
             ON CONFLICT (key) DO UPDATE SET started_at = excluded.started_at, owner = excluded.owner, state = 'running', ended_at = NULL, error = NULL,
               retry_at = NULL, attempts = attempts + 1`,
          )
          .run(run.key, run.kind, run.dueAt, run.startedAt, run.owner);
        return true;
      })
      .immediate();
  }

  async finish(key: string, end: Pick<AdminRun, 'state' | 'endedAt' | 'activityId' | 'outboxIds' | 'error'> & { retryAt?: number | null }): Promise<void> {
    this.db
      .prepare('UPDATE admin_runs SET state = ?, ended_at = ?, activity_id = ?, outbox_ids = ?, error = ?, retry_at = ? WHERE key = ?')
      .run(...adminRunEndValues(end), key);
  }

  async get(key: string): Promise<AdminRun | undefined> {
    const row = this.db.prepare('SELECT * FROM admin_runs WHERE key = ?').get(key) as AdminRunRow | undefined;
    return row ? adminRunOf(row) : undefined;
  }
}

/** The watchdog's per-set start of watch (migration 6). */
export class SqliteWatchdogStateStore implements WatchdogStateStore {
  constructor(private readonly db: SqliteDatabase) {}

  async get(set: string): Promise<WatchdogState | undefined> {
    const row = this.db.prepare('SELECT set_name, schedule, since FROM watchdog_state WHERE set_name = ?').get(set) as { set_name: string; schedule: string; since: number } | undefined;
    return row ? { set: row.set_name, schedule: row.schedule, since: row.since } : undefined;
  }

  async put(state: WatchdogState): Promise<void> {
    this.db
      .prepare('INSERT INTO watchdog_state (set_name, schedule, since) VALUES (?, ?, ?) ON CONFLICT (set_name) DO UPDATE SET schedule = excluded.schedule, since = excluded.since')
      .run(state.set, state.schedule, state.since);
  }
}
