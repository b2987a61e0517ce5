/**
 * CPU spent by the bench's PostgreSQL cluster (it runs on this machine, and serves only the
 * bench), from /proc: the postmaster's own time, its reaped children's (a backend that ended is
 * counted there), and each live child's — backends, WAL writer, checkpointer, autovacuum: what the
 * database costs the machine. The difference of two snapshots is what it cost between them, in
 * all and per kind of process (which one to cut: the statements, or the WAL and vacuum they cause).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { PostgresCluster } from '../../test/helpers/postgres.js';

const TICKS_PER_SECOND = 100;

/** What a child of the postmaster is, from its process title (`postgres: walwriter`, `postgres: autovacuum worker`, …). */
export type ProcessClass = 'backends' | 'walwriter' | 'checkpointer' | 'autovacuum' | 'other';

export interface CpuSnapshot {
  /** The postmaster's own user + system time and its reaped children's, in seconds. */
  postmaster: number;
  /** Each live child's user + system time, in seconds, and its class. */
  children: Map<number, { cpu: number; kind: ProcessClass }>;
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

function classOf(pid: number): ProcessClass {
  let title = '';
  try {
    title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return 'other';
  }
  if (title.includes('walwriter')) return 'walwriter';
  if (title.includes('checkpointer') || title.includes('background writer')) return 'checkpointer';
  if (title.includes('autovacuum')) return 'autovacuum';
  if (/postgres: \S+ \S+ (127\.|\[local\])/.test(title)) return 'backends';
  return 'other';
}

export async function backendCpu(cluster: PostgresCluster, database: string): Promise<CpuSnapshot> {
  const { rows } = await cluster.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  const { rows: self } = await cluster.query('SELECT pg_backend_pid() AS pid');
  const postmasterPid = Number(statFields((self[0] as { pid: number }).pid)![1]);
  const own = statFields(postmasterPid)!;
  const children = new Map<number, { cpu: number; kind: ProcessClass }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === postmasterPid) children.set(Number(entry), { cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND, kind: classOf(Number(entry)) });
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
  return Number(Object.values(cpuByClass(before, after)).reduce((sum, s) => sum + s, 0).toFixed(2));
}

/**
 * The same per class of process; `ended` is the postmaster's growth: its own time and the whole
 * of every child that ended between the snapshots (autovacuum workers, backends that closed).
 */
export function cpuByClass(before: CpuSnapshot, after: CpuSnapshot): Record<ProcessClass | 'ended', number> {
  const seconds: Record<ProcessClass | 'ended', number> = { backends: 0, walwriter: 0, checkpointer: 0, autovacuum: 0, other: 0, ended: after.postmaster - before.postmaster };
  for (const [pid, child] of after.children) seconds[child.kind] += child.cpu - (before.children.get(pid)?.cpu ?? 0);
  for (const [pid, child] of before.children) if (!after.children.has(pid)) seconds.ended -= child.cpu;
  for (const key of Object.keys(seconds) as Array<keyof typeof seconds>) seconds[key] = Number(seconds[key].toFixed(2));
  return seconds;
}
