/**
 * bench:fleet (4)'s data: 20 hosts × 100 sets and their runs, generated inside PostgreSQL (one
 * INSERT … SELECT over generate_series: no row crosses the wire), with the distribution of
 * bench:admin — 95 % completed, then warnings, errors, failed, missed, incomplete; one set in
 * fifty lost most of its files in the last day — over the 90 days retention keeps. Each host is
 * registered with its sets and schedules, as its service would; the table is vacuumed at the end.
 */
import { openPgStore } from '../../src/storage/postgres/store.js';

export const HOSTS = 20;
export const SETS_PER_HOST = 100;
export const DAYS = 90;
export const NOW = Date.parse('2026-11-22T20:00:00Z');
const DAY_MS = 86_400_000;

export const hostName = (h: number) => `h${String(h + 1).padStart(2, '0')}`;
/** Set names are unique across the fleet: the single-host summary (the stand-in) has no host filter. */
export const setName = (h: number, s: number) => `${hostName(h)}-set-${String(s).padStart(3, '0')}`;
export const scheduleOf = (s: number) => `${s % 60} */4 * * *`;

export async function generateFleetRuns(url: string, runs: number): Promise<{ seconds: number }> {
  const started = performance.now();
  const store = await openPgStore({ url });
  try {
    for (let h = 0; h < HOSTS; h++) {
      const sets = Array.from({ length: SETS_PER_HOST }, (_v, s) => ({ name: setName(h, s), schedule: scheduleOf(s) }));
      await store.hosts.register({ name: hostName(h), version: '0.1.0', startedAt: NOW - DAYS * DAY_MS, sets }, NOW - 30_000);
    }
  } finally {
    await store.close();
  }
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const sets = HOSTS * SETS_PER_HOST;
    const step = Math.floor((DAYS * DAY_MS) / (runs / sets));
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT setseed(0.25)');
    // n → set (n % sets), host (set / SETS_PER_HOST), its k-th run (n / sets); r picks the status.
    await client.query(
      `INSERT INTO activities (kind, set_name, engine, trigger, status, started_at, ended_at, scheduled_for, files, bytes_scanned, bytes_new,
                               errors, warnings, first_error, host, owner_host, owner_pid)
       SELECT 'backup', 'h' || lpad((s / ${SETS_PER_HOST} + 1)::text, 2, '0') || '-set-' || lpad((s % ${SETS_PER_HOST})::text, 3, '0'), 'command', 'schedule', status,
              started, CASE WHEN status = 'missed' THEN started ELSE started + (60000 * (0.9 + r2 * 0.2))::bigint END, started, files, files * 50000,
              CASE WHEN status = 'missed' THEN 0 ELSE (files * 500 * r2)::bigint END,
              CASE WHEN status IN ('failed', 'completed-with-errors', 'missed') THEN 1 ELSE 0 END,
              CASE WHEN status = 'completed-with-warnings' THEN 1 ELSE 0 END,
              CASE WHEN status IN ('failed', 'completed-with-errors', 'missed') THEN 'run ' || n || ': something went wrong on /srv/data/' || s END,
              'h' || lpad((s / ${SETS_PER_HOST} + 1)::text, 2, '0'), 'h' || lpad((s / ${SETS_PER_HOST} + 1)::text, 2, '0'), 4242
       FROM (
         SELECT n, s, started, r2,
                CASE WHEN r < 0.95 THEN 'completed' WHEN r < 0.97 THEN 'completed-with-warnings' WHEN r < 0.98 THEN 'completed-with-errors'
                     WHEN r < 0.99 THEN 'failed' WHEN r < 0.995 THEN 'missed' ELSE 'incomplete' END AS status,
                CASE WHEN r >= 0.99 AND r < 0.995 THEN 0
                     ELSE ((1000 + (s % ${SETS_PER_HOST}) * 10) * (0.9 + r2 * 0.2) * CASE WHEN s % 50 = 0 AND started > $1::bigint - ${DAY_MS} THEN 0.1 ELSE 1 END)::bigint END AS files
         FROM (
           SELECT n, n % ${sets} AS s, $1::bigint - ${DAYS * DAY_MS} + (n / ${sets}) * ${step} + (n % ${sets}) * 1000 AS started, random() AS r, random() AS r2
           FROM generate_series(0, $2::bigint - 1) AS n
         ) base
       ) runs`,
      [NOW, runs],
    );
    // A bulk load leaves the visibility map unset, and without it the success samples' Index Only
    // Scans (migration 44) fetch every row from the heap again. In service, autovacuum's insert
    // threshold sets it as the runs arrive; here it is one VACUUM (docs/performance.md).
    await client.query('VACUUM (ANALYZE)');
  } finally {
    await client.end();
  }
  return { seconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
}
