import { VigilError } from '../../domain/errors.js';
import type { Activity, ActivityLogEntry, ActivityStatus } from '../../domain/activity.js';
import type { ActivityEnd, ActivityFilter, ActivityIdBounds, ActivityStore, NewActivity } from '../ports/activity-store.js';
import { activityOf, activityOwnerOf, firstErrorOf, type ActivityRow } from '../rows/activity-row.js';
import type { SqliteDatabase } from './database.js';

/** The activity log in SQLite: one row per activity, its log entries in activity_log. */
export class SqliteActivityStore implements ActivityStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly host = '',
  ) {}

  async start(activity: NewActivity): Promise<number> {
    return this.insert(activity, 'running');
  }

  async finish(id: number, end: ActivityEnd): Promise<Activity> {
    this.db.transaction(() => this.end(id, end)).immediate();
    return (await this.get(id))!;
  }

  async record(activity: NewActivity, end: ActivityEnd): Promise<Activity> {
    const id = this.db
      .transaction(() => {
        const newId = this.insert(activity, 'running');
        this.end(newId, end);
        return newId;
      })
      .immediate();
    return (await this.get(id))!;
  }

  async abandonRunning(now: number, reason: string, isAlive: (owner: { host: string; pid: number } | null) => boolean): Promise<Activity[]> {
    const rows = this.db.prepare("SELECT * FROM activities WHERE status = 'running'").all() as ActivityRow[];
    const ended: Activity[] = [];
    for (const row of rows) {
      if (isAlive(activityOwnerOf(row))) continue;
      const done = this.db
        .transaction(() => {
          // Another process may have abandoned it between the read and now.
          const still = this.db.prepare("SELECT 1 FROM activities WHERE id = ? AND status = 'running'").get(row.id);
          if (!still) return false;
          const seq = (this.db.prepare('SELECT COALESCE(MAX(seq) + 1, 0) AS next FROM activity_log WHERE activity = ?').get(row.id) as { next: number }).next;
          this.db.prepare('INSERT INTO activity_log (activity, seq, severity, message, path) VALUES (?, ?, ?, ?, NULL)').run(row.id, seq, 'error', reason);
          this.db
            .prepare("UPDATE activities SET status = 'incomplete', ended_at = ?, errors = errors + 1, first_error = COALESCE(first_error, ?) WHERE id = ?")
            .run(Math.max(now, row.started_at), reason, row.id);
          return true;
        })
        .immediate();
      if (done) ended.push((await this.get(row.id))!);
    }
    return ended;
  }

  async running(set: string): Promise<Activity[]> {
    return (this.db.prepare(`SELECT * FROM activities WHERE set_name = ? AND status = 'running' ${this.host ? 'AND (host = ? OR host IS NULL)' : ''} ORDER BY id`).all(set, ...(this.host ? [this.host] : [])) as ActivityRow[]).map(activityOf);
  }

  async idBounds(): Promise<ActivityIdBounds> {
    // Two subqueries: SQLite answers a lone min() or max() of the rowid from the b-tree's edge.
    const row = this.db.prepare('SELECT (SELECT min(id) FROM activities) AS lowest, (SELECT max(id) FROM activities) AS highest, (SELECT pruned FROM activity_prunes) AS pruned').get() as {
      lowest: number | null;
      highest: number | null;
      pruned: number | null;
    };
    return { lowest: row.lowest ?? 0, highest: row.highest ?? 0, pruned: row.pruned ?? 0 };
  }

  async get(id: number): Promise<Activity | undefined> {
    const row = this.db.prepare('SELECT * FROM activities WHERE id = ?').get(id) as ActivityRow | undefined;
    return row ? activityOf(row) : undefined;
  }

  async log(id: number): Promise<ActivityLogEntry[]> {
    return (this.db.prepare('SELECT seq, severity, message, path FROM activity_log WHERE activity = ? ORDER BY seq').all(id) as ActivityLogEntry[]).map((e) => ({ ...e }));
  }

  async list(filter: ActivityFilter): Promise<Activity[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.since !== undefined) {
      where.push('started_at >= ?');
      params.push(filter.since);
    }
    if (filter.set !== undefined) {
      where.push('set_name = ?');
      params.push(filter.set);
    }
    if (filter.kind !== undefined) {
      where.push('kind = ?');
      params.push(filter.kind);
    }
    if (filter.host !== undefined) {
      where.push('host = ?');
      params.push(filter.host);
    }
    if (filter.statuses?.length) {
      where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
      params.push(...filter.statuses);
    }
    const sql = `SELECT * FROM activities ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT ?`;
    params.push(filter.limit ?? 1000);
    return (this.db.prepare(sql).all(...params) as ActivityRow[]).map(activityOf);
  }

  private insert(activity: NewActivity, status: ActivityStatus): number {
    const result = this.db
      .prepare(
        `INSERT INTO activities (kind, set_name, engine, trigger, status, started_at, scheduled_for, owner_host, owner_pid, host)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        activity.kind,
        activity.set,
        activity.engine,
        activity.trigger,
        status,
        activity.startedAt,
        activity.scheduledFor ?? null,
        activity.owner?.host ?? null,
        activity.owner?.pid ?? null,
        activity.host ?? activity.owner?.host ?? null,
      );
    return Number(result.lastInsertRowid);
  }

  private end(id: number, end: ActivityEnd): void {
    const row = this.db.prepare('SELECT status, started_at FROM activities WHERE id = ?').get(id) as { status: string; started_at: number } | undefined;
    if (!row) throw new VigilError('ERR_ACTIVITY_NOT_FOUND', `no activity with id ${id}`);
    if (row.status !== 'running') throw new VigilError('ERR_STORE', `activity ${id} already ended (${row.status}); an activity ends once`);
    const insert = this.db.prepare('INSERT INTO activity_log (activity, seq, severity, message, path) VALUES (?, ?, ?, ?, ?)');
    end.log.forEach((entry, seq) => insert.run(id, seq, entry.severity, entry.message, entry.path ?? null));
    const firstError = firstErrorOf(end.log);
    const c = end.counters;
    this.db
      .prepare(
        `UPDATE activities SET status = ?, ended_at = ?, files = ?, bytes_scanned = ?, bytes_new = ?, errors = ?, warnings = ?,
           first_error = ?, snapshot_id = ?, log_dropped = ? WHERE id = ?`,
      )
      // A clock that moved backwards during the run must not produce an end before the start.
      .run(end.status, Math.max(end.endedAt, row.started_at), c.files, c.bytesScanned, c.bytesNew, c.errors, c.warnings, firstError, end.snapshotId ?? null, end.logDropped, id);
  }
}
