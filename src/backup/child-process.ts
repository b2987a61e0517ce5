import { runProgram } from '../platform/run-program.js';

/**
 * Runs an engine's program unattended through the platform's program runner: no terminal (a
 * new session, stdin closed), output read line by line, a hard deadline, and on abort or
 * deadline SIGTERM then SIGKILL to the whole process group — so a script's children (tar,
 * pg_dump) are stopped with it. What is left of the group when the program exits is stopped too.
 */
export interface ChildRunOptions {
  argv: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL (the platform's KILL_GRACE_MS by default). */
  killGraceMs?: number;
  /** Called for each line of output (without its newline), longest `maxLineLength` characters. */
  onLine(stream: 'stdout' | 'stderr', line: string): void;
  maxLineLength?: number;
}

export interface ChildRunResult {
  /** Exit status, or null when the program was ended by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** The program could not be started (ENOENT, EACCES); nothing ran. */
  spawnError?: { code: string; message: string };
  bytesOut: number;
}

export async function runChild(options: ChildRunOptions): Promise<ChildRunResult> {
  const [program, ...args] = options.argv;
  const result = await runProgram({
    program: program!,
    args,
    env: options.env,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    deadlineMs: options.timeoutMs,
    ...(options.killGraceMs !== undefined ? { graceMs: options.killGraceMs } : {}),
    // The lines are the output; nothing is kept besides.
    outputCap: 0,
    onLine: options.onLine,
    ...(options.maxLineLength !== undefined ? { maxLineLength: options.maxLineLength } : {}),
    reapGroupOnExit: true,
    signal: options.signal,
  });
  return {
    exitCode: result.exitCode,
    signal: result.exitSignal,
    // As before the runner was shared: both flags may be true (the set's own deadline aborts
    // the signal at the moment this deadline passes, and callers word the outcome from both).
    timedOut: result.ended === 'deadline' || (result.ended === 'aborted' && result.durationMs >= options.timeoutMs),
    aborted: options.signal.aborted,
    bytesOut: result.bytesOut,
    ...(result.spawnError ? { spawnError: result.spawnError } : {}),
  };
}
