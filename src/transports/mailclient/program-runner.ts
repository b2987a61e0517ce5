import { spawn } from 'node:child_process';

/** One run of a program with the message (or nothing) on stdin. */
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

export interface ProgramResult {
  /** Null when the program was ended by a signal or never started. */
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every byte of stdin reached the pipe: the program could have read the whole message. */
  stdinComplete: boolean;
  /** The deadline passed (or the signal aborted) and Vigil ended the program. */
  ended: 'no' | 'deadline' | 'aborted';
  /** The strongest signal Vigil had to send. */
  killedWith: 'none' | 'SIGTERM' | 'SIGKILL';
  /** The program could not be started (ENOENT, EACCES…). */
  spawnError?: { code: string; message: string };
  /** The process (and process group) id, when it started. */
  pid?: number;
  durationMs: number;
}

/** Runs a program to completion, never longer than its deadline plus grace (plus a moment). */
export interface ProgramRunner {
  run(request: ProgramRun): Promise<ProgramResult>;
}

const DEFAULT_OUTPUT_CAP = 64 * 1024;
/** After the program exits, how long a grandchild may keep our pipes open before we let go. */
const PIPE_LINGER_MS = 500;

/**
 * Runs programs the way an unattended service must:
 * - `detached: true` makes the child a session leader (setsid): it has no controlling terminal,
 *   so opening /dev/tty fails instead of waiting for a person, and it heads its own process
 *   group, so a kill reaches everything it started;
 * - stdin carries the message and is closed; stdout and stderr are captured up to a cap;
 * - at the deadline SIGTERM goes to the whole group, after the grace SIGKILL.
 * Never rejects.
 */
export class ChildProcessRunner implements ProgramRunner {
  run(request: ProgramRun): Promise<ProgramResult> {
    return new Promise<ProgramResult>((resolve) => {
      const started = performance.now();
      const cap = request.outputCap ?? DEFAULT_OUTPUT_CAP;
      const out = new CappedBuffer(cap);
      const err = new CappedBuffer(cap);
      let stdinComplete = false;
      let ended: ProgramResult['ended'] = 'no';
      let killedWith: ProgramResult['killedWith'] = 'none';
      let spawnError: ProgramResult['spawnError'];
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];

      const child = spawn(request.path, [...request.args], {
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...request.env },
        cwd: '/',
      });

      const finish = () => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        child.stdout?.destroy();
        child.stderr?.destroy();
        child.stdin?.destroy();
        child.unref();
        resolve({
          exitCode: exit?.code ?? null,
          exitSignal: exit?.signal ?? null,
          stdout: out.text(),
          stderr: err.text(),
          stdinComplete,
          ended,
          killedWith,
          ...(spawnError ? { spawnError } : {}),
          ...(child.pid !== undefined ? { pid: child.pid } : {}),
          durationMs: Math.round(performance.now() - started),
        });
      };

      const killGroup = (signal: 'SIGTERM' | 'SIGKILL') => {
        if (child.pid === undefined) return;
        killedWith = signal;
        try {
          process.kill(-child.pid, signal);
        } catch {
          // The group is already gone.
        }
      };

      const end = (why: 'deadline' | 'aborted') => {
        if (exit || settled || ended !== 'no') return;
        ended = why;
        killGroup('SIGTERM');
        timers.push(
          setTimeout(() => {
            killGroup('SIGKILL');
            // A process in uninterruptible sleep may outlive even SIGKILL for a while; the
            // caller's deadline matters more than its exit status.
            timers.push(setTimeout(finish, request.graceMs + 1_000));
          }, request.graceMs),
        );
      };
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
        timers.push(setTimeout(finish, PIPE_LINGER_MS));
      });
      child.on('close', finish);
      child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
      // EPIPE when the program exits without reading everything: not complete, not fatal.
      child.stdin?.on('error', () => {});
      if (child.pid !== undefined) {
        child.stdin?.end(request.stdin ?? Buffer.alloc(0), (error?: Error | null) => {
          if (!error) stdinComplete = true;
        });
      }

      timers.push(setTimeout(() => end('deadline'), request.deadlineMs));
      if (request.signal?.aborted) onAbort();
      else request.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
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
