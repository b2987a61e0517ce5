import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * A real NOTIFY_SOCKET: a python3 child binds a unix datagram socket and prints every datagram it
 * receives, one per line, as systemd's manager would read them. Stopped by its pid.
 */
export class NotifySocketPeer {
  readonly messages: string[] = [];
  private constructor(
    readonly path: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(dir: string): Promise<NotifySocketPeer> {
    const socketPath = path.join(dir, 'notify.sock');
    const script = [
      'import socket, sys',
      's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
      `s.bind(${JSON.stringify(socketPath)})`,
      'print("BOUND", flush=True)',
      'while True:',
      '    data = s.recv(65536)',
      '    print(data.decode("utf-8", "replace").replace("\\n", " "), flush=True)',
    ].join('\n');
    const child = spawn('python3', ['-u', '-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const peer = new NotifySocketPeer(socketPath, child);
    let buffer = '';
    let bound!: () => void;
    const isBound = new Promise<void>((resolve) => (bound = resolve));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'BOUND') bound();
        else peer.messages.push(line);
      }
    });
    await peer.waitFor(() => existsSync(socketPath), 'the socket to be bound', isBound);
    return peer;
  }

  /** Resolves when `done()` holds; rejects after 30 s (a deadline, not a timing assertion). */
  async waitFor(done: () => boolean, what: string, also?: Promise<void>): Promise<void> {
    if (also) await also;
    const deadline = Date.now() + 30_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(this.messages)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(): void {
    if (this.child.pid !== undefined && this.child.exitCode === null) process.kill(this.child.pid, 'SIGKILL');
  }
}
