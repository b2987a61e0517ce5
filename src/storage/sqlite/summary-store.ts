import { FINAL_STATES, PENDING_STATES } from '../../domain/message.js';
import type { DeliveryHealth, ProblemGroup, RunRef, SetPeriodStats, SuccessSample, TrendCell, TrendDay } from '../../domain/summary.js';
import type { HousekeepingStore } from '../ports/housekeeping-store.js';
import type { SummaryStore } from '../ports/summary-store.js';
import type { SqliteDatabase } from './database.js';
import { problemGroupOf, runRefOf, samplesBySet, type RunRow } from '../rows/run-ref-row.js';
import { emptySetStats, foldStatusRows, type StatusRow } from '../rows/status-stats.js';
import { ATTEMPT_OUTCOME_KIND } from './metrics-store.js';

/** A message delivered later than this after its enqueue was held up (a retry, an outage, a pause). */
const LATE_AFTER_MS = 5 * 60_000;

/** Rows deleted per transaction while pruning: short write locks, so backups recording activity never wait long. */
const PRUNE_BATCH = 5_000;
const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * The Admin summaries' read side. Every query is an aggregate over an index (migration 6 adds
 * `activities_ended`, covering the columns summed) or a per-set probe that stops after a few rows,
 * so the cost follows the period's size, not the log's. Per-set probes run inside one statement
 * for all the sets asked about: a statement per set costs the console 1,000 round trips.
 */
export class SqliteSummaryStore implements SummaryStore {
  /** `host`: whose runs the per-set reads see, on a store hosts share ('' on a store of one host: every run). */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly host = '',
  ) {}

  /** The condition (and its parameters) narrowing a per-set read of activities to this host's runs. */
  private get ownRuns(): { sql: string; args: string[] } {
    return this.host ? { sql: 'AND (host = ? OR host IS NULL)', args: [this.host] } : { sql: '', args: [] };
  }

  async periodStats(since: number, until: number): Promise<SetPeriodStats[]> {
    const rows = this.db
      .prepare(
        `SELECT set_name AS s, status, COUNT(*) AS n, SUM(files) AS files, SUM(bytes_scanned) AS scanned, SUM(bytes_new) AS added,
                SUM(CASE WHEN status IN ('missed', 'skipped') THEN 0 ELSE ended_at - started_at END) AS took
         FROM activities WHERE ended_at >= ? AND ended_at < ? AND kind = 'backup' AND set_name IS NOT NULL
         GROUP BY set_name, status`,
      )
      .all(since, until) as StatusRow[];
    return foldStatusRows(rows, (r) => r.s, (r) => emptySetStats(r.s));
  }

  async problems(since: number, until: number): Promise<ProblemGroup[]> {
    // SQLite takes the bare columns of a MAX() aggregate from the row holding the maximum:
    // one pass gives each group's count and its latest run.
    const rows = this.db
      .prepare(
        `SELECT set_name AS s, status, COUNT(*) AS n, MAX(ended_at) AS ended, id, started_at AS started, first_error AS err
         FROM activities WHERE ended_at >= ? AND ended_at < ? AND kind = 'backup' AND set_name IS NOT NULL AND status != 'completed'
         GROUP BY set_name, status`,
      )
      .all(since, until) as Array<RunRow & { s: string; n: number }>;
    return rows.map(problemGroupOf);
  }

  async lastRuns(sets: readonly string[]): Promise<RunRef[]> {
    // One statement for every set (the names as one JSON parameter, so no variable limit): each
    // set's newest run is a probe of activities_set inside SQLite, not a round trip per set.
    // INDEXED BY: the planner would rather read all of a set's runs from activities_set_ended
    // (it covers more) and sort them — 90 rows a set instead of the first one, read backwards.
    const rows = this.db
      .prepare(
        `WITH s(name) AS (SELECT value FROM json_each(?))
         SELECT a.id, a.set_name AS s, a.status, a.started_at AS started, a.ended_at AS ended, a.first_error AS err
         FROM s JOIN activities a ON a.id = (SELECT id FROM activities INDEXED BY activities_set WHERE set_name = s.name AND kind = 'backup' AND ended_at IS NOT NULL ${this.ownRuns.sql} ORDER BY started_at DESC LIMIT 1)`,
      )
      .all(JSON.stringify(sets), ...this.ownRuns.args) as Array<RunRow & { s: string }>;
    return rows.map((r) => runRefOf(r, r.s));
  }

  async successSamples(sets: readonly string[], perSet: number): Promise<Record<string, SuccessSample[]>> {
    const rows = this.db
      .prepare(
        `WITH s(name) AS (SELECT value FROM json_each(?))
         SELECT a.set_name AS s, a.id AS activityId, a.started_at AS startedAt, a.ended_at AS endedAt, a.files, a.bytes_scanned AS bytesScanned, a.bytes_new AS bytesNew
         FROM s JOIN activities a ON a.id IN (SELECT id FROM activities INDEXED BY activities_set WHERE set_name = s.name AND kind = 'backup' AND status IN ('completed', 'completed-with-warnings') ${this.ownRuns.sql} ORDER BY started_at DESC LIMIT ?)
         ORDER BY a.set_name, a.started_at DESC`,
      )
      .all(JSON.stringify(sets), ...this.ownRuns.args, perSet) as Array<SuccessSample & { s: string }>;
    return samplesBySet(sets, rows);
  }

  async trend(days: readonly TrendDay[], sets?: readonly string[]): Promise<TrendCell[]> {
    if (days.length === 0 || sets?.length === 0) return [];
    const values = days.map(() => '(?, ?, ?)').join(', ');
    const args = days.flatMap((d, i) => [i, d.start, d.end]);
    const counts = `SELECT a.set_name AS "set", d.i AS day,
                SUM(a.status = 'completed') AS ok,
                SUM(a.status IN ('completed-with-warnings', 'completed-with-errors')) AS partial,
                SUM(a.status IN ('failed', 'incomplete', 'missed')) AS bad,
                SUM(a.bytes_new) AS bytesNew`;
    if (sets) {
      // A page of sets: per set and day, a range of activities_set_ended (migration 36), which
      // covers every column read — the cost follows the page, not the whole log of the period.
      return this.db
        .prepare(
          `WITH d(i, s, e) AS (VALUES ${values}), s(name) AS (SELECT DISTINCT value FROM json_each(?))
           ${counts}
           FROM s CROSS JOIN d JOIN activities a ON a.set_name = s.name AND a.ended_at >= d.s AND a.ended_at < d.e
           WHERE a.kind = 'backup'
           GROUP BY a.set_name, d.i`,
        )
        .all(...args, JSON.stringify(sets)) as TrendCell[];
    }
    // Every set: one index range per day (the VALUES list), grouped per set: no CASE over every row.
    return this.db
      .prepare(
        `WITH d(i, s, e) AS (VALUES ${values})
         ${counts}
         FROM d JOIN activities a ON a.ended_at >= d.s AND a.ended_at < d.e
         WHERE a.kind = 'backup' AND a.set_name IS NOT NULL
         GROUP BY a.set_name, d.i`,
      )
      .all(...args) as TrendCell[];
  }

  async adminFailures(since: number, until: number): Promise<RunRef[]> {
    const rows = this.db
      .prepare(`SELECT id, status, started_at AS started, ended_at AS ended, first_error AS err FROM activities WHERE ended_at >= ? AND ended_at < ? AND kind = 'admin' AND status = 'failed' ORDER BY ended_at`)
      .all(since, until) as RunRow[];
    return rows.map((r) => runRefOf(r, 'admin'));
  }

  async lastEnded(set: string): Promise<number | undefined> {
    const row = this.db
      .prepare(`SELECT ended_at AS ended FROM activities WHERE set_name = ? AND kind = 'backup' AND ended_at IS NOT NULL AND status != 'skipped' ${this.ownRuns.sql} ORDER BY started_at DESC LIMIT 1`)
      .get(set, ...this.ownRuns.args) as { ended: number } | undefined;
    return row?.ended;
  }

  async delivery(since: number, until: number, stuckBefore: number): Promise<DeliveryHealth> {
    const counts = this.db
      .prepare(
        `SELECT SUM(state = 'sent' AND sent_at >= @since AND sent_at < @until) AS sent,
                SUM(state = 'queued-locally' AND updated_at >= @since AND updated_at < @until) AS queuedLocally,
                SUM(state = 'failed' AND updated_at >= @since AND updated_at < @until) AS failed,
                SUM(state = 'expired' AND updated_at >= @since AND updated_at < @until) AS expired,
                SUM(state IN (${list(PENDING_STATES)}) AND created_at < @stuckBefore) AS stuck,
                SUM(possible_duplicate = 1 AND updated_at >= @since AND updated_at < @until) AS possibleDuplicates
         FROM messages WHERE updated_at >= @since OR state IN (${list(PENDING_STATES)})`,
      )
      .get({ since, until, stuckBefore }) as Record<string, number | null>;
    const mta = this.db.prepare('SELECT COUNT(*) AS n FROM mta_handoffs WHERE left_at IS NULL AND stuck_since IS NOT NULL').get() as { n: number };
    const late = this.lateness(since, until);
    return {
      sent: counts.sent ?? 0,
      queuedLocally: counts.queuedLocally ?? 0,
      failed: counts.failed ?? 0,
      expired: counts.expired ?? 0,
      stuck: counts.stuck ?? 0,
      stuckInMta: mta.n,
      possibleDuplicates: counts.possibleDuplicates ?? 0,
      ...late,
    };
  }

  /**
   * Mail that was late in the period, which the end states hide once an outage is over: messages
   * with an attempt in the period that did not deliver, and the longest wait from enqueue to
   * delivery among those delivered in it.
   */
  private lateness(since: number, until: number): { deferred: number; longestDelayMs: number } {
    // Late: an attempt in the period that did not deliver, or a delivery in the period more than
    // LATE_AFTER_MS after the enqueue — during an outage the route breaker holds a route's
    // messages back without attempting them, so attempts alone would count only the probe.
    const deferred = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM messages m
         WHERE EXISTS (SELECT 1 FROM attempts a WHERE a.message = m.id AND a.started_at >= @since AND a.started_at < @until AND a.outcome NOT IN ('accepted', 'queued-locally'))
            OR (m.state IN ('sent', 'queued-locally') AND m.sent_at >= @since AND m.sent_at < @until AND m.sent_at - m.created_at > @late)`,
      )
      .get({ since, until, late: LATE_AFTER_MS }) as { n: number };
    const longest = this.db
      .prepare(`SELECT MAX(sent_at - created_at) AS ms FROM messages WHERE state IN ('sent', 'queued-locally') AND sent_at >= ? AND sent_at < ?`)
      .get(since, until) as { ms: number | null };
    return { deferred: deferred.n, longestDelayMs: Math.max(0, longest.ms ?? 0) };
  }

  async lastAttempts(): Promise<Array<{ profile: string; server: string; at: number; outcome: string; errorCode: string | null; detail: string }>> {
    // SQLite returns the bare columns of the row that holds the MAX: the newest attempt per pair.
    return this.db
      .prepare(
        `SELECT m.profile AS profile, a.server AS server, MAX(a.started_at) AS at, a.outcome AS outcome, a.error_code AS errorCode, a.detail AS detail
         FROM attempts a JOIN messages m ON m.id = a.message WHERE a.server IS NOT NULL GROUP BY m.profile, a.server ORDER BY m.profile, a.server`,
      )
      .all() as Array<{ profile: string; server: string; at: number; outcome: string; errorCode: string | null; detail: string }>;
  }

  async stuckMessages(stuckBefore: number, limit: number): Promise<Array<{ id: string; subject: string; createdAt: number; state: string }>> {
    return this.db
      .prepare(`SELECT id, subject, created_at AS createdAt, state FROM messages WHERE state IN (${list(PENDING_STATES)}) AND created_at < ? ORDER BY created_at LIMIT ?`)
      .all(stuckBefore, limit) as Array<{ id: string; subject: string; createdAt: number; state: string }>;
  }
}

/** Retention (Admin housekeeping). Logs and attempts go with their rows (ON DELETE CASCADE). */
export class SqliteHousekeepingStore implements HousekeepingStore {
  constructor(private readonly db: SqliteDatabase) {}

  async pruneActivities(before: number): Promise<number> {
    const batch = this.db.prepare(`DELETE FROM activities WHERE id IN (SELECT id FROM activities WHERE ended_at < ? AND status != 'running' LIMIT ${PRUNE_BATCH})`);
    // Counted in the batch's transaction: ActivityStore.idBounds reports it, so readers that keep
    // what they read (the console) see a prune even when the lowest id survives it.
    const count = this.db.prepare('INSERT INTO activity_prunes (id, pruned) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET pruned = pruned + excluded.pruned');
    return this.inBatches(() => {
      const n = batch.run(before).changes;
      if (n > 0) count.run(n);
      return n;
    });
  }

  async pruneMessages(before: number): Promise<number> {
    const doomed = this.db.prepare(`SELECT id FROM messages WHERE created_at < ? AND updated_at < ? AND state IN (${list(FINAL_STATES)}) LIMIT ${PRUNE_BATCH}`).pluck();
    // The attempts go with their messages (ON DELETE CASCADE), but /metrics counts them for
    // ever (a Prometheus counter never goes down): fold them into attempt_totals first, in the
    // same transaction (migration 45; the reader is metrics-store.ts).
    const fold = this.db.prepare(
      `INSERT INTO attempt_totals (transport, outcome, host, count)
         SELECT transport, ${ATTEMPT_OUTCOME_KIND}, COALESCE(host, ''), COUNT(*) FROM attempts WHERE message IN (SELECT value FROM json_each(?)) GROUP BY 1, 2, 3
       ON CONFLICT (transport, outcome, host) DO UPDATE SET count = count + excluded.count`,
    );
    const remove = this.db.prepare(`DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))`);
    return this.inBatches(() => {
      const ids = JSON.stringify(doomed.all(before, before));
      fold.run(ids);
      return remove.run(ids).changes;
    });
  }

  async pruneNotifyLedger(before: number): Promise<number> {
    const batch = this.db.prepare(
      `DELETE FROM notify_ledger WHERE activity_id IN (SELECT l.activity_id FROM notify_ledger l LEFT JOIN activities a ON a.id = l.activity_id
         WHERE l.begun_at < ? OR a.id IS NULL LIMIT ${PRUNE_BATCH})`,
    );
    return this.inBatches(() => batch.run(before).changes);
  }

  async pruneEscalations(before: number): Promise<number> {
    const batch = this.db.prepare(`DELETE FROM escalations WHERE id IN (SELECT id FROM escalations WHERE escalated_at < ? LIMIT ${PRUNE_BATCH})`);
    return this.inBatches(() => batch.run(before).changes);
  }

  private async inBatches(step: () => number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = this.db.transaction(step).immediate();
      total += n;
      if (n < PRUNE_BATCH) return total;
      // Let other work (the dispatcher, a finishing backup) in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
