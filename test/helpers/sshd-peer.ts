import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SftpTarget } from '../../src/backup/engines/builtin/backend/sftp-session.js';

/**
 * A real OpenSSH server (Debian's /usr/sbin/sshd) on a loopback ephemeral port, run as the
 * current user with throwaway host and user keys made by ssh-keygen; internal-sftp serves SFTP.
 * The peer of the SFTP vault tests. `stop()` ends it by PID; `killSessions()` SIGKILLs the
 * per-connection sshd processes (a connection dropped mid-transfer).
 */
export class SshdPeer {
  readonly dir: string;
  readonly hostKey: string;
  readonly identityFile: string;
  readonly knownHosts: string;
  readonly user = os.userInfo().username;
  port = 0;
  private child: ChildProcess | undefined;
  private stderr = '';

  constructor() {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-sshd-'));
    this.hostKey = path.join(this.dir, 'host_ed25519');
    this.identityFile = path.join(this.dir, 'id_ed25519');
    this.knownHosts = path.join(this.dir, 'known_hosts');
    keygen(this.hostKey);
    keygen(this.identityFile);
    writeFileSync(path.join(this.dir, 'authorized_keys'), readFileSync(`${this.identityFile}.pub`), { mode: 0o600 });
  }

  /** A vault directory on the "server" (the same machine), absolute. */
  remoteDir(name: string): string {
    const dir = path.join(this.dir, 'remote', name);
    mkdirSync(path.dirname(dir), { recursive: true });
    return dir;
  }

  target(remotePath: string, overrides: Partial<SftpTarget> = {}): SftpTarget {
    return { host: '127.0.0.1', port: this.port, username: this.user, path: remotePath, identityFile: this.identityFile, knownHosts: this.knownHosts, timeoutMs: 20_000, ...overrides };
  }

  async start(): Promise<void> {
    // sshd started as root puts its pre-auth child in this directory (Debian's unit creates it at boot).
    if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
    for (let attempt = 0; ; attempt++) {
      this.port = await freePort();
      const config = path.join(this.dir, 'sshd_config');
      writeFileSync(
        config,
        [
          `Port ${this.port}`,
          'ListenAddress 127.0.0.1',
          `HostKey ${this.hostKey}`,
          `PidFile ${path.join(this.dir, 'sshd.pid')}`,
          `AuthorizedKeysFile ${path.join(this.dir, 'authorized_keys')}`,
          'StrictModes no',
          'PubkeyAuthentication yes',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'PermitRootLogin prohibit-password',
          'UsePAM no',
          'Subsystem sftp internal-sftp',
          'LogLevel ERROR',
          '',
        ].join('\n'),
      );
      writeFileSync(this.knownHosts, `[127.0.0.1]:${this.port} ${readFileSync(`${this.hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
      this.stderr = '';
      const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
      this.child = child;
      if (await listening(this.port, child)) return;
      await this.stop();
      if (attempt >= 3) throw new Error(`sshd did not start: ${this.stderr}`);
    }
  }

  /** How many connections the server holds open (its per-connection sshd processes). */
  sessionCount(): number {
    const pid = this.child?.pid;
    return pid === undefined ? 0 : childrenOf(pid).length;
  }

  /** SIGKILLs every per-connection sshd process: open connections drop at once, the listener stays. */
  killSessions(): number {
    return this.signalSessions('SIGKILL');
  }

  /** SIGSTOPs every per-connection sshd process: transfers in flight freeze where they are. */
  pauseSessions(): number {
    return this.signalSessions('SIGSTOP');
  }

  /**
   * SIGSTOPs the listener and every session: the host is "dead" — connections already open get
   * no answer, and a new one is accepted by the kernel but never greeted (no SSH banner), as a
   * hung or firewalled host behaves. `resume()` undoes it.
   */
  freeze(): number {
    const pid = this.child?.pid;
    if (pid !== undefined) process.kill(pid, 'SIGSTOP');
    return this.signalSessions('SIGSTOP');
  }

  resume(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    this.signalSessions('SIGCONT');
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
  }

  private signalSessions(signal: NodeJS.Signals): number {
    const pid = this.child?.pid;
    if (pid === undefined) return 0;
    let signalled = 0;
    for (const child of childrenOf(pid)) {
      try {
        process.kill(child, signal);
        signalled++;
      } catch {
        // already gone
      }
    }
    return signalled;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      this.resume(); // a frozen sshd would not act on SIGTERM
      this.killSessions();
    }
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  async cleanup(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'vigil-test', '-f', file], { stdio: 'ignore' });
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A loopback port nothing listens on right now (a server started on it may still lose a race: retry). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits (up to 10 s) until the port accepts connections; false when sshd exited first. */
async function listening(port: number, child: ChildProcess): Promise<boolean> {
  for (let n = 0; n < 200; n++) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return true;
    await sleep(50);
  }
  return false;
}
