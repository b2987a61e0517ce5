import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SystemdNotifier } from '../../src/platform/sd-notify.js';
import { NotifySocketPeer } from '../helpers/notify-socket.js';
import { waitFor } from '../helpers/wait-for.js';

// Real programs, really run: systemd-notify to a real datagram socket, and scripts standing in
// for a systemd-notify that fails or hangs. Each `{ timeout }` bounds a hang; it is not a timing.
const BOUND = { timeout: 60_000 };
const dir = mkdtempSync(path.join(tmpdir(), 'vigil-sd-notify-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const realNotify = ['/usr/bin/systemd-notify', '/bin/systemd-notify'].find((p) => existsSync(p));

test('systemd-notify delivers the assignments to NOTIFY_SOCKET and send resolves true', { ...BOUND, skip: realNotify ? false : 'systemd-notify is not installed' }, async () => {
  const peer = await NotifySocketPeer.start(dir);
  try {
    const notifier = new SystemdNotifier(peer.path, realNotify);
    assert.equal(await notifier.send('READY=1', 'STATUS=testing'), true);
    await peer.waitFor(() => peer.messages.some((m) => m.includes('READY=1') && m.includes('STATUS=testing')), 'READY=1');
  } finally {
    peer.stop();
  }
});

test('a notifier that fails, or cannot start, resolves false (never rejects)', BOUND, async () => {
  assert.equal(await new SystemdNotifier('/run/nowhere.sock', script('fails.sh', 'exit 1')).send('READY=1'), false);
  assert.equal(await new SystemdNotifier('/run/nowhere.sock', path.join(dir, 'missing')).send('READY=1'), false);
  assert.equal(await new SystemdNotifier(undefined, script('unused.sh', 'exit 0')).send('READY=1'), false, 'no socket: nothing is sent');
});

test('a hung notifier is ended at its deadline: send resolves false, the program is gone, the next send runs', BOUND, async () => {
  const pidFile = path.join(dir, 'hung.pid');
  const hung = script('hung.sh', `echo $$ > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}\nexec sleep 300`);
  const notifier = new SystemdNotifier('/run/nowhere.sock', hung);
  const first = notifier.send('WATCHDOG=1');
  await waitFor(() => existsSync(pidFile), { what: 'the notifier to start' });
  assert.equal(await notifier.send('WATCHDOG=1'), false, 'the previous one is still going: not piled up');
  assert.equal(await first, false);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  await waitFor(() => !isAlive(pid), { what: 'the hung notifier to be killed' });
  rmSync(pidFile);
  const second = notifier.send('WATCHDOG=1');
  await waitFor(() => existsSync(pidFile), { what: 'the next send to run' });
  process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
  assert.equal(await second, false);
});
