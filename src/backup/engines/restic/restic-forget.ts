import type { EnginePruneRequest, EnginePruneResult } from '../../engine.js';
import { OutputCapture } from '../../output-capture.js';
import type { ResticSetConfig } from './config.js';
import { prepareRestic, runRestic, unfinished } from './restic-program.js';
import { PROGRESS_ENV, parseProgressLine } from './restic-progress.js';

const RULES = [
  ['last', '--keep-last'],
  ['daily', '--keep-daily'],
  ['weekly', '--keep-weekly'],
  ['monthly', '--keep-monthly'],
] as const;

/**
 * Retention of a restic set: `restic forget --prune` with its `keep:` rules, limited to the set's
 * own snapshots (this host, the set's paths) — restic applies a policy to every group in the
 * repository, so without the filter other machines' snapshots in a shared repository would be
 * forgotten by this set's rules. With `dryRun`, restic's own `--dry-run` prints the plan.
 * Without a policy nothing is forgotten.
 */
export async function forgetAndPrune(request: EnginePruneRequest<ResticSetConfig>): Promise<EnginePruneResult> {
  const set = request.config;
  const rules = RULES.flatMap(([key, flag]) => (set.keep?.[key] ? [flag, String(set.keep[key])] : []));
  if (rules.length === 0) return { status: 'completed', log: [{ severity: 'info', message: 'no keep: policy; restic forgets nothing' }] };
  const invocation = prepareRestic(request);
  if ('problem' in invocation) return { status: 'failed', log: [{ severity: 'error', message: invocation.problem }] };
  const output = new OutputCapture({ head: 200, tail: 50 });
  const result = await runRestic(
    invocation,
    ['forget', '--prune', ...invocation.filter, ...rules, ...(request.dryRun ? ['--dry-run'] : [])],
    request.signal,
    (stream, line) => {
      const progress = parseProgressLine(line);
      if (progress) request.onProgress?.(progress);
      else output.add(stream, line);
    },
    PROGRESS_ENV,
  );
  const log = output.entries();
  const stopped = unfinished('restic forget', invocation, result, log);
  if (stopped) return stopped;
  if (result.exitCode !== 0) {
    const stderr = output.tailOf('stderr', 3).join(' | ');
    return { status: 'failed', log: [...log, { severity: 'error', message: `restic forget exited with status ${result.exitCode}${stderr ? `: ${stderr}` : ''}` }] };
  }
  return { status: 'completed', log: [...log, { severity: 'info', message: `restic forget --prune ${rules.join(' ')}${request.dryRun ? ' --dry-run' : ''}: done` }] };
}
