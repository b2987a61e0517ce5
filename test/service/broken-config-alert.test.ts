import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

// An administrator breaks vigil.yaml and restarts the service: it exits 2 (not restarted) and
// systemd runs vigil-failed.service — `vigil notify fault service-failed` — which needs the same
// file. Before, that alert failed too and nobody was told. The service keeps the last
// configuration that loaded; the fault alert falls back to it and says so.

describe('a broken vigil.yaml: the service-failed alert still goes out', () => {
  it('falls back to the last configuration the service ran with, and names the problem', { timeout: 120_000 }, async () => {
    const peer = await SmtpPeer.start();
    const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }] }));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--config', ws.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      try {
        await waitFor(() => out.includes('vigil started'), { timeoutMs: 60_000, what: 'the service to start' });
      } finally {
        child.kill('SIGTERM');
      }
      assert.equal(await exited, 0, out);

      // The edit that breaks it: a tab-indented key, so the YAML does not even parse.
      writeFileSync(ws.configFile, `${readFileSync(ws.configFile, 'utf8')}\nsets:\n\tdocs: {}\n`);
      const start = await ws.vigil(['start']);
      assert.equal(start.code, 2, 'the broken file stops the service (systemd does not restart exit 2)');

      const fault = await ws.vigil(['notify', 'fault', 'service-failed', '--detail', 'vigil.service failed: result exit-code, exited 2']);
      assert.equal(fault.code, 0, fault.stderr);
      assert.match(fault.stderr, /vigil\.yaml is invalid: line \d+: Tabs are not allowed as indentation; using the last configuration that loaded \(saved /);
      assert.equal(peer.received.length, 1);
      const text = peer.received[0]!.parsed.text ?? '';
      assert.match(text, /vigil\.service failed: result exit-code, exited 2/);
      assert.match(text, /vigil\.yaml is invalid: line \d+: Tabs/, 'the alert names the broken file and where');
    } finally {
      await peer.stop();
      ws.cleanup();
    }
  });
});
