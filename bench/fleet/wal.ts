/**
 * The WAL the bench's cluster wrote, and (when pg_stat_statements is loaded) where the backends'
 * time went per statement: the database's share of the Outbox is its statements plus the WAL and
 * vacuuming they cause, and the WAL barely moves with the machine's load, unlike msg/s.
 *
 * Bytes come from pg_current_wal_lsn() (exact at any moment); records and full-page images from
 * pg_stat_wal, which a backend reports when idle or at exit (read it after the hosts have closed).
 */
import type { PostgresCluster } from '../../test/helpers/postgres.js';

export interface WalMark {
  lsn: string;
  records: number;
  fpi: number;
}

export async function walMark(cluster: PostgresCluster): Promise<WalMark> {
  const { rows } = await cluster.query('SELECT pg_current_wal_lsn()::text AS lsn, wal_records::bigint AS records, wal_fpi::bigint AS fpi FROM pg_stat_wal');
  const row = rows[0] as { lsn: string; records: string; fpi: string };
  return { lsn: row.lsn, records: Number(row.records), fpi: Number(row.fpi) };
}

/** WAL bytes between two LSNs. */
export async function walBytes(cluster: PostgresCluster, from: string, to: string): Promise<number> {
  const { rows } = await cluster.query('SELECT pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn)::bigint AS bytes', [from, to]);
  return Number((rows[0] as { bytes: string }).bytes);
}

/** BENCH_FLEET_STATEMENTS=1: pg_stat_statements in the bench's throwaway cluster (never a setting of the tests' or users' servers). */
export const STATEMENTS = process.env.BENCH_FLEET_STATEMENTS === '1';

/** Loads pg_stat_statements (a restart); its view, in the `postgres` database, shows every database's statements. */
export async function loadStatements(cluster: PostgresCluster): Promise<void> {
  await cluster.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  await cluster.halt();
  await cluster.resume();
  await cluster.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
}

export async function resetStatements(cluster: PostgresCluster): Promise<void> {
  if (STATEMENTS) await cluster.query('SELECT pg_stat_statements_reset()');
}

/** The statements of `database` by total time, per delivered message (ms, calls, WAL bytes). */
export async function topStatements(cluster: PostgresCluster, database: string, messages: number): Promise<Array<Record<string, unknown>>> {
  if (!STATEMENTS) return [];
  const { rows } = await cluster.query(
    `SELECT left(regexp_replace(s.query, '\\s+', ' ', 'g'), 90) AS query, s.calls::bigint AS calls,
       round((s.total_exec_time + s.total_plan_time)::numeric, 1) AS ms, s.rows::bigint AS rows, s.wal_records::bigint AS wal_records, s.wal_bytes::bigint AS wal_bytes
     FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1
     ORDER BY s.total_exec_time + s.total_plan_time DESC LIMIT 8`,
    [database],
  );
  return rows.map((r) => {
    const row = r as { query: string; calls: string; ms: string; rows: string; wal_records: string; wal_bytes: string };
    return {
      query: row.query,
      calls: Number(row.calls),
      msPerMessage: Number((Number(row.ms) / messages).toFixed(3)),
      walBytesPerMessage: Math.round(Number(row.wal_bytes) / messages),
      walRecordsPerMessage: Number((Number(row.wal_records) / messages).toFixed(2)),
    };
  });
}
