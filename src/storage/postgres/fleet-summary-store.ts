import type { FinalStatus } from '../../domain/activity.js';
import { UNKNOWN_HOST, type FleetLastRun, type FleetProblemGroup, type FleetSetStats } from '../../domain/fleet-summary.js';
import type { FleetSummaryStore } from '../ports/fleet-summary-store.js';
import { lastOf, statsOf, type LastRow, type StatsRow } from '../rows/fleet-summary-rows.js';
import type { PgDatabase } from './database.js';

const HOST = `COALESCE(host, '${UNKNOWN_HOST}')`;

/**
 * The fleet summary's per-host aggregates in PostgreSQL: the period's groups over
 * `activities_ended`, the latest run of each group by row_number(), and every (host, set) probe
 * in one LATERAL query over activities_host_set (migration 38) — a round trip per set would cost
 * 2,000 of them for 20 hosts of 100 sets.
 */
export class PgFleetSummaryStore implements FleetSummaryStore {
  constructor(private readonly db: PgDatabase) {}

  async hostStats(since: number, until: number): Promise<FleetSetStats[]> {
    const rows = await this.db.rows<StatsRow>(
      `SELECT ${HOST} AS h, set_name AS s, status, COUNT(*) AS n, SUM(files) AS files, SUM(bytes_scanned) AS scanned, SUM(bytes_new) AS added,
              SUM(CASE WHEN status IN ('missed', 'skipped') THEN 0 ELSE ended_at - started_at END) AS took
       FROM activities WHERE ended_at >= $1 AND ended_at < $2 AND kind = 'backup' AND set_name IS NOT NULL
       GROUP BY 1, set_name, status`,
      [since, until],
    );
    return statsOf(rows);
  }

  async hostProblems(since: number, until: number): Promise<FleetProblemGroup[]> {
    const rows = await this.db.rows<{ h: string; s: string; status: FinalStatus; n: number; ended: number; id: number; started: number; err: string | null }>(
      `SELECT h, s, status, n, ended, id, started, err FROM (
         SELECT ${HOST} AS h, set_name AS s, status, COUNT(*) OVER (PARTITION BY host, set_name, status) AS n, ended_at AS ended, id, started_at AS started, first_error AS err,
                row_number() OVER (PARTITION BY host, set_name, status ORDER BY ended_at DESC, id DESC) AS latest
         FROM activities WHERE ended_at >= $1 AND ended_at < $2 AND kind = 'backup' AND set_name IS NOT NULL AND status != 'completed') g
       WHERE latest = 1`,
      [since, until],
    );
    return rows.map((r) => ({ host: r.h, set: r.s, status: r.status, count: r.n, latest: { activityId: r.id, set: r.s, status: r.status, startedAt: r.started, endedAt: r.ended, firstError: r.err } }));
  }

  async hostLastRuns(pairs: ReadonlyArray<{ host: string; set: string }>): Promise<FleetLastRun[]> {
    if (pairs.length === 0) return [];
    const rows = await this.db.rows<LastRow>(
      `SELECT p.h, p.s, r.id, r.status, r.started, r.ended, r.err, ok.ended AS ok
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS p(h, s, i)
       LEFT JOIN LATERAL (SELECT id, status, started_at AS started, ended_at AS ended, first_error AS err FROM activities
         WHERE host = p.h AND set_name = p.s AND ended_at IS NOT NULL AND kind = 'backup' ORDER BY ended_at DESC LIMIT 1) r ON true
       LEFT JOIN LATERAL (SELECT ended_at AS ended FROM activities
         WHERE host = p.h AND set_name = p.s AND ended_at IS NOT NULL AND kind = 'backup' AND status IN ('completed', 'completed-with-warnings') ORDER BY ended_at DESC LIMIT 1) ok ON true
       ORDER BY p.i`,
      [pairs.map((p) => p.host), pairs.map((p) => p.set)],
    );
    return rows.map(lastOf);
  }

  async lastEndedOn(host: string, set: string): Promise<number | undefined> {
    const row = await this.db.one<{ ended: number }>(
      `SELECT ended_at AS ended FROM activities WHERE host = $1 AND set_name = $2 AND ended_at IS NOT NULL AND kind = 'backup' AND status != 'skipped' ORDER BY ended_at DESC LIMIT 1`,
      [host, set],
    );
    return row?.ended;
  }
}
