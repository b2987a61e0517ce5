import os from 'node:os';
import path from 'node:path';
import { readSecret } from '../../../config/secrets.js';
import { formatDuration } from '../../../config/duration.js';
import { isVigilError, VigilError } from '../../../domain/errors.js';
import type { EngineLogEntry, EngineOutcome, EngineSetContext } from '../../engine.js';
import { runChild, type ChildRunResult } from '../../child-process.js';
import { findOnPath } from '../../find-program.js';
import type { ResticSetConfig } from './config.js';
import { resticEnvironment } from './restic-env.js';

/** How a set's restic commands run: the program found, the environment with the password in it. */
export interface ResticInvocation {
  program: string;
  env: NodeJS.ProcessEnv;
  cwd: string | undefined;
  timeoutMs: number;
  /** The set's snapshots in a shared repository: this host, these paths (restic's own grouping). */
  filter: string[];
}

/**
 * Finds restic and reads the set's password. Returns the reason instead when either fails, as
 * a log entry's message (the password itself never is one).
 */
export function prepareRestic(context: EngineSetContext<ResticSetConfig>, env: NodeJS.ProcessEnv = process.env): ResticInvocation | { problem: string } {
  const set = context.config;
  const program = findOnPath(set.program, env);
  if (!program) return { problem: `${set.program} is not installed (on Debian: apt install restic)` };
  let password: string;
  try {
    password = readSecret(set.password, `sets.${context.name}.password`, env);
  } catch (error) {
    if (!isVigilError(error)) throw error;
    return { problem: error.message };
  }
  const base = set.cwd ?? process.cwd();
  return {
    program,
    env: resticEnvironment(env, set.env, set.repository, password),
    cwd: set.cwd,
    timeoutMs: set.timeout,
    filter: ['--host', os.hostname(), ...set.paths.flatMap((p) => ['--path', path.resolve(base, p)])],
  };
}

/**
 * As prepareRestic, for the operations that reject when they cannot start (snapshots, restore):
 * ERR_ENGINE_PROGRAM when restic is missing, ERR_SECRET_UNREADABLE when the password is.
 */
export function requireRestic(context: EngineSetContext<ResticSetConfig>): ResticInvocation {
  const set = context.config;
  if (!findOnPath(set.program, process.env)) throw new VigilError('ERR_ENGINE_PROGRAM', `${set.program} is not installed (set ${context.name} uses the restic engine)`, { hint: 'On Debian: apt install restic.' });
  readSecret(set.password, `sets.${context.name}.password`);
  const invocation = prepareRestic(context);
  if ('problem' in invocation) throw new VigilError('ERR_ENGINE_PROGRAM', invocation.problem);
  return invocation;
}

/** Runs one restic command of the set (no terminal, deadline = the set's timeout, process group killed on abort). */
export function runRestic(invocation: ResticInvocation, args: string[], signal: AbortSignal, onLine: (stream: 'stdout' | 'stderr', line: string) => void, extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildRunResult> {
  return runChild({
    argv: [invocation.program, ...args],
    ...(invocation.cwd ? { cwd: invocation.cwd } : {}),
    env: { ...invocation.env, ...extraEnv },
    signal,
    timeoutMs: invocation.timeoutMs,
    maxLineLength: 64 * 1024,
    onLine,
  });
}

/**
 * The outcome of a restic command that did not run to a normal exit (could not start, stopped,
 * timed out, killed), or undefined when it exited with a status the caller reads.
 */
export function unfinished(what: string, invocation: ResticInvocation, result: ChildRunResult, log: EngineLogEntry[]): EngineOutcome | undefined {
  if (result.spawnError) return { status: 'failed', log: [...log, { severity: 'error', message: `cannot run ${invocation.program}: ${result.spawnError.message}` }] };
  if (result.aborted) return { status: 'incomplete', log: [...log, { severity: 'error', message: `${what} was stopped before it finished` }] };
  if (result.timedOut) return { status: 'incomplete', log: [...log, { severity: 'error', message: `${what} did not finish within the set's timeout of ${formatDuration(invocation.timeoutMs)}; it was stopped` }] };
  if (result.exitCode === null) return { status: 'failed', log: [...log, { severity: 'error', message: `${what} was killed by ${result.signal ?? 'a signal'}` }] };
  return undefined;
}
