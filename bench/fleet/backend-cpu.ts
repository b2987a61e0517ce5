/**
 * CPU spent by PostgreSQL's backends serving one database, from /proc (the cluster runs on this
 * machine): a snapshot is each backend's user + system time; the difference of two snapshots is
 * what the database cost between them. Backends that ended in between are not counted.
 */
import { readFileSync } from 'node:fs';
import type { PostgresCluster } from '../../test/helpers/postgres.js';

const TICKS_PER_SECOND = 100;

export type CpuSnapshot = Map<number, number>;

export async function backendCpu(cluster: PostgresCluster, database: string): Promise<CpuSnapshot> {
  const { rows } = await cluster.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  const snapshot: CpuSnapshot = new Map();
  for (const { pid } of rows as Array<{ pid: number }>) {
    try {
      // Fields after the parenthesised command: state is 3rd, utime 14th and stime 15th of the line.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      snapshot.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // Ended between the query and the read.
    }
  }
  return snapshot;
}

/** CPU seconds between two snapshots (a backend first seen in `after` counts from zero). */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  let seconds = 0;
  for (const [pid, cpu] of after) seconds += cpu - (before.get(pid) ?? 0);
  return Number(seconds.toFixed(2));
}
