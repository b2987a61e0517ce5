import { existsSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { resticSet } from '../../../config/schema/sets.js';
import { readSecret } from '../../../config/secrets.js';
import { formatDuration } from '../../../config/duration.js';
import { isVigilError } from '../../../domain/errors.js';
import type { RunStatus } from '../../../domain/run-status.js';
import type { BackupEngine, EngineCounters, EngineLogEntry, EnginePruneRequest, EnginePruneResult, EngineRunRequest, EngineRunResult, EngineSetContext } from '../../engine.js';
import { forgetAndPrune } from './restic-forget.js';
import { resticEnvironment } from './restic-env.js';
import { runChild } from '../../child-process.js';
import { OutputCapture } from '../../output-capture.js';
import { throttle } from '../../throttle.js';
import { findOnPath } from '../../find-program.js';
import { localRepositoryPath, rootsContaining } from '../../paths-overlap.js';
import { errorEntry, parseResticLine, type ResticSummary } from './restic-messages.js';

type ResticSetConfig = z.output<typeof resticSet>;

/** Most per-file errors kept in the log; the count of all of them is in the counters. */
const MAX_ITEM_ERRORS = 200;

/**
 * `engine: restic` — runs `restic backup --json` and reads its progress, per-file errors and
 * summary. Exit 0 completed (with warnings if restic skipped a missing path), 3 ("some source files
 * could not be read": a snapshot was made) completed-with-errors, anything else failed; stopped by
 * the abort signal or the timeout, incomplete. The password reaches restic in its environment
 * (RESTIC_PASSWORD), never on the command line.
 */
export class ResticEngine implements BackupEngine {
  readonly kind = 'restic';

  async run(request: EngineRunRequest): Promise<EngineRunResult> {
    const set = request.config as unknown as ResticSetConfig;
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

    const program = findOnPath(set.program, process.env);
    if (!program) return end('failed', { severity: 'error', message: `${set.program} is not installed (on Debian: apt install restic)` });
    let password: string;
    try {
      password = readSecret(set.password, `sets.${request.name}.password`);
    } catch (error) {
      if (!isVigilError(error)) throw error;
      return end('failed', { severity: 'error', message: error.message });
    }

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
    const result = await runChild({
      argv: [program, ...args],
      ...(set.cwd ? { cwd: set.cwd } : {}),
      env: resticEnvironment(process.env, set.env, set.repository, password),
      signal: request.signal,
      timeoutMs: set.timeout,
      onLine(stream, line) {
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
      },
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

  prune(request: EnginePruneRequest): Promise<EnginePruneResult> {
    return forgetAndPrune(request);
  }

  async check(set: EngineSetContext): Promise<string[]> {
    return resticProblems(set.config as unknown as ResticSetConfig, process.env, `sets.${set.name}.password`);
  }
}

/** What would stop a restic set from running here: restic missing, password unreadable. */
export function resticProblems(set: Pick<ResticSetConfig, 'program' | 'password' | 'repository'>, env: NodeJS.ProcessEnv, keyPath: string): string[] {
  const problems: string[] = [];
  if (!findOnPath(set.program, env)) problems.push(`${set.program} is not installed (on Debian: apt install restic)`);
  try {
    readSecret(set.password, keyPath, env);
  } catch (error) {
    if (!isVigilError(error)) throw error;
    problems.push(error.message.replace(/^[^:]+: /, ''));
  }
  if (isLocalRepository(set.repository) && !existsSync(set.repository)) {
    problems.push(`repository ${set.repository} does not exist; create it with \`restic init --repo ${set.repository}\``);
  }
  return problems;
}

function isLocalRepository(repository: string): boolean {
  return repository.startsWith('/') || repository.startsWith('local:');
}
