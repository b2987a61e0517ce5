/**
 * The SMTP sink bench:outbox delivers into: Postfix's smtp-sink when installed, else an
 * smtp-server process (bench/sink.ts), on a free loopback port. The caller kills the child.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function startSink(port: number): Promise<{ name: string; child: ChildProcess }> {
  const smtpSink = '/usr/sbin/smtp-sink';
  const child = existsSync(smtpSink)
    ? spawn(smtpSink, ['-u', 'nobody', `127.0.0.1:${port}`, '256'], { stdio: 'ignore' })
    : spawn(process.execPath, ['--import', 'tsx', path.join(here, 'sink.ts'), String(port)], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) return { name: existsSync(smtpSink) ? 'postfix smtp-sink' : 'smtp-server', child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the SMTP sink did not start');
}
