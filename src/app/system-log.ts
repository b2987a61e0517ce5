import { runProgram } from '../platform/run-program.js';
import type { SystemLog } from '../domain/system-log.js';

export interface LoggerProgramOptions {
  /** The util-linux `logger` program (found on PATH by default). */
  program?: string;
  /** Placed before the message, e.g. `['--socket', PATH]` to write to another syslog socket. */
  extraArgs?: string[];
  /** After this long the program is stopped (SIGTERM, then SIGKILL after the shared grace). */
  deadlineMs?: number;
  /** Where a line goes when the program is missing or fails (the journal, under systemd). */
  fallback?: NodeJS.WritableStream;
}

// syslog lines beyond ~1 KB are cut by many daemons anyway; keep ours whole and readable.
const MAX_LINE = 900;

/**
 * Writes to the system log through `logger -t vigil -p user.crit` rather than a syslog socket of
 * our own: the program knows the host's set-up (journald, rsyslog, a remote server) and is on
 * every Debian system (bsdutils). It runs through the platform's program runner: a deadline, no
 * stdin and no terminal.
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
  private async run(text: string): Promise<string | undefined> {
    const program = this.options.program ?? 'logger';
    const args = ['-t', 'vigil', '-p', 'user.crit', ...(this.options.extraArgs ?? []), '--', text];
    const deadlineMs = this.options.deadlineMs ?? 5_000;
    const run = await runProgram({ program, args, env: process.env, deadlineMs, outputCap: 500 });
    if (run.spawnError) return run.spawnError.code === 'ENOENT' ? `${program} is not installed` : `${program}: ${run.spawnError.message}`;
    if (run.ended !== 'no') return `${program} did not finish within ${deadlineMs} ms`;
    if (run.exitCode === 0) return undefined;
    const stderr = run.stderr.trim();
    return `${program} ${run.exitSignal ? `was killed by ${run.exitSignal}` : `exited with status ${run.exitCode}`}${stderr ? `: ${stderr.split('\n')[0]}` : ''}`;
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
