import type { z } from 'zod';
import type { resticSet } from '../../../config/schema/sets.js';
import { readSecret } from '../../../config/secrets.js';
import { formatDuration } from '../../../config/duration.js';
import { isVigilError } from '../../../domain/errors.js';
import type { EnginePruneRequest, EnginePruneResult, EngineLogEntry } from '../../engine.js';
import { runChild } from '../../child-process.js';
import { findOnPath } from '../../find-program.js';
import { OutputCapture } from '../../output-capture.js';
import { resticEnvironment } from './restic-env.js';

type ResticSetConfig = z.output<typeof resticSet>;

const RULES = [
  ['last', '--keep-last'],
  ['daily', '--keep-daily'],
  ['weekly', '--keep-weekly'],
  ['monthly', '--keep-monthly'],
] as const;

/**
 * Retention of a restic set: `restic forget --prune` with its `keep:` rules (restic groups by
 * host and paths, so other machines' snapshots in a shared repository are never touched). With
 * `dryRun`, restic's own `--dry-run` prints the plan. Without a policy nothing is forgotten.
 */
export async function forgetAndPrune(request: EnginePruneRequest): Promise<EnginePruneResult> {
  const set = request.config as unknown as ResticSetConfig;
  const rules = RULES.flatMap(([key, flag]) => (set.keep?.[key] ? [flag, String(set.keep[key])] : []));
  if (rules.length === 0) return { status: 'completed', log: [{ severity: 'info', message: 'no keep: policy; restic forgets nothing' }] };
  const program = findOnPath(set.program, process.env);
  if (!program) return failed(`${set.program} is not installed (on Debian: apt install restic)`);
  let password: string;
  try {
    password = readSecret(set.password, `sets.${request.name}.password`);
  } catch (error) {
    if (!isVigilError(error)) throw error;
    return failed(error.message);
  }
  const output = new OutputCapture({ head: 200, tail: 50 });
  const result = await runChild({
    argv: [program, 'forget', '--prune', ...rules, ...(request.dryRun ? ['--dry-run'] : [])],
    ...(set.cwd ? { cwd: set.cwd } : {}),
    env: resticEnvironment(process.env, set.env, set.repository, password),
    signal: request.signal,
    timeoutMs: set.timeout,
    onLine: (stream, line) => output.add(stream, line),
  });
  const log = output.entries();
  if (result.spawnError) return failed(`cannot run ${program}: ${result.spawnError.message}`, log);
  if (result.aborted) return { status: 'incomplete', log: [...log, { severity: 'error', message: 'stopped before restic forget finished' }] };
  if (result.timedOut) return { status: 'incomplete', log: [...log, { severity: 'error', message: `restic forget did not finish within the timeout of ${formatDuration(set.timeout)}; it was stopped` }] };
  if (result.exitCode !== 0) {
    const stderr = output.tailOf('stderr', 3).join(' | ');
    return failed(`restic forget exited with status ${result.exitCode ?? result.signal}${stderr ? `: ${stderr}` : ''}`, log);
  }
  return { status: 'completed', log: [...log, { severity: 'info', message: `restic forget --prune ${rules.join(' ')}${request.dryRun ? ' --dry-run' : ''}: done` }] };
}

function failed(message: string, log: EngineLogEntry[] = []): EnginePruneResult {
  return { status: 'failed', log: [...log, { severity: 'error', message }] };
}
