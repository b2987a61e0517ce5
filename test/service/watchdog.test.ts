import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { liveness, watchdogPingEveryMs } from '../../src/domain/liveness.js';
import { ServiceWatchdog } from '../../src/app/service-watchdog.js';
import { SystemdNotifier } from '../../src/platform/sd-notify.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { NotifySocketPeer } from '../helpers/notify-socket.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';
import type { Logger } from '../../src/domain/logger.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-notify-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
async function notifyPeer(): Promise<NotifySocketPeer> {
  const peer = await NotifySocketPeer.start(tempDir());
  cleanups.push(() => peer.stop());
  return peer;
}
function recordingLog(lines: string[]): Logger {
  const log = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } as unknown as Logger;
}

describe('liveness of the service loops (pure)', () => {
  const loop = (name: string, lastBeatAt: number | undefined, maxSilenceMs = 60_000) => ({ name, lastBeatAt, maxSilenceMs });
  test('alive, starting, stalled', () => {
    assert.deepEqual(liveness([loop('scheduler', 1_000), loop('dispatcher', 50_000)], 60_000, 0), { kind: 'alive' });
    assert.deepEqual(liveness([loop('scheduler', undefined), loop('dispatcher', 50_000)], 30_000, 0), { kind: 'starting', waitingFor: ['scheduler'] });
    assert.deepEqual(liveness([loop('scheduler', undefined), loop('dispatcher', 50_000)], 61_000, 0), { kind: 'stalled', loops: [{ name: 'scheduler', silentMs: 61_000 }] });
    assert.deepEqual(liveness([loop('scheduler', 1_000), loop('dispatcher', 100_000)], 100_000, 0), { kind: 'stalled', loops: [{ name: 'scheduler', silentMs: 99_000 }] });
  });
  test('a beat in the future (clock stepped back) is not silence', () => {
    assert.deepEqual(liveness([loop('scheduler', 500_000)], 100_000, 0), { kind: 'alive' });
  });
  test('ping every half WATCHDOG_USEC, only for this pid', () => {
    assert.equal(watchdogPingEveryMs({ WATCHDOG_USEC: '60000000' }, 42), 30_000);
    assert.equal(watchdogPingEveryMs({ WATCHDOG_USEC: '60000000', WATCHDOG_PID: '42' }, 42), 30_000);
    assert.equal(watchdogPingEveryMs({ WATCHDOG_USEC: '60000000', WATCHDOG_PID: '7' }, 42), undefined);
    assert.equal(watchdogPingEveryMs({}, 42), undefined);
    assert.equal(watchdogPingEveryMs({ WATCHDOG_USEC: 'soon' }, 42), undefined);
  });
});

describe('ServiceWatchdog against a real NOTIFY_SOCKET', () => {
  test('READY=1 once every loop has stepped; a stalled loop stops WATCHDOG=1 until it beats again', async () => {
    const peer = await notifyPeer();
    const clock = new FakeClock(1_000_000);
    const lines: string[] = [];
    const watchdog = new ServiceWatchdog(new SystemdNotifier(peer.path), clock, recordingLog(lines), { WATCHDOG_USEC: '60000000' });
    cleanups.push(() => watchdog.stop());
    let schedulerBeat: number | undefined;
    let databaseFails = false;
    watchdog.watch([
      { name: 'scheduler', maxSilenceMs: 120_000, lastBeatAt: () => schedulerBeat },
      { name: 'database', maxSilenceMs: 90_000, lastBeatAt: () => undefined, probe: async () => { if (databaseFails) throw new Error('SQLITE_IOERR'); } },
    ]);
    // systemd-notify follows each message with BARRIER=1 (it waits for the receiver to read it).
    const sent = () => peer.messages.filter((m) => m !== 'BARRIER=1');
    await watchdog.look();
    assert.deepEqual(sent(), [], 'the scheduler has not stepped yet: not ready');
    schedulerBeat = clock.now();
    await watchdog.look();
    await peer.waitFor(() => sent().length >= 2, 'READY=1 and WATCHDOG=1');
    assert.match(sent()[0]!, /^READY=1 STATUS=/);
    assert.equal(sent()[1], 'WATCHDOG=1');

    clock.advance(180_000); // the scheduler's pass hangs: no beat for 3 minutes
    await watchdog.look();
    assert.ok(lines.some((l) => /^error watchdog: not telling systemd we are alive: scheduler silent for 180 s/.test(l)), lines.join('\n'));
    schedulerBeat = clock.now();
    databaseFails = true;
    clock.advance(100_000); // now the database cannot be read for longer than it may
    await watchdog.look();
    assert.ok(lines.some((l) => /database silent for/.test(l)), lines.join('\n'));
    databaseFails = false;
    schedulerBeat = clock.now();
    await watchdog.look();
    await peer.waitFor(() => peer.messages.filter((m) => m === 'WATCHDOG=1').length >= 2, 'WATCHDOG=1 after recovery');
    // systemd-notify waits until the receiver has read each message: anything sent during the
    // stall would be here, before the second WATCHDOG=1.
    assert.deepEqual(sent().map((m) => m.split(' ')[0]), ['READY=1', 'WATCHDOG=1', 'WATCHDOG=1']);
  });

  test('vigil start sends READY=1, then WATCHDOG=1; a frozen service sends nothing until it runs again', async () => {
    const peer = await notifyPeer();
    const ws = new Workspace('dataDir: ./var\nsets:\n  nightly: { engine: command, command: [/bin/true], schedule: "0 3 * * *" }\n');
    cleanups.push(() => ws.cleanup());
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--config', ws.configFile], {
      cwd: REPO_ROOT,
      env: { ...process.env, NOTIFY_SOCKET: peer.path, WATCHDOG_USEC: '1000000' },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true, // its own process group: SIGSTOP freezes it and any systemd-notify it runs
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const group = child.pid!;
    cleanups.push(() => {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    const pings = () => peer.messages.filter((m) => m === 'WATCHDOG=1').length;
    await peer.waitFor(() => peer.messages.some((m) => m.startsWith('READY=1')), `READY=1 (service stderr: ${stderr})`);
    await peer.waitFor(() => pings() >= 2, 'two WATCHDOG=1');

    process.kill(-group, 'SIGSTOP'); // a real hang: nothing in the process runs
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // let a datagram already on its way land
    const frozenAt = pings();
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // three ping intervals
    assert.equal(pings(), frozenAt, 'a frozen service sends no WATCHDOG=1');

    process.kill(-group, 'SIGCONT');
    await peer.waitFor(() => pings() > frozenAt, 'WATCHDOG=1 once it runs again');
    process.kill(-group, 'SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
  });
});
