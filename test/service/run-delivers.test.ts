import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closedPort, SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';
import { waitForText } from '../helpers/wait-for.js';

// Two sets that fail at once; no set has a schedule, so only `vigil run` runs them.
const SETS = `sets:
  alpha: { engine: command, command: ["false"] }
  beta: { engine: command, command: ["false"] }
`;

describe('vigil run delivers its own alerts when no service runs (cron)', () => {
  let peer: SmtpPeer;
  before(async () => (peer = await SmtpPeer.start()));
  after(async () => peer.stop());

  it('the alert is delivered before vigil run exits, and it says so', { timeout: 60_000 }, async () => {
    peer.received.length = 0;
    const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }));
    try {
      const run = await ws.vigil(['run', 'alpha']);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(peer.received.length, 1, run.stdout + run.stderr);
      assert.match(peer.received[0]!.parsed.subject ?? '', /alpha/);
      assert.match(run.stdout, /alert.*delivered|1 sent/i);
      const listed = await ws.vigil(['outbox', 'list', '--json']);
      assert.deepEqual((JSON.parse(listed.stdout) as Array<{ state: string }>).map((m) => m.state), ['sent']);
    } finally {
      ws.cleanup();
    }
  });

  // A window long enough for both runs to end in it even on a loaded machine.
  it('a failure held in a storm window by vigil run is sent at the window’s end, before it exits', { timeout: 90_000 }, async () => {
    peer.received.length = 0;
    const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }).replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  stormWindow: 15s\n'));
    try {
      const [a, b] = await Promise.all([ws.vigil(['run', 'alpha']), ws.vigil(['run', 'beta'])]);
      assert.equal(a.code, 1, a.stderr);
      assert.equal(b.code, 1, b.stderr);
      // One alert at once (the window's first), then one grouped message for the held one.
      assert.equal(peer.received.length, 2, peer.received.map((m) => m.parsed.subject).join('\n') + a.stdout + b.stdout);
      const subjects = peer.received.map((m) => m.parsed.subject ?? '').join('\n');
      assert.match(subjects, /2 sets failed/);
      assert.match(peer.received.map((m) => m.parsed.text ?? '').join('\n'), /alpha[\s\S]*beta|beta[\s\S]*alpha/);
    } finally {
      ws.cleanup();
    }
  });

  it('vigil outbox deliver flushes a storm window that vigil run --wait 0 left behind', { timeout: 90_000 }, async () => {
    peer.received.length = 0;
    const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }).replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  stormWindow: 15s\n'));
    try {
      const runs = await Promise.all([ws.vigil(['run', 'alpha', '--wait', '0']), ws.vigil(['run', 'beta', '--wait', '0'])]);
      assert.equal(peer.received.length, 1, runs.map((r) => r.stdout + r.stderr).join('\n'));
      assert.match(runs.map((r) => r.stdout).join('\n'), /held in a storm window until/);
      // Cron's `vigil outbox deliver`, until the window has ended (a deadline, not a timing).
      const end = Date.now() + 60_000;
      while (peer.received.length < 2 && Date.now() < end) {
        const deliver = await ws.vigil(['outbox', 'deliver']);
        assert.equal(deliver.code, 0, deliver.stderr);
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.match(peer.received[1]?.parsed.subject ?? '', /2 sets failed/);
    } finally {
      ws.cleanup();
    }
  });

  it('what cannot be delivered within the wait is named as still queued', { timeout: 60_000 }, async () => {
    const ws = new Workspace(smtpConfig({ servers: [{ port: await closedPort() }], extra: SETS }));
    try {
      const run = await ws.vigil(['run', 'alpha', '--wait', '5s']);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /still queued/i);
      assert.match(run.stdout, /vigil outbox deliver|vigil start/);
    } finally {
      ws.cleanup();
    }
  });
});

describe('with the service running, an enqueue by the CLI wakes it', () => {
  it('vigil run leaves delivery to the service, which is woken at once', { timeout: 90_000 }, async () => {
    const peer = await SmtpPeer.start();
    const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--config', ws.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await waitForText(() => stderr, /vigil started/);
      const run = await ws.vigil(['run', 'alpha']);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, new RegExp(`service \\(pid ${child.pid}\\)`));
      // Observed by the service's own log line, not by how soon the mail came.
      await waitForText(() => stderr, /woken/);
      await waitForText(() => String(peer.received.length), /^1$/);
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
    } finally {
      child.kill('SIGKILL');
      await peer.stop();
      ws.cleanup();
    }
  });
});
