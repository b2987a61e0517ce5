import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { openApp } from '../../src/app/context.js';
import { runService } from '../../src/app/service.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

const SETS = 'sets:\n  documents:\n    engine: command\n    command: [/bin/false]\n';
const CHILD = path.join(REPO_ROOT, 'test/notify/fixtures/crash-child.ts');

type Mode = 'finished' | 'enqueued' | 'claimed' | 'storm';

/** Runs the fixture until it says "ready", then SIGKILLs it. Returns the activity id it recorded. */
async function runAndKill(mode: Mode, configFile: string): Promise<number> {
  const child = await startChild(mode, configFile);
  await child.kill();
  return child.id;
}

/** Runs the fixture until it says "ready"; kill() SIGKILLs it and waits until it is gone. */
async function startChild(mode: Mode, configFile: string): Promise<{ id: number; pid: number; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let out = '';
  const id = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)\n/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('close', () => reject(new Error(`child ended before it was ready: ${out}`)));
  });
  return {
    id,
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
      clearTimeout(deadline);
    },
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a run that finished just before the process was killed is alerted when the service starts', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }));
  try {
    const id = await runAndKill('finished', ws.configFile);
    assert.equal(peer.received.length, 0, 'the killed process sent nothing');
    const app = openApp({ configFile: ws.configFile, logLevel: 'error', systemLog: { async critical() {} } });
    const service = runService(app, { handleSignals: false, graceMs: 1_000 });
    try {
      await waitFor(() => peer.received.length >= 1);
      const alert = peer.received[0]!;
      assert.equal(alert.parsed.subject, '[Vigil] documents failed on vigil-test.example.com');
      assert.match(alert.parsed.text ?? '', new RegExp(`vigil activity show ${id}`));
      assert.deepEqual(await app.store.notifyState.unnotified(0), [], 'marked notified');
    } finally {
      await service.stop();
    }
    // A second start finds nothing left to do.
    const again = openApp({ configFile: ws.configFile, logLevel: 'error', systemLog: { async critical() {} } });
    try {
      assert.equal(await again.notifications.recover(), 0);
    } finally {
      await again.close();
    }
  } finally {
    await peer.stop();
    ws.cleanup();
  }
});

test('killed after the alert was enqueued and sent but before the streak was saved: no duplicate after restart', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }));
  try {
    await runAndKill('enqueued', ws.configFile);
    assert.equal(peer.received.length, 1, 'the alert went out before the kill');
    const app = openApp({ configFile: ws.configFile, logLevel: 'error', systemLog: { async critical() {} } });
    try {
      assert.equal((await app.store.notifyState.unnotified(0)).length, 1, 'the commit never happened');
      assert.equal(await app.notifications.recover(), 1);
      await app.dispatcher.runPass();
      assert.equal(peer.received.length, 1, 'not sent twice');
      assert.deepEqual(await app.store.notifyState.unnotified(0), []);
      assert.ok((await app.store.notifyState.get('documents'))?.alertedAt, 'the streak was saved by the recovery');
    } finally {
      await app.close();
    }
  } finally {
    await peer.stop();
    ws.cleanup();
  }
});

test('killed after a storm group was enqueued and sent but before its window was marked flushed: not sent again', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }));
  try {
    await runAndKill('storm', ws.configFile);
    assert.equal(peer.received.length, 1, 'the grouped message went out before the kill');
    assert.match(peer.received[0]!.parsed.subject ?? '', /^\[Vigil\] 2 sets failed/);
    const app = openApp({ configFile: ws.configFile, logLevel: 'error', systemLog: { async critical() {} } });
    try {
      assert.equal((await app.store.storm.ended(Date.now())).length, 1, 'the window was never marked');
      await app.notifications.tick();
      await app.dispatcher.runPass();
      assert.equal(peer.received.length, 1, 'not sent twice');
      assert.deepEqual(await app.store.storm.ended(Date.now()), [], 'marked flushed now');
    } finally {
      await app.close();
    }
  } finally {
    await peer.stop();
    ws.cleanup();
  }
});

test('a run another live process is still notifying is left to it; once that process is dead, it is recovered once', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }));
  let child: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    // Inside the try: a child that never gets ready must still stop the peer, or the file hangs.
    child = await startChild('claimed', ws.configFile);
    // The child's run ended 6 s ago (past the service's 5 s grace) and it has begun notifying it.
    const app = openApp({ configFile: ws.configFile, logLevel: 'error', systemLog: { async critical() {} } });
    try {
      assert.equal(await app.notifications.recover(), 0, 'claimed by a live process');
      assert.deepEqual(await app.store.outbox.list({}), [], 'nothing enqueued beside the live claimer');
      assert.equal((await app.store.notifyState.unnotified(0)).length, 1);

      await child.kill();
      assert.equal(await app.notifications.recover(), 1, 'its claimer is dead: recovered');
      await app.dispatcher.runPass();
      assert.equal(peer.received.length, 1);
      assert.match(peer.received[0]!.parsed.text ?? '', new RegExp(`vigil activity show ${child.id}`));
      assert.deepEqual(await app.store.notifyState.unnotified(0), []);
      assert.equal(await app.notifications.recover(), 0);
    } finally {
      await app.close();
    }
  } finally {
    await child?.kill();
    await peer.stop();
    ws.cleanup();
  }
});
