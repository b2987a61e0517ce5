import { PENDING_STATES } from '../../domain/message.js';
import type { DeliveryHealth, ProblemGroup, RunRef, SetPeriodStats, SuccessSample, TrendCell, TrendDay } from '../../domain/summary.js';
import type { SummaryStore } from '../ports/summary-store.js';
import type { PgDatabase } from './database.js';
import { problemGroupOf, runRefOf, samplesBySet, type RunRow } from '../rows/run-ref-row.js';
import { emptySetStats, foldStatusRows, type StatusRow } from '../rows/status-stats.js';
import { sqlList as list } from '../rows/sql-list.js';

/** A message delivered later than this after its enqueue was held up (a retry, an outage, a pause). */
const LATE_AFTER_MS = 5 * 60_000;

/**
 * One set's newest successful runs whose host matches `hostIs`. On a host's view of a shared
 * store, each of its two branches (its own runs; runs from before hosts were recorded) is a
 * backward Index Only Scan of activities_host_successes (migration 44) that stops after $2 rows:
 * `host = $3 OR host IS NULL` in one condition is a bitmap scan that reads every run of the set
 * from the heap (docs/performance.md, the fleet summary).
 */
const successesOf = (hostIs: string) =>
  `(SELECT id AS "activityId", started_at AS "startedAt", ended_at AS "endedAt", files, bytes_scanned AS "bytesScanned", bytes_new AS "bytesNew"
    FROM activities WHERE ${hostIs} AND set_name = s.name AND kind = 'backup' AND status IN ('completed', 'completed-with-warnings') ORDER BY started_at DESC LIMIT $2)`;

/**
 * The Admin summaries' read side in PostgreSQL: the same aggregates as the SQLite store, each
 * over the `activities_ended` index (migration 6). Where SQLite takes the bare columns of a MAX()
 * row, this dialect says which row it means (DISTINCT ON / row_number), and per-set probes are one
 * LATERAL query instead of one round trip per set.
 */
export class PgSummaryStore implements SummaryStore {
  /** `host`: whose runs the per-set reads see, on a store hosts share ('' on a store of one host: every run). */
  constructor(
    private readonly db: PgDatabase,
    private readonly host = '',
  ) {}

  async periodStats(since: number, until: number): Promise<SetPeriodStats[]> {
    const rows = await this.db.rows<StatusRow>(
      `SELECT set_name AS s, status, COUNT(*) AS n, SUM(files) AS files, SUM(bytes_scanned) AS scanned, SUM(bytes_new) AS added,
              SUM(CASE WHEN status IN ('missed', 'skipped') THEN 0 ELSE ended_at - started_at END) AS took
       FROM activities WHERE ended_at >= $1 AND ended_at < $2 AND kind = 'backup' AND set_name IS NOT NULL
       GROUP BY set_name, status`,
      [since, until],
    );
    return foldStatusRows(rows, (r) => r.s, (r) => emptySetStats(r.s));
  }

  async problems(since: number, until: number): Promise<ProblemGroup[]> {
    // Each group's count, and its latest (last ended) run.
    const rows = await this.db.rows<RunRow & { s: string; n: number }>(
      `SELECT s, status, n, ended, id, started, err FROM (
         SELECT set_name AS s, status, COUNT(*) OVER (PARTITION BY set_name, status) AS n, ended_at AS ended, id, started_at AS started, first_error AS err,
                row_number() OVER (PARTITION BY set_name, status ORDER BY ended_at DESC, id DESC) AS latest
         FROM activities WHERE ended_at >= $1 AND ended_at < $2 AND kind = 'backup' AND set_name IS NOT NULL AND status != 'completed') g
       WHERE latest = 1`,
      [since, until],
    );
    return rows.map(problemGroupOf);
  }

  async lastRuns(sets: readonly string[]): Promise<RunRef[]> {
    const rows = await this.db.rows<RunRow & { s: string }>(
      `SELECT s.name AS s, r.* FROM unnest($1::text[]) WITH ORDINALITY AS s(name, i)
       CROSS JOIN LATERAL (SELECT id, status, started_at AS started, ended_at AS ended, first_error AS err FROM activities
         WHERE set_name = s.name AND kind = 'backup' AND ended_at IS NOT NULL AND ($2 = '' OR host = $2 OR host IS NULL) ORDER BY started_at DESC LIMIT 1) r
       ORDER BY s.i`,
      [sets, this.host],
    );
    return rows.map((r) => runRefOf(r, r.s));
  }

  async successSamples(sets: readonly string[], perSet: number): Promise<Record<string, SuccessSample[]>> {
    const rows = await this.db.rows<SuccessSample & { s: string }>(
      `SELECT s.name AS s, r.* FROM unnest($1::text[]) AS s(name)
       CROSS JOIN LATERAL (${this.host === '' ? successesOf('TRUE') : `SELECT * FROM (${successesOf('host = $3')} UNION ALL ${successesOf('host IS NULL')}) u ORDER BY "startedAt" DESC LIMIT $2`}) r
       ORDER BY s.name, r."startedAt" DESC`,
      this.host === '' ? [sets, perSet] : [sets, perSet, this.host],
    );
    return samplesBySet(sets, rows);
  }

  async trend(days: readonly TrendDay[], sets?: readonly string[]): Promise<TrendCell[]> {
    if (days.length === 0 || sets?.length === 0) return [];
    // With `sets` (the console's page): only their runs, over activities_set_ended (migration 36).
    const only = sets ? 'AND a.set_name = ANY($3::text[])' : '';
    return this.db.rows<TrendCell>(
      `WITH d(i, s, e) AS (SELECT i - 1, s, e FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS t(s, e, i))
       SELECT a.set_name AS "set", d.i AS day,
              SUM(CASE WHEN a.status = 'completed' THEN 1 ELSE 0 END) AS ok,
              SUM(CASE WHEN a.status IN ('completed-with-warnings', 'completed-with-errors') THEN 1 ELSE 0 END) AS partial,
              SUM(CASE WHEN a.status IN ('failed', 'incomplete', 'missed') THEN 1 ELSE 0 END) AS bad,
              SUM(a.bytes_new) AS "bytesNew"
       FROM d JOIN activities a ON a.ended_at >= d.s AND a.ended_at < d.e
       WHERE a.kind = 'backup' AND a.set_name IS NOT NULL ${only}
       GROUP BY a.set_name, d.i`,
      [days.map((d) => d.start), days.map((d) => d.end), ...(sets ? [[...new Set(sets)]] : [])],
    );
  }

  async adminFailures(since: number, until: number): Promise<RunRef[]> {
    const rows = await this.db.rows<RunRow>(
      `SELECT id, status, started_at AS started, ended_at AS ended, first_error AS err FROM activities
       WHERE ended_at >= $1 AND ended_at < $2 AND kind = 'admin' AND status = 'failed' ORDER BY ended_at`,
      [since, until],
    );
    return rows.map((r) => runRefOf(r, 'admin'));
  }

  async lastEnded(set: string): Promise<number | undefined> {
    const row = await this.db.one<{ ended: number }>(
      `SELECT ended_at AS ended FROM activities WHERE set_name = $1 AND kind = 'backup' AND ended_at IS NOT NULL AND status != 'skipped' AND ($2 = '' OR host = $2 OR host IS NULL) ORDER BY started_at DESC LIMIT 1`,
      [set, this.host],
    );
    return row?.ended;
  }

  async delivery(since: number, until: number, stuckBefore: number): Promise<DeliveryHealth> {
    const inPeriod = (column: string) => `${column} >= $1 AND ${column} < $2`;
    const counts = (await this.db.one<Record<string, number | null>>(
      `SELECT COUNT(*) FILTER (WHERE state = 'sent' AND ${inPeriod('sent_at')}) AS sent,
              COUNT(*) FILTER (WHERE state = 'queued-locally' AND ${inPeriod('updated_at')}) AS "queuedLocally",
              COUNT(*) FILTER (WHERE state = 'failed' AND ${inPeriod('updated_at')}) AS failed,
              COUNT(*) FILTER (WHERE state = 'expired' AND ${inPeriod('updated_at')}) AS expired,
              COUNT(*) FILTER (WHERE state IN (${list(PENDING_STATES)}) AND created_at < $3) AS stuck,
              COUNT(*) FILTER (WHERE possible_duplicate = 1 AND ${inPeriod('updated_at')}) AS "possibleDuplicates"
       FROM messages WHERE updated_at >= $1 OR state IN (${list(PENDING_STATES)})`,
      [since, until, stuckBefore],
    ))!;
    const mta = (await this.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM mta_handoffs WHERE left_at IS NULL AND stuck_since IS NOT NULL'))!;
    // Late: an attempt in the period that did not deliver, or a delivery in the period more than
    // LATE_AFTER_MS after the enqueue (see the SQLite store for why attempts alone are not enough).
    const late = (await this.db.one<{ deferred: number; longest: number | null }>(
      `SELECT (SELECT COUNT(*) FROM messages m
               WHERE EXISTS (SELECT 1 FROM attempts a WHERE a.message = m.id AND a.started_at >= $1 AND a.started_at < $2 AND a.outcome NOT IN ('accepted', 'queued-locally'))
                  OR (m.state IN ('sent', 'queued-locally') AND m.sent_at >= $1 AND m.sent_at < $2 AND m.sent_at - m.created_at > $3)) AS deferred,
              (SELECT MAX(sent_at - created_at) FROM messages WHERE state IN ('sent', 'queued-locally') AND sent_at >= $1 AND sent_at < $2) AS longest`,
      [since, until, LATE_AFTER_MS],
    ))!;
    return {
      sent: counts.sent ?? 0,
      queuedLocally: counts.queuedLocally ?? 0,
      failed: counts.failed ?? 0,
      expired: counts.expired ?? 0,
      stuck: counts.stuck ?? 0,
      stuckInMta: mta.n,
      possibleDuplicates: counts.possibleDuplicates ?? 0,
      deferred: late.deferred,
      longestDelayMs: Math.max(0, late.longest ?? 0),
    };
  }

  async lastAttempts(): Promise<Array<{ profile: string; server: string; at: number; outcome: string; errorCode: string | null; detail: string }>> {
    // The newest attempt per (profile, server).
    return this.db.rows(
      `SELECT DISTINCT ON (m.profile, a.server) m.profile AS profile, a.server AS server, a.started_at AS at, a.outcome AS outcome,
              a.error_code AS "errorCode", a.detail AS detail
       FROM attempts a JOIN messages m ON m.id = a.message WHERE a.server IS NOT NULL
       ORDER BY m.profile, a.server, a.started_at DESC, a.id DESC`,
    );
  }

  async stuckMessages(stuckBefore: number, limit: number): Promise<Array<{ id: string; subject: string; createdAt: number; state: string }>> {
    return this.db.rows(
      `SELECT id, subject, created_at AS "createdAt", state FROM messages WHERE state IN (${list(PENDING_STATES)}) AND created_at < $1 ORDER BY created_at LIMIT $2`,
      [stuckBefore, limit],
    );
  }
}
