import type { AdminRun, AdminRunStore } from '../ports/admin-run-store.js';
import { adminRunEndValues, adminRunOf, type AdminRunRow } from '../rows/admin-run-row.js';
import type { WatchdogState, WatchdogStateStore } from '../ports/watchdog-state-store.js';
import type { PgDatabase } from './database.js';

/** Admin runs by period key (migrations 6 and 8). The primary key is what makes "never twice" hold. */
export class PgAdminRunStore implements AdminRunStore {
  constructor(private readonly db: PgDatabase) {}

  async claim(run: Pick<AdminRun, 'key' | 'kind' | 'dueAt' | 'startedAt' | 'owner'>, staleBefore: number): Promise<boolean> {
    // One statement: the insert, or the take-over of a stale or retry-due run, is atomic for every
    // host; a period held by a live run (or sent, or given up) changes no row.
    const changed = await this.db.run(
      `INSERT INTO admin_runs (key, kind, due_at, started_at, state, owner) VALUES ($1, $2, $3, $4, 'running', $5)
       ON CONFLICT (key) DO UPDATE SET started_at = excluded.started_at, owner = excluded.owner, state = 'running', ended_at = NULL, error = NULL,
         retry_at = NULL, attempts = admin_runs.attempts + 1
       WHERE (admin_runs.state = 'running' AND admin_runs.started_at < $6)
          OR (admin_runs.state = 'failed' AND admin_runs.retry_at IS NOT NULL AND admin_runs.retry_at <= excluded.started_at)`,
      [run.key, run.kind, run.dueAt, run.startedAt, run.owner, staleBefore],
    );
    return changed === 1;
  }

  async finish(key: string, end: Pick<AdminRun, 'state' | 'endedAt' | 'activityId' | 'outboxIds' | 'error'> & { retryAt?: number | null }): Promise<void> {
    await this.db.run('UPDATE admin_runs SET state = $1, ended_at = $2, activity_id = $3, outbox_ids = $4, error = $5, retry_at = $6 WHERE key = $7', [...adminRunEndValues(end), key]);
  }

  async get(key: string): Promise<AdminRun | undefined> {
    const row = await this.db.one<AdminRunRow>('SELECT * FROM admin_runs WHERE key = $1', [key]);
    return row ? adminRunOf(row) : undefined;
  }
}

/** The watchdog's per-set start of watch (migration 6). */
export class PgWatchdogStateStore implements WatchdogStateStore {
  constructor(private readonly db: PgDatabase) {}

  async get(set: string): Promise<WatchdogState | undefined> {
    const row = await this.db.one<{ set_name: string; schedule: string; since: number }>('SELECT set_name, schedule, since FROM watchdog_state WHERE set_name = $1', [set]);
    return row ? { set: row.set_name, schedule: row.schedule, since: row.since } : undefined;
  }

  async put(state: WatchdogState): Promise<void> {
    await this.db.run(
      'INSERT INTO watchdog_state (set_name, schedule, since) VALUES ($1, $2, $3) ON CONFLICT (set_name) DO UPDATE SET schedule = excluded.schedule, since = excluded.since',
      [state.set, state.schedule, state.since],
    );
  }
}
