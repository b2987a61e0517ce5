import { existsSync } from 'node:fs';
import { runProgram } from './run-program.js';

// systemd-notify answers in milliseconds; one that hangs must not pile up behind the next ping.
const NOTIFY_DEADLINE_MS = 5_000;
const CANDIDATES = ['/usr/bin/systemd-notify', '/bin/systemd-notify'];

/**
 * sd_notify(3) for Node, which cannot write to a unix datagram socket by itself: each message is
 * handed to systemd's own `systemd-notify` (present wherever systemd is). Since systemd 246 it
 * waits until the manager has read the message (a BARRIER=1 follows it), so the manager can still
 * tell which unit the short-lived sender belongs to. The sender is not the main pid, hence the
 * unit's NotifyAccess=all. Undefined `socket` (no NOTIFY_SOCKET: not under systemd): sends nothing.
 */
export class SystemdNotifier {
  private readonly program: string | undefined;
  private busy = false;

  constructor(
    private readonly socket: string | undefined,
    program?: string,
  ) {
    this.program = program ?? CANDIDATES.find((p) => existsSync(p));
  }

  /** Whether messages can be sent at all (a socket to send to and the program to send with). */
  get enabled(): boolean {
    return Boolean(this.socket && this.program);
  }

  get why(): string {
    return !this.socket ? 'NOTIFY_SOCKET is not set' : `systemd-notify not found (${CANDIDATES.join(', ')})`;
  }

  /**
   * Sends `READY=1`, `WATCHDOG=1`, `STATUS=…`. Resolves false (never rejects) when it could not:
   * no socket, no program, it failed, it overran its deadline, or the previous one is still going.
   */
  send(...assignments: string[]): Promise<boolean> {
    if (!this.enabled || this.busy) return Promise.resolve(false);
    this.busy = true;
    // No grace: a systemd-notify that overran has nothing to save, and the next ping is waiting.
    return runProgram({ program: this.program!, args: assignments, env: { ...process.env, NOTIFY_SOCKET: this.socket }, deadlineMs: NOTIFY_DEADLINE_MS, graceMs: 0 }).then((run) => {
      this.busy = false;
      return run.exitCode === 0 && run.ended === 'no';
    });
  }
}
