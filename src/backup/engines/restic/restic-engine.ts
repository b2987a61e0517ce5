import path from 'node:path';
import { formatDuration } from '../../../config/duration.js';
import type { RunStatus } from '../../../domain/run-status.js';
import type {
  BackupEngine,
  EngineCounters,
  EngineLogEntry,
  EngineOperationRequest,
  EngineOutcome,
  EnginePruneRequest,
  EnginePruneResult,
  EngineRestoreRequest,
  EngineRestoreResult,
  EngineRunRequest,
  EngineRunResult,
  EngineSetContext,
  EngineSnapshot,
  EngineVerifyRequest,
} from '../../engine.js';
import { OutputCapture } from '../../output-capture.js';
import { throttle } from '../../throttle.js';
import { localRepositoryPath, rootsContaining } from '../../paths-overlap.js';
import type { ResticSetConfig } from './config.js';
import { resticCheck } from './restic-check.js';
import { forgetAndPrune } from './restic-forget.js';
import { errorEntry, parseResticLine, type ResticSummary } from './restic-messages.js';
import { resticProblems } from './restic-problems.js';
import type { Problem } from '../../../domain/problem.js';
import { prepareRestic, runRestic } from './restic-program.js';
import { resticRestore } from './restic-restore.js';
import { resticSnapshots } from './restic-snapshots.js';

/** Most per-file errors kept in the log; the count of all of them is in the counters. */
const MAX_ITEM_ERRORS = 200;

/**
 * `engine: restic` — runs `restic backup --json` and reads its progress, per-file errors and
 * summary. Exit 0 completed (with warnings if restic skipped a missing path), 3 ("some source files
 * could not be read": a snapshot was made) completed-with-errors, anything else failed; stopped by
 * the abort signal or the timeout, incomplete. The password reaches restic in its environment
 * (RESTIC_PASSWORD), never on the command line.
 */
export class ResticEngine implements BackupEngine<ResticSetConfig> {
  readonly kind = 'restic';
  readonly verifyName = 'restic check';
  readonly elsewhere = {
    repair: 'restic repairs its own repository: `restic rebuild-index` (`restic repair index` in restic 0.16 and later), with RESTIC_REPOSITORY and the set’s password.',
    init: 'Create a restic repository with `restic init --repo REPOSITORY` (the set’s repository:), with the set’s password.',
  };

  async run(request: EngineRunRequest<ResticSetConfig>): Promise<EngineRunResult> {
    const set = request.config;
    const log: EngineLogEntry[] = [];
    const counters: EngineCounters = { files: 0, bytesScanned: 0, bytesNew: 0, errors: 0, warnings: 0 };
    let itemErrors = 0;
    const end = (status: RunStatus, entry?: EngineLogEntry, snapshotId?: string): EngineRunResult => {
      if (entry) log.push(entry);
      // Per-item errors count once each; otherwise the error entries (e.g. "exited with status 1").
      counters.errors = itemErrors || log.filter((e) => e.severity === 'error' || e.severity === 'critical').length;
      counters.warnings = log.filter((e) => e.severity === 'warning').length;
      return { status, counters, log, ...(snapshotId ? { snapshotId } : {}) };
    };

    const invocation = prepareRestic(request);
    if ('problem' in invocation) return end('failed', { severity: 'error', message: invocation.problem });
    const program = invocation.program;

    // A local repository inside the backed-up paths would back itself up: leave it out (its path as
    // a literal pattern; one with glob characters cannot be given to restic literally and is left alone).
    const repository = localRepositoryPath(set.repository, set.cwd ?? process.cwd());
    const around = repository && !/[*?[\\]/.test(repository) ? rootsContaining(repository, set.paths.map((p) => path.resolve(set.cwd ?? process.cwd(), p))) : [];
    if (around.length) log.push({ severity: 'info', message: `the repository ${repository} lies inside the backed-up path ${around.join(', ')}; it is left out of the backup` });
    const excludes = [...set.exclude, ...(around.length ? [repository!] : [])];
    const args = ['backup', '--json', ...excludes.flatMap((pattern) => ['--exclude', pattern]), ...set.args, '--', ...set.paths];
    const output = new OutputCapture({ head: 60, tail: 60 });
    let summary: ResticSummary | undefined;
    const progress = throttle(250, request.onProgress);
    const result = await runRestic(invocation, args, request.signal, (stream, line) => {
      // restic writes status and summary on stdout, per-item errors (as JSON too) on stderr.
      const message = parseResticLine(line);
      if (!message) {
        // restic says "PATH does not exist, skipping" on stderr and carries on: a warning.
        const skipped = stream === 'stderr' && /does not exist, skipping$/.test(line);
        output.add(stream, line, skipped ? 'warning' : 'info');
        return;
      }
      if (message.message_type === 'status') {
        progress({
          filesDone: message.files_done ?? 0,
          bytesDone: message.bytes_done ?? 0,
          ...(message.total_files !== undefined ? { filesTotal: message.total_files } : {}),
          ...(message.total_bytes !== undefined ? { bytesTotal: message.total_bytes } : {}),
          ...(message.seconds_remaining !== undefined ? { etaSeconds: message.seconds_remaining } : {}),
          ...(message.current_files?.[0] ? { currentPath: message.current_files[0] } : {}),
        });
      } else if (message.message_type === 'summary') {
        summary = message;
      } else if (message.message_type === 'error') {
        itemErrors++;
        if (itemErrors <= MAX_ITEM_ERRORS) log.push(errorEntry(message));
      }
    });
    progress.flush();

    log.push(...output.entries());
    if (itemErrors > MAX_ITEM_ERRORS) log.push({ severity: 'error', message: `${itemErrors - MAX_ITEM_ERRORS} more unreadable item(s) not listed` });
    if (summary) {
      counters.files = summary.total_files_processed;
      counters.bytesScanned = summary.total_bytes_processed;
      counters.bytesNew = summary.data_added;
      log.push({
        severity: 'info',
        message:
          `snapshot ${summary.snapshot_id ?? '?'}: files ${summary.files_new} new, ${summary.files_changed} changed, ${summary.files_unmodified} unmodified; ` +
          `${summary.total_bytes_processed} bytes processed, ${summary.data_added} bytes added, in ${summary.total_duration.toFixed(1)}s`,
      });
    }
    const snapshot = summary?.snapshot_id;
    const stderr = output.tailOf('stderr', 3).join(' | ');

    if (result.spawnError) return end('failed', { severity: 'error', message: `cannot run ${program}: ${result.spawnError.message}` });
    if (result.aborted) return end('incomplete', { severity: 'error', message: 'stopped before restic finished; no snapshot was saved' }, snapshot);
    if (result.timedOut) return end('incomplete', { severity: 'error', message: `restic did not finish within the timeout of ${formatDuration(set.timeout)}; it was stopped` }, snapshot);
    switch (result.exitCode) {
      case 0:
        return end(log.some((e) => e.severity === 'warning') ? 'completed-with-warnings' : 'completed', undefined, snapshot);
      case 3:
        return end('completed-with-errors', { severity: 'error', message: `restic saved snapshot ${snapshot ?? '?'} but could not read ${itemErrors || 'some'} source item(s)` }, snapshot);
      case 130:
        return end('incomplete', { severity: 'error', message: 'restic was interrupted' }, snapshot);
      default:
        return end('failed', {
          severity: 'error',
          message: result.exitCode === null ? `restic was killed by ${result.signal ?? 'a signal'}` : `restic exited with status ${result.exitCode}${stderr ? `: ${stderr}` : ''}`,
        });
    }
  }

  prune(request: EnginePruneRequest<ResticSetConfig>): Promise<EnginePruneResult> {
    return forgetAndPrune(request);
  }

  problems(context: EngineSetContext<ResticSetConfig>, env: NodeJS.ProcessEnv): Problem[] {
    return resticProblems(context, env);
  }

  /** Sets naming the same repository share it: the Weekly Admin checks it once. */
  repositoryOf(context: EngineSetContext<ResticSetConfig>): string {
    return `restic:${context.config.repository}`;
  }

  snapshots(request: EngineOperationRequest<ResticSetConfig>): Promise<EngineSnapshot[]> {
    return resticSnapshots(request);
  }

  restore(request: EngineRestoreRequest<ResticSetConfig>): Promise<EngineRestoreResult> {
    return resticRestore(request);
  }

  verify(request: EngineVerifyRequest<ResticSetConfig>): Promise<EngineOutcome> {
    return resticCheck(request);
  }
}
