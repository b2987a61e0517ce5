/**
 * CPU spent by the bench's PostgreSQL cluster (it runs on this machine, and serves only the
 * bench), from /proc: the postmaster's own time, its reaped children's (a backend that ended is
 * counted there), and each live child's — backends, WAL writer, checkpointer, autovacuum: what the
 * database costs the machine. The difference of two snapshots is what it cost between them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { PostgresCluster } from '../../test/helpers/postgres.js';

const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  /** The postmaster's own user + system time and its reaped children's, in seconds. */
  postmaster: number;
  /** Each live child's user + system time, in seconds. */
  children: Map<number, number>;
  /** Backends connected to the bench's database when taken. */
  size: number;
}

/** Fields after the parenthesised command: [0] state, [1] ppid, [11..14] utime stime cutime cstime. */
function statFields(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  } catch {
    return undefined; // ended meanwhile
  }
}

export async function backendCpu(cluster: PostgresCluster, database: string): Promise<CpuSnapshot> {
  const { rows } = await cluster.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  const { rows: self } = await cluster.query('SELECT pg_backend_pid() AS pid');
  const postmasterPid = Number(statFields((self[0] as { pid: number }).pid)![1]);
  const own = statFields(postmasterPid)!;
  const children = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === postmasterPid) children.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
  }
  const postmaster = (Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])) / TICKS_PER_SECOND;
  return { postmaster, children, size: rows.length };
}

/**
 * CPU seconds between two snapshots: the postmaster's growth (its own, and every child that
 * ended, whole), plus each live child's growth, less what the children that ended had already
 * used before `before`.
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  let seconds = after.postmaster - before.postmaster;
  for (const [pid, cpu] of after.children) seconds += cpu - (before.children.get(pid) ?? 0);
  for (const [pid, cpu] of before.children) if (!after.children.has(pid)) seconds -= cpu;
  return Number(seconds.toFixed(2));
}
