import { runProgram, type ProgramResult } from '../../platform/run-program.js';

export type { ProgramResult } from '../../platform/run-program.js';

/** One run of a mail program with the message (or nothing) on stdin. */
export interface ProgramRun {
  path: string;
  args: readonly string[];
  /** Written to stdin, which is then closed. Empty when absent. */
  stdin?: Buffer;
  /** The complete environment: nothing of Vigil's own is inherited. */
  env: Readonly<Record<string, string>>;
  /** After this long the process group gets SIGTERM… */
  deadlineMs: number;
  /** …and this long after that, SIGKILL. */
  graceMs: number;
  /** Bytes of stdout and of stderr kept; the rest is read and dropped so the program never blocks. */
  outputCap?: number;
  signal?: AbortSignal;
}

/**
 * Runs a program to completion, never longer than its deadline plus grace (plus a moment).
 * An interface so the transport and the detector can be handed another runner.
 */
export interface ProgramRunner {
  run(request: ProgramRun): Promise<ProgramResult>;
}

/**
 * Mail programs run through the platform's program runner (no terminal, own process group,
 * deadline, SIGTERM then SIGKILL, capped output), from `/`, and with stdin always a pipe that
 * is closed after the message, so `stdinComplete` says whether the program read it all.
 * What a spooling program leaves running after it exits (its background delivery) is left alone.
 * Never rejects.
 */
export class ChildProcessRunner implements ProgramRunner {
  run(request: ProgramRun): Promise<ProgramResult> {
    return runProgram({
      program: request.path,
      args: request.args,
      env: request.env,
      cwd: '/',
      stdin: request.stdin ?? Buffer.alloc(0),
      deadlineMs: request.deadlineMs,
      graceMs: request.graceMs,
      ...(request.outputCap !== undefined ? { outputCap: request.outputCap } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  }
}
