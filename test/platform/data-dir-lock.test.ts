import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DataDirLock } from '../../src/platform/data-dir-lock.js';
import { REPO_ROOT } from '../helpers/workspace.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const me = () => ({ pid: process.pid, host: hostname(), since: Date.now() });

/** Another process that holds the lock as `how` says until it is killed; resolves once it holds it. */
async function holdInChild(how: 'service' | 'probe'): Promise<{ pid: number; stop(): void }> {
  const script = `
    import { DataDirLock } from ${JSON.stringify(path.join(REPO_ROOT, 'src/platform/data-dir-lock.ts'))};
    const me = { pid: process.pid, host: ${JSON.stringify(hostname())}, since: Date.now() };
    const taken = ${how === 'probe' ? `DataDirLock.tryAcquire(${JSON.stringify(dir)}, me, { named: false })` : `DataDirLock.tryAcquire(${JSON.stringify(dir)}, me)`};
    if (!('lock' in taken)) process.exit(3);
    process.stdout.write('held\\n');
    setInterval(() => undefined, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.on('exit', (code) => reject(new Error(`the child exited ${code} before holding the lock`)));
  });
  return { pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

test('a service holding the data directory is named to a vigil run probing for it', { timeout: 30_000 }, async () => {
  const service = await holdInChild('service');
  try {
    const found = DataDirLock.holder(dir, me());
    assert.equal(found.held, true);
    assert.equal(found.held && found.by?.pid, service.pid);
  } finally {
    service.stop();
  }
});

test('another vigil run probing at the same instant is not taken for a service', { timeout: 30_000 }, async () => {
  // Two `vigil run`s from cron probe together: the one that finds the other's probe must still
  // deliver its own alerts and flush its storm window, or they wait for a service that is not there.
  const probe = await holdInChild('probe');
  try {
    assert.deepEqual(DataDirLock.holder(dir, me()), { held: false });
  } finally {
    probe.stop();
  }
});
