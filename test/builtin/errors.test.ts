import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { listSnapshots } from '../../src/backup/engines/builtin/index.js';
import { randomData, runBackup, runFixture, setContext, tempDir } from './helpers.js';
import type { EngineRunResult } from '../../src/backup/engine.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

test('an unreadable file is an error entry with its path; the rest is saved (completed-with-errors)', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'ok.txt'), 'fine');
  await fsp.writeFile(path.join(src, 'locked.txt'), 'secret');
  await fsp.chmod(path.join(src, 'locked.txt'), 0o000);
  const context = setContext(dir, src);
  let result: EngineRunResult;
  if (isRoot) {
    // root reads anything: run the backup as nobody in a real child process.
    await fsp.chmod(dir, 0o777);
    await fsp.chmod(src, 0o755);
    await fsp.chmod(path.join(src, 'ok.txt'), 0o644);
    const child = await runFixture('run-backup.ts', [JSON.stringify(context)], { uid: NOBODY });
    assert.equal(child.code, 0, child.stderr);
    result = JSON.parse(child.stdout) as EngineRunResult;
    execFileSync('chown', ['-R', 'root:root', dir]);
  } else result = await runBackup(context);
  assert.equal(result.status, 'completed-with-errors', JSON.stringify(result.log));
  const error = result.log.find((entry) => entry.severity === 'error');
  assert.equal(error?.path, path.join(src, 'locked.txt'));
  assert.match(error!.message, /locked\.txt: cannot be read \(EACCES\)/);
  assert.ok(result.snapshotId, 'a snapshot of the rest was written');
  assert.equal(result.counters.files, 1);
  assert.equal((await listSnapshots(context)).length, 1);
});

test('a missing source root fails the run, names the path, and creates no vault', async (t) => {
  const dir = await tempDir(t);
  const missing = path.join(dir, 'no-such-dir');
  const result = await runBackup(setContext(dir, missing));
  assert.equal(result.status, 'failed');
  assert.equal(result.log[0]!.path, missing);
  assert.match(result.log[0]!.message, /source path .*no-such-dir does not exist/);
  await assert.rejects(fsp.stat(path.join(dir, 'vault')));
});

test('an unwritable vault fails the run with the reason and the path', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'f'), 'x');
  await fsp.writeFile(path.join(dir, 'a-file'), 'not a directory');
  const result = await runBackup(setContext(dir, src, { vault: path.join(dir, 'a-file', 'vault') }));
  assert.equal(result.status, 'failed');
  assert.match(result.log[0]!.message, /vault write failed at .*a-file\/vault while creating the vault: a path component is not a directory \(ENOTDIR\)/);
});

test('a full vault disk fails the run with "no space left" and the vault stays usable', async (t) => {
  if (!isRoot) return t.skip('needs root to mount a small tmpfs');
  const dir = await tempDir(t);
  const vault = path.join(dir, 'vault');
  await fsp.mkdir(vault);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', vault], { stdio: 'ignore' });
  } catch {
    return t.skip('cannot mount tmpfs on this machine');
  }
  try {
    const src = path.join(dir, 'src');
    await fsp.mkdir(src);
    await fsp.writeFile(path.join(src, 'small.txt'), 'fits');
    const context = setContext(dir, src);
    assert.equal((await runBackup(context)).status, 'completed');
    await fsp.writeFile(path.join(src, 'big.bin'), randomData(8 * 1024 * 1024));
    const result = await runBackup(context);
    assert.equal(result.status, 'failed');
    const message = result.log.at(-1)!.message;
    assert.match(message, /no space left on device \(ENOSPC\)/);
    assert.ok(message.includes(vault), message);
    await fsp.rm(path.join(src, 'big.bin'));
    assert.equal((await listSnapshots(context)).length, 1, 'the earlier snapshot is intact');
  } finally {
    execFileSync('umount', ['-l', vault]);
  }
});
