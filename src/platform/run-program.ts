import { spawn } from 'node:child_process';
import { setLongTimeout } from './long-timer.js';

/**
 * The one way Vigil runs another program unattended (mail programs and their probes, backup
 * engines, OAuth token helpers, `logger`). Its timing constants live here and nowhere else.
 */

/** Between SIGTERM and SIGKILL, unless the caller has a configured grace (a mail profile's). */
export const KILL_GRACE_MS = 5_000;
/** After the program exits, how long a grandchild may keep our pipes open before we let go. */
export const PIPE_LINGER_MS = 1_000;
/**
 * After SIGKILL, how much longer (beyond the grace) we wait for the exit: a process in
 * uninterruptible sleep may outlive even SIGKILL, and the caller's deadline matters more than
 * its exit status.
 */
export const KILL_GIVE_UP_MS = 1_000;
/** Bytes of stdout and of stderr kept by default; the rest is read and dropped. */
export const OUTPUT_CAP = 64 * 1024;
/** Longest line handed to `onLine`. */
export const MAX_LINE_LENGTH = 4_000;

export interface ProgramRequest {
  program: string;
  args: readonly string[];
  /**
   * The complete environment of the program. Required, so each caller decides what it inherits:
   * a mail program gets a minimal one, a backup engine the set's.
   */
  env: Readonly<NodeJS.ProcessEnv>;
  /** Working directory; Vigil's own when absent. */
  cwd?: string;
  /** Written to stdin, which is then closed. Absent: stdin is /dev/null. */
  stdin?: Buffer;
  /** After this long the process group gets SIGTERM. May be days (a backup set's timeout). */
  deadlineMs: number;
  /** …and this long after SIGTERM, SIGKILL. */
  graceMs?: number;
  /** Bytes of stdout and of stderr kept; the rest is read and dropped so the program never blocks. */
  outputCap?: number;
  /** Called for each line of output as it arrives (without its newline), longest `maxLineLength`. */
  onLine?(stream: 'stdout' | 'stderr', line: string): void;
  maxLineLength?: number;
  /**
   * SIGKILL whatever is left of the process group once the program has exited. A backup
   * script's children (tar, pg_dump) must not outlive it; a spooling mail program's background
   * delivery must, so this is the caller's choice.
   */
  reapGroupOnExit?: boolean;
  /** Ends the program as the deadline does. */
  signal?: AbortSignal;
}

export interface ProgramResult {
  /** Null when the program was ended by a signal or never started. */
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  /** Output up to the cap; what was dropped is noted at the end. */
  stdout: string;
  stderr: string;
  /** Every byte of stdin reached the pipe (true when there was nothing to write). */
  stdinComplete: boolean;
  /** The deadline passed (or the signal aborted) and Vigil ended the program. */
  ended: 'no' | 'deadline' | 'aborted';
  /** The strongest signal Vigil had to send. */
  killedWith: 'none' | 'SIGTERM' | 'SIGKILL';
  /** The program could not be started (ENOENT, EACCES…); nothing ran. */
  spawnError?: { code: string; message: string };
  /** The process (and process group) id, when it started. */
  pid?: number;
  /** Bytes read from stdout and stderr together, kept or not. */
  bytesOut: number;
  durationMs: number;
}

/**
 * Runs a program the way an unattended service must:
 * - `detached: true` makes it a session leader (setsid): it has no controlling terminal, so
 *   opening /dev/tty fails instead of waiting for a person, and it heads its own process group,
 *   so a kill reaches everything it started;
 * - stdin is the given bytes then closed, or /dev/null; stdout and stderr are read to the end
 *   and kept up to a cap;
 * - at the deadline (or abort) SIGTERM goes to the whole group, after the grace SIGKILL;
 * - once the program has exited, a grandchild holding the pipes keeps us at most PIPE_LINGER_MS.
 * Never rejects, and never takes longer than deadline + 2 × grace + KILL_GIVE_UP_MS.
 */
export function runProgram(request: ProgramRequest): Promise<ProgramResult> {
  return new Promise<ProgramResult>((resolve) => {
    const started = performance.now();
    const graceMs = request.graceMs ?? KILL_GRACE_MS;
    const cap = request.outputCap ?? OUTPUT_CAP;
    const output = { stdout: new CappedBuffer(cap), stderr: new CappedBuffer(cap) };
    const lines = request.onLine ? new LineSplitter(request.onLine, request.maxLineLength ?? MAX_LINE_LENGTH) : undefined;
    let bytesOut = 0;
    let stdinComplete = request.stdin === undefined;
    let ended: ProgramResult['ended'] = 'no';
    let killedWith: ProgramResult['killedWith'] = 'none';
    let spawnError: ProgramResult['spawnError'];
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms).unref());

    const child = spawn(request.program, [...request.args], {
      detached: true,
      stdio: [request.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: { ...request.env },
      ...(request.cwd !== undefined ? { cwd: request.cwd } : {}),
    });

    const signalGroup = (signal: 'SIGTERM' | 'SIGKILL') => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is gone already.
      }
    };

    // A set's timeout may be days long: a plain setTimeout would fire a 30-day one at once.
    const deadline = setLongTimeout(() => end('deadline'), request.deadlineMs).unref();

    const finish = () => {
      if (settled) return;
      settled = true;
      deadline.cancel();
      for (const timer of timers) clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      lines?.flush();
      // What is left of a program Vigil ended is ended too (a grandchild that ignored SIGTERM
      // after its parent obeyed it); what is left of one that exited by itself only on request.
      if (exit && (ended !== 'no' || request.reapGroupOnExit)) signalGroup('SIGKILL');
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.stdin?.destroy();
      child.unref();
      resolve({
        exitCode: exit?.code ?? null,
        exitSignal: exit?.signal ?? null,
        stdout: output.stdout.text(),
        stderr: output.stderr.text(),
        stdinComplete,
        ended,
        killedWith,
        ...(spawnError ? { spawnError } : {}),
        ...(child.pid !== undefined ? { pid: child.pid } : {}),
        bytesOut,
        durationMs: Math.round(performance.now() - started),
      });
    };

    function end(why: 'deadline' | 'aborted'): void {
      if (exit || settled || ended !== 'no' || child.pid === undefined) return;
      ended = why;
      killedWith = 'SIGTERM';
      signalGroup('SIGTERM');
      later(graceMs, () => {
        if (exit) return;
        killedWith = 'SIGKILL';
        signalGroup('SIGKILL');
        later(graceMs + KILL_GIVE_UP_MS, finish);
      });
    }
    const onAbort = () => end('aborted');

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) {
        spawnError = { code: error.code ?? 'ESPAWN', message: error.message };
        finish();
      }
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Pipes still held by a grandchild must not keep us waiting.
      later(PIPE_LINGER_MS, finish);
    });
    child.on('close', finish);
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]?.on('data', (chunk: Buffer) => {
        bytesOut += chunk.length;
        output[stream].push(chunk);
        lines?.push(stream, chunk);
      });
    }
    if (request.stdin && child.pid !== undefined) {
      // EPIPE when the program exits without reading everything: not complete, not fatal.
      child.stdin?.on('error', () => {});
      child.stdin?.end(request.stdin, (error?: Error | null) => {
        if (!error) stdinComplete = true;
      });
    }

    if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;
  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (room > 0) {
      const kept = chunk.subarray(0, room);
      this.chunks.push(kept);
      this.size += kept.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(0, room));
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `${text}\n[… ${this.dropped} more bytes not kept]` : text;
  }
}

/** Output as lines, for callers that log it as it comes (a backup engine's progress). */
class LineSplitter {
  private readonly pending = { stdout: '', stderr: '' };
  constructor(
    private readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void,
    private readonly maxLine: number,
  ) {}

  push(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    let text = this.pending[stream] + chunk.toString('utf8');
    let newline: number;
    while ((newline = text.indexOf('\n')) !== -1) {
      this.onLine(stream, text.slice(0, newline).replace(/\r$/, '').slice(0, this.maxLine));
      text = text.slice(newline + 1);
    }
    // A line with no newline in sight is passed on in pieces rather than held in memory.
    while (text.length > this.maxLine * 4) {
      this.onLine(stream, text.slice(0, this.maxLine));
      text = text.slice(this.maxLine * 4);
    }
    this.pending[stream] = text;
  }

  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.pending[stream]) this.onLine(stream, this.pending[stream].slice(0, this.maxLine));
      this.pending[stream] = '';
    }
  }
}
