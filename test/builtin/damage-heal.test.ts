import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { listSnapshots, restore, verify } from '../../src/backup/engines/builtin/index.js';
import { describeTree, flipByte, packFiles, randomData, runBackup, setContext, tempDir } from './helpers.js';

test('after verify --read-data finds a damaged chunk, the next backup stores it afresh: the new snapshot is intact and the old one healed', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'precious.bin'), randomData(3 * 1024 * 1024));
  await fsp.writeFile(path.join(src, 'notes.txt'), 'small and separate');
  await fsp.writeFile(path.join(dir, 'pass'), 'pw');
  const context = setContext(dir, src, { passphrase: { file: path.join(dir, 'pass') } });
  assert.equal((await runBackup(context)).status, 'completed');
  const [pack] = await packFiles(path.join(dir, 'vault'));
  await flipByte(pack!, 1000);

  const found = await verify(context, { readData: true });
  assert.equal(found.status, 'completed-with-errors');
  assert.ok(found.log.some((e) => e.path === path.join(src, 'precious.bin')), JSON.stringify(found.log));

  // The file has not changed: before the fix the backup reused the damaged chunk (unchanged file,
  // deduplication), so the new snapshot was damaged too and "run a new backup" did not help.
  const again = await runBackup(context);
  assert.equal(again.status, 'completed');
  const snapshots = await listSnapshots(context);
  assert.equal(snapshots.length, 2);
  for (const snapshot of snapshots.reverse()) {
    const to = path.join(dir, `out-${snapshot.shortId}`);
    const restored = await restore(context, { to, snapshot: snapshot.id });
    assert.equal(restored.status, 'completed', `snapshot ${snapshot.shortId}: ${JSON.stringify(restored.log)}`);
    assert.deepEqual(describeTree(path.join(to, src)), describeTree(src));
  }
  const after = await verify(context, { readData: true });
  const text = after.log.map((e) => `${e.severity}: ${e.message}`).join('\n');
  assert.deepEqual(after.stats.damagedSnapshots, [], text);
  assert.equal(after.status, 'completed-with-warnings', text); // the damaged pack is still there, set aside
});

test('a changed file cannot heal an older snapshot: verify keeps naming that snapshot, the new one is intact', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  const file = path.join(src, 'precious.bin');
  await fsp.writeFile(file, randomData(2 * 1024 * 1024));
  const context = setContext(dir, src);
  assert.equal((await runBackup(context)).status, 'completed');
  const [old] = await listSnapshots(context);
  await flipByte((await packFiles(path.join(dir, 'vault')))[0]!, 1000);
  assert.equal((await verify(context, { readData: true })).status, 'completed-with-errors');

  await fsp.writeFile(file, randomData(2 * 1024 * 1024));
  assert.equal((await runBackup(context)).status, 'completed');
  const after = await verify(context, { readData: true });
  assert.equal(after.status, 'completed-with-errors');
  assert.deepEqual(after.stats.damagedSnapshots.map((s) => [s.id, s.files]), [[old!.id, [file]]]);
  const latest = await restore(context, { to: path.join(dir, 'out') });
  assert.equal(latest.status, 'completed');
});

test('a vault where the damage cannot be set aside still gets its verdict, and says what could not be done', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'precious.bin'), randomData(200 * 1024));
  const context = setContext(dir, src);
  assert.equal((await runBackup(context)).status, 'completed');
  await flipByte((await packFiles(path.join(dir, 'vault')))[0]!, 1000);
  // Where the marks go is taken by a file (as a read-only vault would refuse the directory).
  await fsp.writeFile(path.join(dir, 'vault', 'damaged'), '');
  const found = await verify(context, { readData: true });
  assert.equal(found.status, 'completed-with-errors');
  assert.match(found.log[0]!.message, /precious\.bin/);
  assert.ok(found.log.some((e) => /could not be set aside/.test(e.message)), JSON.stringify(found.log));
});
