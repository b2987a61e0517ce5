import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

/**
 * A Postfix instance of its own for one test file: its own configuration, queue and data
 * directories under a temporary directory, no SMTP listener, relaying everything to
 * `relayPort` on 127.0.0.1. The system's Postfix (/etc/postfix, /var/spool/postfix) is not
 * touched. Its sendmail, postqueue and postcat are reached with MAIL_CONFIG.
 */
export class PostfixInstance {
  readonly root = mkdtempSync(path.join(tmpdir(), 'vigil-postfix-'));
  readonly configDir = path.join(this.root, 'etc');
  readonly env: Record<string, string> = { MAIL_CONFIG: this.configDir };

  constructor(relayPort: number) {
    // Postfix's daemons run as the postfix user and must reach their directories.
    chmodSync(this.root, 0o755);
    const queue = path.join(this.root, 'spool');
    const data = path.join(this.root, 'data');
    for (const dir of [this.configDir, queue, data]) mkdirSync(dir, { recursive: true });
    chownSync(data, userInfo({ encoding: 'utf8' }).uid === 0 ? postfixUid() : -1, -1);
    writeFileSync(
      path.join(this.configDir, 'main.cf'),
      [
        'compatibility_level = 3.6',
        `queue_directory = ${queue}`,
        `data_directory = ${data}`,
        'command_directory = /usr/sbin',
        'daemon_directory = /usr/lib/postfix/sbin',
        'shlib_directory = /usr/lib/postfix',
        'meta_directory = /etc/postfix',
        'mail_owner = postfix',
        'setgid_group = postdrop',
        'inet_interfaces = loopback-only',
        'inet_protocols = ipv4',
        'myhostname = vigil-test.localdomain',
        'mydestination =',
        `relayhost = [127.0.0.1]:${relayPort}`,
        'smtp_tls_security_level = none',
        'alias_maps =',
        'alias_database =',
        'queue_run_delay = 1s',
        'minimal_backoff_time = 1s',
        'maximal_backoff_time = 2s',
        '',
      ].join('\n'),
    );
    // The system's services, without the SMTP listener: this instance only sends.
    const master = readFileSync('/etc/postfix/master.cf', 'utf8')
      .split('\n')
      .filter((line) => !/^smtp\s+inet\b/.test(line))
      .join('\n');
    writeFileSync(path.join(this.configDir, 'master.cf'), master);
    // Creates the queue directories with Postfix's own ownership and modes.
    this.postfix('check');
  }

  start(): void {
    this.postfix('start');
  }

  stop(): void {
    try {
      this.postfix('stop');
    } catch {
      // not running
    }
  }

  running(): boolean {
    try {
      this.postfix('status');
      return true;
    } catch {
      return false;
    }
  }

  /** Stops the instance and removes every file of it. */
  destroy(): void {
    if (this.running()) {
      try {
        this.postfix('abort');
      } catch {
        // already gone
      }
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  private postfix(command: string): void {
    execFileSync('/usr/sbin/postfix', ['-c', this.configDir, command], { stdio: 'ignore', timeout: 30_000 });
  }
}

function postfixUid(): number {
  return Number(execFileSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).trim());
}
