import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

function startService(ws: Workspace): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--config', ws.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output: () => out, exited };
}

describe('systemctl stop or restart during a backup (issue 18 item 15)', () => {
  it('the run is recorded interrupted, retried at the next start, and nobody is alerted or paged', { timeout: 240_000 }, async () => {
    const peer = await SmtpPeer.start();
    const ws = new Workspace();
    const started = path.join(ws.dir, 'started');
    const script = path.join(ws.dir, 'backup.sh');
    // The first run hangs until the service is stopped; the retry completes.
    writeFileSync(script, `#!/bin/sh\nif [ -e ${started} ]; then exit 0; fi\ntouch ${started}\nexec sleep 300\n`);
    chmodSync(script, 0o755);
    ws.write(
      smtpConfig({ servers: [{ port: peer.port }], extra: `sets:\n  nightly: { engine: command, command: [${script}], schedule: "*/30 * * * * *" }\n` })
        .replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  pager: [admins]\n'),
    );
    let service = startService(ws);
    try {
      await waitFor(() => existsSync(started), { timeoutMs: 90_000, what: 'the first run to start' });
      service.child.kill('SIGTERM');
      assert.equal(await service.exited, 0, service.output());
      assert.match(service.output(), /recorded interrupted/);

      service = startService(ws);
      const listRuns = async () => JSON.parse((await ws.vigil(['activity', '--json', '--set', 'nightly'])).stdout) as Array<{ status: string }>;
      let runs: Array<{ status: string }> = [];
      await waitFor(async () => (runs = await listRuns()).some((r) => r.status === 'completed'), { timeoutMs: 120_000, what: 'a completed run', everyMs: 500 });
      service.child.kill('SIGTERM');
      assert.equal(await service.exited, 0, service.output());
      // Newest first: the retry (or the next due time, had one passed during the restart) completed.
      assert.deepEqual(runs.reverse().map((r) => r.status).slice(0, 2), ['interrupted', 'completed'], service.output());
      assert.deepEqual(JSON.parse((await ws.vigil(['outbox', 'list', '--json'])).stdout), [], 'no INCOMPLETE, no MISSED, no RECOVERED');
      assert.equal(peer.received.length, 0);
    } finally {
      service.child.kill('SIGKILL');
      await peer.stop();
      ws.cleanup();
    }
  });
});
