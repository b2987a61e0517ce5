import { describeSubset } from '../../../domain/data-subset.js';
import type { EngineLogEntry, EngineOutcome, EngineVerifyRequest } from '../../engine.js';
import type { ResticSetConfig } from './config.js';
import { describeResticDamage, damagedPackIds } from './restic-damage.js';
import { prepareRestic, runRestic, unfinished } from './restic-program.js';
import { PROGRESS_ENV, parseProgressLine } from './restic-progress.js';

/** Lines of restic's output kept in the activity log. */
const MAX_LINES = 200;

/**
 * `restic check` on a restic set's repository (`vigil verify`, and the Weekly Admin's check),
 * reading back all the data (`--read-data`) or one slice of it (`--read-data-subset=n/t`, the
 * rotation the Weekly Admin keeps: the whole repository every week would be too much to
 * download). Exit 0 is sound; any other exit is damage or an unreachable repository
 * (`completed-with-errors` when restic ran and said so, `failed` when it could not run).
 */
export async function resticCheck(request: EngineVerifyRequest<ResticSetConfig>): Promise<EngineOutcome> {
  const invocation = prepareRestic(request);
  if ('problem' in invocation) return { status: 'failed', log: [{ severity: 'error', message: invocation.problem }] };
  const repository = request.config.repository;
  const subset = request.readData ? request.readDataSubset : undefined;
  const mode = !request.readData ? [] : subset ? [`--read-data-subset=${describeSubset(subset)}`] : ['--read-data'];
  const log: EngineLogEntry[] = [];
  let lines = 0;
  const result = await runRestic(
    invocation,
    ['check', ...mode],
    request.signal,
    (stream, line) => {
      const progress = parseProgressLine(line);
      if (progress) return request.onProgress?.(progress);
      if (++lines > MAX_LINES || line.trim() === '') return;
      const bad = stream === 'stderr' && /error|fatal|damaged|not found|invalid/i.test(line);
      log.push({ severity: bad ? 'error' : 'info', message: line });
    },
    PROGRESS_ENV,
  );
  const stopped = unfinished('restic check', invocation, result, log);
  if (stopped) return stopped;
  const read = subset ? ` (data of slice ${describeSubset(subset)} read)` : request.readData ? ' (all data read)' : '';
  if (result.exitCode === 0) return { status: 'completed', log: [...log, { severity: 'info', message: `restic check of ${repository}${read}: no errors` }] };
  // 10: no repository there, 12: wrong password (restic 0.17+) — the check could not look at anything.
  const couldNotRun = result.exitCode === 10 || result.exitCode === 12;
  if (!couldNotRun) {
    // Name what the damage affects first, so the fault and the summary say it (restic names only packs).
    const damaged = damagedPackIds(log.map((e) => e.message));
    const verdict = damaged.length ? await describeResticDamage(invocation.program, repository, request.name, damaged, invocation.env, request.signal) : undefined;
    if (verdict) log.unshift({ severity: 'error', message: verdict });
  }
  return { status: couldNotRun ? 'failed' : 'completed-with-errors', log: [...log, { severity: 'error', message: `restic check of ${repository}${read} exited with status ${result.exitCode}` }] };
}
