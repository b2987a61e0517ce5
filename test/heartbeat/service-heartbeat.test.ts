import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { HttpPeer } from '../helpers/http-peer.js';
import { closedPort } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';
import { withCleanups } from '../helpers/cleanups.js';

// A real `vigil start` pinging its heartbeat to a loopback checker: "alive" while healthy, then
// `/fail` with the reason once a critical message is stuck past escalateAfter (its mail relay
// refuses connections). The check's secret path never reaches the logs or `outbox list`.

const CHECK = '/5b0c9e1d-77aa-4f0e-8d21-6c3e9f4a1b2d';
const cleanups = withCleanups();

async function waitFor(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

test('vigil start pings its heartbeat while healthy and /fail with the reason when a critical message is stuck', { timeout: 120_000 }, async () => {
  const hc = await HttpPeer.start(() => ({ status: 200, body: 'OK' }));
  cleanups.push(() => hc.stop());
  const relay = await closedPort();
  const ws = new Workspace(
    smtpConfig({ servers: [{ port: relay }], timeoutSeconds: 2 }).replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  escalateAfter: 2s\n') +
      `heartbeat: { url: { env: HC_URL }, every: 1s }\n`,
  );
  cleanups.push(() => ws.cleanup());
  const env = { ...process.env, HC_URL: hc.url(CHECK) };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--config', ws.configFile], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => stopService(child));
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const paths = () => hc.received.map((r) => new URL(r.url, 'http://x').pathname);

  await waitFor('two "alive" pings', () => paths().filter((p) => p === CHECK).length >= 2).catch((error: Error) => {
    throw new Error(`${error.message}; got ${paths().join(', ')}; log:\n${log}`);
  });
  assert.ok(paths().every((p) => p === CHECK), paths().join('\n'));
  assert.match(hc.received[0]!.body.toString(), /alive/);

  // A critical alert that cannot leave: the relay refuses connections.
  const fault = await ws.vigil(['notify', 'fault', 'service-failed', '--detail', 'heartbeat test'], { env: { HC_URL: hc.url(CHECK) } });
  assert.notEqual(fault.code, null, fault.stderr);
  await waitFor('a /fail ping', () => paths().includes(`${CHECK}/fail`), 60_000);
  const fail = hc.received.find((r) => new URL(r.url, 'http://x').pathname === `${CHECK}/fail`)!;
  assert.match(fail.body.toString(), /unhealthy: a critical message has not been delivered for \d+s/);
  assert.equal(fail.method, 'POST');

  const listed = await ws.vigil(['outbox', 'list'], { env: { HC_URL: hc.url(CHECK) } });
  assert.match(listed.stdout, /heartbeat/);
  await stopService(child);
  const secret = CHECK.slice(1);
  assert.ok(!log.includes(secret), `the check's secret path is in the service's log:\n${log}`);
  assert.ok(!listed.stdout.includes(secret) && !listed.stderr.includes(secret), listed.stdout);
  assert.match(log, /heartbeat: unhealthy/);
});
