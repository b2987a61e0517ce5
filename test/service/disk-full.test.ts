import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';
import { waitForText } from '../helpers/wait-for.js';

/** Mounts a small tmpfs (a real file system that fills up); undefined when this host does not allow it. */
function mountTmpfs(dir: string, size: string): boolean {
  if (process.getuid?.() !== 0) return false;
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Writes into `dir` until the file system says ENOSPC. */
function fill(dir: string): void {
  const fd = openSync(path.join(dir, 'filler'), 'w');
  try {
    for (const size of [256 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x55);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe('a full disk under dataDir (issue 18 item 30)', () => {
  it('vigil run says the disk is full, and the disk-full fault goes out directly, naming dataDir and the free space', { timeout: 120_000 }, async (t) => {
    const peer = await SmtpPeer.start();
    const ws = new Workspace();
    const mount = path.join(ws.dir, 'var');
    if (!mountTmpfs(mount, '4m')) {
      t.skip('cannot mount a tmpfs here (needs root and mount permission)');
      await peer.stop();
      ws.cleanup();
      return;
    }
    try {
      ws.write(smtpConfig({ servers: [{ port: peer.port }], extra: 'sets:\n  docs: { engine: command, command: ["true"] }\n' }));
      // The database exists (as after any earlier use), then the disk fills up.
      assert.equal((await ws.vigil(['activity'])).code, 0);
      fill(mount);
      const run = await ws.vigil(['run', 'docs', '--wait', '0']);
      assert.equal(run.code, 1, run.stderr);
      assert.doesNotMatch(run.stderr, /internal error/);
      assert.match(run.stderr, /disk (is )?full/i);
      assert.match(run.stderr, new RegExp(mount.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.match(run.stderr, /free/);
      // Around the Outbox: its database is what cannot be written.
      assert.equal(peer.received.length, 1, run.stderr);
      assert.match(peer.received[0]!.parsed.subject ?? '', /disk full/);
      assert.match(peer.received[0]!.parsed.text ?? '', new RegExp(`${mount.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*free`));
    } finally {
      execFileSync('umount', ['-l', mount], { stdio: 'ignore', timeout: 10_000 });
      await peer.stop();
      ws.cleanup();
    }
  });

  it('the running service alerts the full disk directly instead of logging it every poll', { timeout: 120_000 }, async (t) => {
    const peer = await SmtpPeer.start();
    const ws = new Workspace();
    const mount = path.join(ws.dir, 'var');
    if (!mountTmpfs(mount, '4m')) {
      t.skip('cannot mount a tmpfs here (needs root and mount permission)');
      await peer.stop();
      ws.cleanup();
      return;
    }
    // Every second (6-field cron): each due time must be written to the database.
    ws.write(smtpConfig({ servers: [{ port: peer.port }], extra: 'sets:\n  docs: { engine: command, command: ["true"], schedule: "* * * * * *" }\n' }));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--config', ws.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await waitForText(() => stderr, /backup docs: completed/, 60_000);
      fill(mount);
      await waitForText(() => peer.received.map((m) => m.parsed.subject ?? '').join('\n'), /disk full/, 60_000);
      const alert = peer.received.find((m) => /disk full/.test(m.parsed.subject ?? ''))!;
      assert.match(alert.parsed.text ?? '', /free on its file system/);
      child.kill('SIGTERM');
      await exited;
    } finally {
      child.kill('SIGKILL');
      execFileSync('umount', ['-l', mount], { stdio: 'ignore', timeout: 10_000 });
      await peer.stop();
      ws.cleanup();
    }
  });
});
