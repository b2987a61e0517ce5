import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { RunStatus } from '../../../domain/run-status.js';
import type { Problem } from '../../../domain/problem.js';
import type { BackupEngine, EngineLogEntry, EngineRunRequest, EngineRunResult, EngineSetContext } from '../../engine.js';
import type { CommandSetConfig } from './config.js';
import { runChild } from '../../child-process.js';
import { OutputCapture } from '../../output-capture.js';
import { formatDuration } from '../../../config/duration.js';
import { throttle } from '../../throttle.js';
import { findOnPath } from '../../find-program.js';

/**
 * `engine: command` — runs any program as a backup: status from its exit code (0 completed,
 * `warningExitCodes` completed-with-warnings, `errorExitCodes` completed-with-errors, anything else
 * failed), its output kept in the run's log (capped), stopped at the set's timeout.
 */
export class CommandEngine implements BackupEngine<CommandSetConfig> {
  readonly kind = 'command';
  /** A program's backups are its own business: Vigil cannot list, restore, check or prune them. */
  readonly elsewhere = Object.fromEntries(
    (['snapshots', 'restore', 'verify', 'prune', 'repair', 'init'] as const).map((operation) => [operation, 'A command set’s program keeps its backups its own way: use that program’s own tools.']),
  );

  async run(request: EngineRunRequest<CommandSetConfig>): Promise<EngineRunResult> {
    const set = request.config;
    const argv = commandArgv(set);
    const output = new OutputCapture();
    const progress = throttle(250, (bytes: number) => request.onProgress({ filesDone: 0, bytesDone: bytes, currentPath: output.latest }));
    let bytesSeen = 0;
    const result = await runChild({
      argv,
      cwd: set.cwd ?? request.dataDir,
      env: { ...process.env, ...set.env },
      signal: request.signal,
      timeoutMs: set.timeout,
      onLine(stream, line) {
        bytesSeen += line.length + 1;
        output.add(stream, line);
        progress(bytesSeen);
      },
    });
    progress.flush();

    const log = output.entries();
    const conclude = (status: RunStatus, severity: EngineLogEntry['severity'], message: string): EngineRunResult => {
      log.push({ severity, message });
      return {
        status,
        counters: {
          files: 0,
          bytesScanned: 0,
          bytesNew: 0,
          errors: log.filter((e) => e.severity === 'error' || e.severity === 'critical').length,
          warnings: log.filter((e) => e.severity === 'warning').length,
        },
        log,
      };
    };
    const program = argv[0]!;
    if (result.spawnError) {
      const why = result.spawnError.code === 'ENOENT' ? 'not found' : result.spawnError.code === 'EACCES' ? 'not executable (permission denied)' : result.spawnError.message;
      const where = result.spawnError.code === 'ENOENT' && set.cwd ? ` (or the working directory ${set.cwd} does not exist)` : '';
      return conclude('failed', 'error', `cannot run ${program}: ${why}${where}`);
    }
    if (result.aborted) return conclude('incomplete', 'error', `stopped before ${program} finished: ${abortReason(request.signal)}`);
    if (result.timedOut) return conclude('incomplete', 'error', `${program} did not finish within the timeout of ${formatDuration(set.timeout)}; it was stopped`);
    if (result.exitCode === null) return conclude('failed', 'error', `${program} was killed by ${result.signal ?? 'a signal'}${stderrTail(output)}`);
    if (result.exitCode === 0) return conclude('completed', 'info', `${program} exited with status 0`);
    if (set.warningExitCodes.includes(result.exitCode)) {
      return conclude('completed-with-warnings', 'warning', `${program} exited with status ${result.exitCode} (a warning by warningExitCodes)${stderrTail(output)}`);
    }
    if (set.errorExitCodes.includes(result.exitCode)) {
      return conclude('completed-with-errors', 'error', `${program} exited with status ${result.exitCode} (completed with errors by errorExitCodes)${stderrTail(output)}`);
    }
    return conclude('failed', 'error', `${program} exited with status ${result.exitCode}${stderrTail(output)}`);
  }

  problems(context: EngineSetContext<CommandSetConfig>, env: NodeJS.ProcessEnv): Problem[] {
    return commandProblems(context.config, env);
  }
}

/** The argv actually run: the list itself, or `/bin/sh -c STRING` with `shell: true`. */
export function commandArgv(set: Pick<CommandSetConfig, 'command' | 'shell'>): string[] {
  const command = typeof set.command === 'string' ? [set.command] : [...set.command];
  return set.shell ? ['/bin/sh', '-c', command.join(' ')] : command;
}

/** Why the program could not run here (for `config check`), each with its key: `cwd` or `command`. */
export function commandProblems(set: Pick<CommandSetConfig, 'command' | 'shell' | 'cwd'>, env: NodeJS.ProcessEnv): Problem[] {
  const problems: Problem[] = [];
  if (set.cwd && !isDirectory(set.cwd)) problems.push({ path: ['cwd'], message: `working directory ${set.cwd} does not exist`, severity: 'error' });
  if (set.shell) return problems;
  const program = commandArgv(set)[0]!;
  const problem = (message: string) => problems.push({ path: ['command'], message, severity: 'error' });
  if (program.includes('/')) {
    const resolved = path.resolve(set.cwd ?? '.', program);
    if (!exists(resolved)) problem(`${program} does not exist`);
    else if (!executable(resolved)) problem(`${program} is not executable (chmod +x ${program})`);
  } else if (!findOnPath(program, env)) {
    problem(`${program} is not installed (not found on PATH)`);
  }
  return problems;
}

function stderrTail(output: OutputCapture): string {
  const tail = output.tailOf('stderr', 3);
  return tail.length ? `: ${tail.join(' | ')}` : '';
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return 'the run was stopped';
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
