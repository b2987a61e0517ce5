import { spawn } from 'node:child_process';
import { setLongTimeout } from '../platform/long-timer.js';

/**
 * Runs an engine's program unattended: no terminal (a new session, stdin closed), output read
 * line by line, a hard deadline, and on abort or deadline SIGTERM then SIGKILL to the whole
 * process group — so a script's children (tar, pg_dump) are stopped with it.
 */
export interface ChildRunOptions {
  argv: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL. */
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
  spawnError?: NodeJS.ErrnoException;
  bytesOut: number;
}

export function runChild(options: ChildRunOptions): Promise<ChildRunResult> {
  const [program, ...args] = options.argv;
  const maxLine = options.maxLineLength ?? 4_000;
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let bytesOut = 0;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(program!, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });

    const stopGroup = () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      signalGroup(child.pid, 'SIGTERM');
      killTimer ??= setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), options.killGraceMs ?? 5_000);
      killTimer.unref();
    };
    // A set's timeout may be days long: a plain setTimeout would fire a 30-day one at once.
    const deadline = setLongTimeout(() => {
      timedOut = true;
      stopGroup();
    }, options.timeoutMs).unref();
    const onAbort = () => {
      aborted = true;
      stopGroup();
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });

    const pending: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
    const read = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      bytesOut += chunk.length;
      let text = pending[stream] + chunk.toString('utf8');
      let newline: number;
      while ((newline = text.indexOf('\n')) !== -1) {
        options.onLine(stream, text.slice(0, newline).replace(/\r$/, '').slice(0, maxLine));
        text = text.slice(newline + 1);
      }
      // A line with no newline in sight is passed on in pieces rather than held in memory.
      while (text.length > maxLine * 4) {
        options.onLine(stream, text.slice(0, maxLine));
        text = text.slice(maxLine * 4);
      }
      pending[stream] = text;
    };
    child.stdout.on('data', read('stdout'));
    child.stderr.on('data', read('stderr'));

    // A grandchild that keeps our pipes open would hold `close` back until the deadline: once
    // the program itself has exited, its group gets a moment, then is ended.
    child.on('exit', () => {
      const linger = setTimeout(() => child.pid !== undefined && signalGroup(child.pid, 'SIGKILL'), 2_000);
      linger.unref();
    });
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
    });
    child.on('close', (exitCode, signal) => {
      deadline.cancel();
      if (killTimer) clearTimeout(killTimer);
      options.signal.removeEventListener('abort', onAbort);
      for (const stream of ['stdout', 'stderr'] as const) if (pending[stream]) options.onLine(stream, pending[stream].slice(0, maxLine));
      // Children of the program that outlived it (and hold no pipe) are stopped too.
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      resolve({ exitCode, signal, timedOut, aborted, bytesOut, ...(spawnError ? { spawnError } : {}) });
    });
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}
