import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

describe('Ctrl-C of your own vigil run (issue 18 item 15)', () => {
  it('is recorded cancelled, and nobody is alerted or paged', { timeout: 120_000 }, async () => {
    const peer = await SmtpPeer.start();
    const ws = new Workspace();
    const started = path.join(ws.dir, 'started');
    const hang = path.join(ws.dir, 'hang.sh');
    writeFileSync(hang, `#!/bin/sh\ntouch ${started}\nexec sleep 300\n`);
    chmodSync(hang, 0o755);
    ws.write(
      smtpConfig({ servers: [{ port: peer.port }], extra: `sets:\n  slow: { engine: command, command: [${hang}] }\n` })
        .replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  pager: [admins]\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'run', 'slow', '--wait', '5s', '--config', ws.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    try {
      // Ctrl-C once the backup program really runs (a deadline, not a timing).
      const end = Date.now() + 60_000;
      while (!existsSync(started) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGINT');
      const code = await exited;
      assert.match(out, /slow: cancelled/, out);
      assert.equal(code, 1, out);
      const rows = JSON.parse((await ws.vigil(['activity', '--json', '--set', 'slow'])).stdout) as Array<{ status: string }>;
      assert.deepEqual(rows.map((r) => r.status), ['cancelled']);
      assert.deepEqual((JSON.parse((await ws.vigil(['outbox', 'list', '--json'])).stdout) as unknown[]).length, 0, 'no alert, no page');
      assert.equal(peer.received.length, 0);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
      await peer.stop();
      ws.cleanup();
    }
  });
});
