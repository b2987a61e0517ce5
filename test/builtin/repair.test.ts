import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { listSnapshots, repair, restore, verify } from '../../src/backup/engines/builtin/index.js';
import { describeTree, flipByte, packFiles, randomData, runBackup, setContext, tempDir } from './helpers.js';

test('repair rebuilds the index from the packs and lists the snapshots that cannot be healed; a backup of the unchanged files heals the rest', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  const kept = path.join(src, 'kept.bin');
  const changed = path.join(src, 'changed.bin');
  // Below the chunker's minimum (512 KiB): one chunk per file, stored raw (random data).
  const size = 300 * 1024;
  await fsp.writeFile(kept, randomData(size));
  await fsp.writeFile(changed, randomData(size));
  const context = setContext(dir, src);
  assert.equal((await runBackup(context)).status, 'completed');
  const [first] = await listSnapshots(context);
  const [pack] = await packFiles(path.join(dir, 'vault'));
  // Damage both files' data: the pack starts with their two blobs, in either order.
  await flipByte(pack!, 1000);
  await flipByte(pack!, size + 1000);
  await fsp.writeFile(changed, randomData(size)); // the old content exists nowhere any more

  const repaired = await repair(context);
  assert.equal(repaired.status, 'completed-with-errors', JSON.stringify(repaired.log));
  assert.deepEqual(repaired.stats.unhealable.map((s) => [s.id, s.files.sort()]), [[first!.id, [changed, kept].sort()]]);
  assert.equal(repaired.stats.damagedBlobs, 2);
  assert.match(repaired.log[0]!.message, new RegExp(`cannot be healed: .*${first!.shortId}.*changed\\.bin`));

  // The index no longer offers the damaged chunks: the backup stores kept.bin again, which heals
  // the first snapshot's copy of it; changed.bin's old content cannot come back.
  assert.equal((await runBackup(context)).status, 'completed');
  const again = await repair(context);
  assert.deepEqual(again.stats.unhealable.map((s) => [s.id, s.files]), [[first!.id, [changed]]]);
  const latest = await restore(context, { to: path.join(dir, 'out') });
  assert.equal(latest.status, 'completed');
  assert.deepEqual(describeTree(path.join(dir, 'out', src)), describeTree(src));
});

test('repair rebuilds a damaged index file from the pack headers: verify passes afterwards', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'a.txt'), 'alpha\n'.repeat(1000));
  const context = setContext(dir, src);
  assert.equal((await runBackup(context)).status, 'completed');
  const indexDir = path.join(dir, 'vault', 'index');
  const [indexFile] = await fsp.readdir(indexDir);
  await fsp.appendFile(path.join(indexDir, indexFile!), 'garbage');
  assert.equal((await verify(context)).status, 'completed-with-errors');

  const repaired = await repair(context);
  assert.equal(repaired.status, 'completed', JSON.stringify(repaired.log));
  assert.deepEqual(repaired.stats.unhealable, []);
  assert.equal((await verify(context, { readData: true })).status, 'completed');
  assert.equal((await restore(context, { to: path.join(dir, 'out') })).status, 'completed');
});

test('a repair stopped while reading packs changes nothing', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'a.bin'), randomData(300 * 1024));
  const context = setContext(dir, src);
  assert.equal((await runBackup(context)).status, 'completed');
  await flipByte((await packFiles(path.join(dir, 'vault')))[0]!, 1000);
  const before = await fsp.readdir(path.join(dir, 'vault', 'index'));
  const controller = new AbortController();
  const stopped = await repair(context, { signal: controller.signal, onProgress: () => controller.abort() });
  assert.equal(stopped.status, 'incomplete');
  assert.match(stopped.log.at(-1)!.message, /nothing was changed/);
  assert.deepEqual(await fsp.readdir(path.join(dir, 'vault', 'index')), before);
  assert.equal((await fsp.readdir(path.join(dir, 'vault')).then((names) => names.includes('damaged'))), false);
});
