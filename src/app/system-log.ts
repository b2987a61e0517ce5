import { spawn } from 'node:child_process';
import type { SystemLog } from '../domain/system-log.js';

export interface LoggerProgramOptions {
  /** The util-linux `logger` program (found on PATH by default). */
  program?: string;
  /** Placed before the message, e.g. `['--socket', PATH]` to write to another syslog socket. */
  extraArgs?: string[];
  /** One write never takes longer than this; then the program is killed. */
  deadlineMs?: number;
  /** Where a line goes when the program is missing or fails (the journal, under systemd). */
  fallback?: NodeJS.WritableStream;
}

// syslog lines beyond ~1 KB are cut by many daemons anyway; keep ours whole and readable.
const MAX_LINE = 900;

/**
 * Writes to the system log through `logger -t vigil -p user.crit` rather than a syslog socket of
 * our own: the program knows the host's set-up (journald, rsyslog, a remote server) and is on
 * every Debian system (bsdutils). It runs with a deadline, no stdin and no terminal.
 */
export class LoggerProgramSystemLog implements SystemLog {
  constructor(private readonly options: LoggerProgramOptions = {}) {}

  async critical(line: string): Promise<void> {
    const text = line.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, MAX_LINE);
    const failure = await this.run(text);
    if (failure) {
      (this.options.fallback ?? process.stderr).write(`${new Date().toISOString()} CRIT  vigil: could not write to the system log (${failure}); the entry was: ${text}\n`);
    }
  }

  /** Resolves with why the write failed, or undefined when `logger` exited 0. */
  private run(text: string): Promise<string | undefined> {
    const program = this.options.program ?? 'logger';
    const args = ['-t', 'vigil', '-p', 'user.crit', ...(this.options.extraArgs ?? []), '--', text];
    return new Promise((resolve) => {
      let stderr = '';
      let settled = false;
      const done = (why: string | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(why);
      };
      const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        done(`${program} did not finish within ${this.options.deadlineMs ?? 5_000} ms`);
      }, this.options.deadlineMs ?? 5_000);
      timer.unref();
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < 500) stderr += d.toString();
      });
      child.on('error', (error: NodeJS.ErrnoException) => done(error.code === 'ENOENT' ? `${program} is not installed` : `${program}: ${error.message}`));
      child.on('close', (code, signal) => {
        if (code === 0) done(undefined);
        else done(`${program} ${signal ? `was killed by ${signal}` : `exited with status ${code}`}${stderr.trim() ? `: ${stderr.trim().split('\n')[0]}` : ''}`);
      });
    });
  }
}

/**
 * The system log as the app hands it out: every line passes through the app's redactor first.
 * Escalation reasons and fault details quote server replies and error text, which may carry a
 * password or token; syslog is often shipped off the host and kept for years, so no secret may
 * reach it (nor the stderr fallback, which only ever sees the redacted line).
 */
export class RedactingSystemLog implements SystemLog {
  constructor(
    private readonly inner: SystemLog,
    private readonly redact: (text: string) => string,
  ) {}

  critical(line: string): Promise<void> {
    return this.inner.critical(this.redact(line));
  }
}
