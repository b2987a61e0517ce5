import type { z } from 'zod';
import type { resticSet } from '../config/schema/sets.js';
import { readSecret } from '../config/secrets.js';
import { isVigilError } from '../domain/errors.js';
import type { RunStatus } from '../domain/run-status.js';
import type { EngineLogEntry } from '../backup/engine.js';
import { runChild } from '../backup/child-process.js';
import { findOnPath } from '../backup/find-program.js';
import { resticEnvironment } from '../backup/engines/restic/restic-env.js';
import { describeResticDamage, damagedPackIds } from './restic-damage.js';
import { describeSubset, type DataSubset } from '../domain/data-subset.js';

type ResticSetConfig = z.output<typeof resticSet>;

/** Lines of restic's output kept in the activity log. */
const MAX_LINES = 200;

/**
 * `restic check` on a restic set's repository (the Weekly Admin's housekeeping), reading back one
 * slice of the data (`--read-data-subset=n/t`, the rotation the caller keeps) rather than all of
 * it: the whole repository every week would be too much to download. Exit 0 is sound; any other
 * exit is damage or an unreachable repository (`completed-with-errors` when restic ran and said so,
 * `failed` when it could not run). The password goes in the environment, as for backups.
 */
export async function resticCheck(set: ResticSetConfig, name: string, signal: AbortSignal, subset?: DataSubset): Promise<{ status: RunStatus; log: EngineLogEntry[] }> {
  const log: EngineLogEntry[] = [];
  const program = findOnPath(set.program, process.env);
  if (!program) return { status: 'failed', log: [{ severity: 'error', message: `${set.program} is not installed (on Debian: apt install restic)` }] };
  let password: string;
  try {
    password = readSecret(set.password, `sets.${name}.password`);
  } catch (error) {
    if (!isVigilError(error)) throw error;
    return { status: 'failed', log: [{ severity: 'error', message: error.message }] };
  }
  const env = resticEnvironment(process.env, set.env, set.repository, password);
  let lines = 0;
  const result = await runChild({
    argv: [program, 'check', ...(subset ? [`--read-data-subset=${describeSubset(subset)}`] : [])],
    ...(set.cwd ? { cwd: set.cwd } : {}),
    env,
    signal,
    timeoutMs: set.timeout,
    onLine(stream, line) {
      if (++lines > MAX_LINES || line.trim() === '') return;
      const bad = stream === 'stderr' && /error|fatal|damaged|not found|invalid/i.test(line);
      log.push({ severity: bad ? 'error' : 'info', message: line });
    },
  });
  if (result.spawnError) return { status: 'failed', log: [...log, { severity: 'error', message: `cannot run ${program}: ${result.spawnError.message}` }] };
  if (result.aborted || result.timedOut) return { status: 'incomplete', log: [...log, { severity: 'error', message: result.timedOut ? `restic check did not finish within the set's timeout` : 'restic check was stopped' }] };
  const read = subset ? ` (data of slice ${describeSubset(subset)} read)` : '';
  if (result.exitCode === 0) return { status: 'completed', log: [...log, { severity: 'info', message: `restic check of ${set.repository}${read}: no errors` }] };
  // 10: no repository there, 12: wrong password — the check could not look at anything.
  const couldNotRun = result.exitCode === 10 || result.exitCode === 12;
  if (!couldNotRun) {
    // Name what the damage affects first, so the fault and the summary say it (restic names only packs).
    const damaged = damagedPackIds(log.map((e) => e.message));
    const verdict = damaged.length ? await describeResticDamage(program, set.repository, name, damaged, env, signal) : undefined;
    if (verdict) log.unshift({ severity: 'error', message: verdict });
  }
  return { status: couldNotRun ? 'failed' : 'completed-with-errors', log: [...log, { severity: 'error', message: `restic check of ${set.repository}${read} exited with status ${result.exitCode ?? result.signal}` }] };
}
