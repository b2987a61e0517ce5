import type { z } from 'zod';
import type { resticSet } from '../config/schema/sets.js';
import { readSecret } from '../config/secrets.js';
import { isVigilError } from '../domain/errors.js';
import type { RunStatus } from '../domain/run-status.js';
import type { EngineLogEntry } from '../backup/engine.js';
import { runChild } from '../backup/child-process.js';
import { findOnPath } from '../backup/find-program.js';

type ResticSetConfig = z.output<typeof resticSet>;

/** Lines of restic's output kept in the activity log. */
const MAX_LINES = 200;

/**
 * `restic check` on a restic set's repository (the Weekly Admin's housekeeping). Structure only,
 * not `--read-data`: that would download the whole repository every week. Exit 0 is sound; any
 * other exit is damage or an unreachable repository (`completed-with-errors` when restic ran and
 * said so, `failed` when it could not run). The password goes in the environment, as for backups.
 */
export async function resticCheck(set: ResticSetConfig, name: string, signal: AbortSignal): Promise<{ status: RunStatus; log: EngineLogEntry[] }> {
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
  const env: NodeJS.ProcessEnv = { ...process.env, ...set.env, RESTIC_REPOSITORY: set.repository, RESTIC_PASSWORD: password };
  for (const key of ['RESTIC_PASSWORD_FILE', 'RESTIC_PASSWORD_COMMAND', 'RESTIC_REPOSITORY_FILE']) delete env[key];
  let lines = 0;
  const result = await runChild({
    argv: [program, 'check'],
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
  if (result.exitCode === 0) return { status: 'completed', log: [...log, { severity: 'info', message: `restic check of ${set.repository}: no errors` }] };
  // 10: no repository there, 12: wrong password — the check could not look at anything.
  const couldNotRun = result.exitCode === 10 || result.exitCode === 12;
  return { status: couldNotRun ? 'failed' : 'completed-with-errors', log: [...log, { severity: 'error', message: `restic check of ${set.repository} exited with status ${result.exitCode ?? result.signal}` }] };
}
