import type { FinalStatus } from '../../domain/activity.js';
import { UNKNOWN_HOST, type FleetLastRun, type FleetProblemGroup, type FleetSetStats } from '../../domain/fleet-summary.js';
import type { FleetSummaryStore } from '../ports/fleet-summary-store.js';
import { lastOf, statsOf, type LastRow, type StatsRow } from '../rows/fleet-summary-rows.js';
import type { SqliteDatabase } from './database.js';

const HOST = `COALESCE(host, '${UNKNOWN_HOST}')`;

/**
 * The fleet summary's per-host aggregates in SQLite (a data directory several host names share).
 * The same statements as the single-host SummaryStore with the host added to each group; the
 * per-pair probes read activities_host_set (migration 38) backwards, one row each.
 */
export class SqliteFleetSummaryStore implements FleetSummaryStore {
  constructor(private readonly db: SqliteDatabase) {}

  async hostStats(since: number, until: number): Promise<FleetSetStats[]> {
    const rows = this.db
      .prepare(
        `SELECT ${HOST} AS h, set_name AS s, status, COUNT(*) AS n, SUM(files) AS files, SUM(bytes_scanned) AS scanned, SUM(bytes_new) AS added,
                SUM(CASE WHEN status IN ('missed', 'skipped') THEN 0 ELSE ended_at - started_at END) AS took
         FROM activities WHERE ended_at >= ? AND ended_at < ? AND kind = 'backup' AND set_name IS NOT NULL
         GROUP BY h, set_name, status`,
      )
      .all(since, until) as StatsRow[];
    return statsOf(rows);
  }

  async hostProblems(since: number, until: number): Promise<FleetProblemGroup[]> {
    // The bare columns of MAX() come from the row holding the maximum: each group's latest run.
    const rows = this.db
      .prepare(
        `SELECT ${HOST} AS h, set_name AS s, status, COUNT(*) AS n, MAX(ended_at) AS ended, id, started_at AS started, first_error AS err
         FROM activities WHERE ended_at >= ? AND ended_at < ? AND kind = 'backup' AND set_name IS NOT NULL AND status != 'completed'
         GROUP BY h, set_name, status`,
      )
      .all(since, until) as Array<{ h: string; s: string; status: FinalStatus; n: number; ended: number; id: number; started: number; err: string | null }>;
    return rows.map((r) => ({ host: r.h, set: r.s, status: r.status, count: r.n, latest: { activityId: r.id, set: r.s, status: r.status, startedAt: r.started, endedAt: r.ended, firstError: r.err } }));
  }

  async hostLastRuns(pairs: ReadonlyArray<{ host: string; set: string }>): Promise<FleetLastRun[]> {
    if (pairs.length === 0) return [];
    const rows = this.db
      .prepare(
        `WITH p(h, s) AS (SELECT json_extract(value, '$.host'), json_extract(value, '$.set') FROM json_each(?))
         SELECT p.h, p.s, a.id, a.status, a.started_at AS started, a.ended_at AS ended, a.first_error AS err,
                (SELECT ended_at FROM activities INDEXED BY activities_host_set WHERE host = p.h AND set_name = p.s AND ended_at IS NOT NULL AND kind = 'backup'
                   AND status IN ('completed', 'completed-with-warnings') ORDER BY ended_at DESC LIMIT 1) AS ok
         FROM p LEFT JOIN activities a ON a.id = (SELECT id FROM activities INDEXED BY activities_host_set WHERE host = p.h AND set_name = p.s AND ended_at IS NOT NULL AND kind = 'backup' ORDER BY ended_at DESC LIMIT 1)`,
      )
      .all(JSON.stringify(pairs)) as LastRow[];
    return rows.map(lastOf);
  }

  async lastEndedOn(host: string, set: string): Promise<number | undefined> {
    const row = this.db
      .prepare(`SELECT ended_at AS ended FROM activities INDEXED BY activities_host_set WHERE host = ? AND set_name = ? AND ended_at IS NOT NULL AND kind = 'backup' AND status != 'skipped' ORDER BY ended_at DESC LIMIT 1`)
      .get(host, set) as { ended: number } | undefined;
    return row?.ended;
  }
}
