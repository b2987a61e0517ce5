import { VigilError } from '../../domain/errors.js';
import type { Activity, ActivityLogEntry } from '../../domain/activity.js';
import type { ActivityEnd, ActivityFilter, ActivityIdBounds, ActivityStore, NewActivity } from '../ports/activity-store.js';
import { activityOf, activityOwnerOf, firstErrorOf, type ActivityRow } from '../rows/activity-row.js';
import type { PgDatabase, Queryable } from './database.js';

/** The activity log in PostgreSQL: one row per activity, its log entries in activity_log. */
export class PgActivityStore implements ActivityStore {
  /** `host`: whose runs the per-set reads see, on a store hosts share ('' on a store of one host: every run). */
  constructor(
    private readonly db: PgDatabase,
    private readonly host = '',
  ) {}

  async start(activity: NewActivity): Promise<number> {
    return insert(this.db, activity);
  }

  async finish(id: number, end: ActivityEnd): Promise<Activity> {
    await this.db.transaction((tx) => endActivity(tx, id, end));
    return (await this.get(id))!;
  }

  async record(activity: NewActivity, end: ActivityEnd): Promise<Activity> {
    const id = await this.db.transaction(async (tx) => {
      const newId = await insert(tx, activity);
      await endActivity(tx, newId, end);
      return newId;
    });
    return (await this.get(id))!;
  }

  async abandonRunning(now: number, reason: string, isAlive: (owner: { host: string; pid: number } | null) => boolean): Promise<Activity[]> {
    const rows = await this.db.rows<ActivityRow>("SELECT * FROM activities WHERE status = 'running' ORDER BY id");
    const ended: Activity[] = [];
    for (const row of rows) {
      if (isAlive(activityOwnerOf(row))) continue;
      const done = await this.db.transaction(async (tx) => {
        // Another process may have abandoned it between the read and now: the row lock decides.
        const still = await tx.one("SELECT 1 FROM activities WHERE id = $1 AND status = 'running' FOR UPDATE", [row.id]);
        if (!still) return false;
        await tx.run(
          `INSERT INTO activity_log (activity, seq, severity, message, path)
           SELECT $1, COALESCE(MAX(seq) + 1, 0), 'error', $2, NULL FROM activity_log WHERE activity = $1`,
          [row.id, reason],
        );
        await tx.run(
          "UPDATE activities SET status = 'incomplete', ended_at = $1, errors = errors + 1, first_error = COALESCE(first_error, $2) WHERE id = $3",
          [Math.max(now, row.started_at), reason, row.id],
        );
        return true;
      });
      if (done) ended.push((await this.get(row.id))!);
    }
    return ended;
  }

  async running(set: string): Promise<Activity[]> {
    return (await this.db.rows<ActivityRow>("SELECT * FROM activities WHERE set_name = $1 AND status = 'running' AND ($2 = '' OR host = $2 OR host IS NULL) ORDER BY id", [set, this.host])).map(activityOf);
  }

  async idBounds(): Promise<ActivityIdBounds> {
    // Each a probe of the primary key's index (Number: a BIGINT may arrive as a string).
    const row = await this.db.one<{ lowest: string | null; highest: string | null; pruned: string | null }>(
      'SELECT (SELECT min(id) FROM activities) AS lowest, (SELECT max(id) FROM activities) AS highest, (SELECT pruned FROM activity_prunes) AS pruned',
    );
    return { lowest: Number(row?.lowest ?? 0), highest: Number(row?.highest ?? 0), pruned: Number(row?.pruned ?? 0) };
  }

  async get(id: number): Promise<Activity | undefined> {
    const row = await this.db.one<ActivityRow>('SELECT * FROM activities WHERE id = $1', [id]);
    return row ? activityOf(row) : undefined;
  }

  async log(id: number): Promise<ActivityLogEntry[]> {
    return this.db.rows<ActivityLogEntry>('SELECT seq, severity, message, path FROM activity_log WHERE activity = $1 ORDER BY seq', [id]);
  }

  async list(filter: ActivityFilter): Promise<Activity[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.since !== undefined) where.push(`started_at >= ${param(filter.since)}`);
    if (filter.set !== undefined) where.push(`set_name = ${param(filter.set)}`);
    if (filter.kind !== undefined) where.push(`kind = ${param(filter.kind)}`);
    if (filter.host !== undefined) where.push(`host = ${param(filter.host)}`);
    if (filter.statuses?.length) where.push(`status = ANY(${param(filter.statuses)}::text[])`);
    const sql = `SELECT * FROM activities ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT ${param(filter.limit ?? 1000)}`;
    return (await this.db.rows<ActivityRow>(sql, params)).map(activityOf);
  }
}

async function insert(q: Queryable, activity: NewActivity): Promise<number> {
  const row = await q.one<{ id: number }>(
    `INSERT INTO activities (kind, set_name, engine, trigger, status, started_at, scheduled_for, owner_host, owner_pid, host)
     VALUES ($1, $2, $3, $4, 'running', $5, $6, $7, $8, $9) RETURNING id`,
    [activity.kind, activity.set, activity.engine, activity.trigger, activity.startedAt, activity.scheduledFor ?? null, activity.owner?.host ?? null, activity.owner?.pid ?? null, activity.host ?? activity.owner?.host ?? null],
  );
  return row!.id;
}

async function endActivity(tx: Queryable, id: number, end: ActivityEnd): Promise<void> {
  const row = await tx.one<{ status: string; started_at: number }>('SELECT status, started_at FROM activities WHERE id = $1 FOR UPDATE', [id]);
  if (!row) throw new VigilError('ERR_ACTIVITY_NOT_FOUND', `no activity with id ${id}`);
  if (row.status !== 'running') throw new VigilError('ERR_STORE', `activity ${id} already ended (${row.status}); an activity ends once`);
  // The whole (capped) log in one statement: one round trip, however many entries.
  if (end.log.length > 0) {
    await tx.run(
      `INSERT INTO activity_log (activity, seq, severity, message, path)
       SELECT $1, e.seq - 1, e.severity, e.message, e.path FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(severity, message, path, seq)`,
      [id, end.log.map((e) => e.severity), end.log.map((e) => e.message), end.log.map((e) => e.path ?? null)],
    );
  }
  const firstError = firstErrorOf(end.log);
  const c = end.counters;
  // A clock that moved backwards during the run must not produce an end before the start.
  await tx.run(
    `UPDATE activities SET status = $1, ended_at = $2, files = $3, bytes_scanned = $4, bytes_new = $5, errors = $6, warnings = $7,
       first_error = $8, snapshot_id = $9, log_dropped = $10 WHERE id = $11`,
    [end.status, Math.max(end.endedAt, row.started_at), c.files, c.bytesScanned, c.bytesNew, c.errors, c.warnings, firstError, end.snapshotId ?? null, end.logDropped, id],
  );
}
