import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { restore } from '../../src/backup/engines/builtin/index.js';
import { allBytes, randomData, runBackup, setContext, tempDir, textBytes } from './helpers.js';

const MiB = 1024 * 1024;

test('the same data twice (another directory, another set) adds almost nothing', async (t) => {
  const dir = await tempDir(t);
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  await fsp.mkdir(a);
  const big = randomData(4 * MiB);
  await fsp.writeFile(path.join(a, 'big.bin'), big);
  await fsp.writeFile(path.join(a, 'notes.txt'), textBytes(300_000));
  const first = await runBackup(setContext(dir, a));
  assert.equal(first.status, 'completed');
  assert.ok(first.counters.bytesNew > 4 * MiB, 'random data is stored in full');

  await fsp.cp(a, b, { recursive: true });
  const other = { ...setContext(dir, b), name: 'copy' };
  const second = await runBackup(other);
  assert.equal(second.status, 'completed');
  assert.ok(second.counters.bytesNew < 16 * 1024, `copy added ${second.counters.bytesNew} bytes`);
  const restored = await restore(other, { to: path.join(dir, 'out') });
  assert.equal(restored.status, 'completed');
  assert.ok((await fsp.readFile(path.join(dir, 'out', b, 'big.bin'))).equals(big));
});

test('a 1-byte insertion in a large file adds only the chunks around it', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  const original = randomData(12 * MiB);
  await fsp.writeFile(path.join(src, 'disk.img'), original);
  const context = setContext(dir, src);
  const first = await runBackup(context);
  assert.equal(first.status, 'completed');

  const at = 6 * MiB + 12345;
  const edited = Buffer.concat([original.subarray(0, at), Buffer.from([0x42]), original.subarray(at)]);
  await fsp.writeFile(path.join(src, 'disk.img'), edited);
  const second = await runBackup(context);
  assert.equal(second.status, 'completed');
  // Chunks average 1 MiB (max 8 MiB): fixed-size blocks would rewrite the whole second half (6 MiB).
  assert.ok(second.counters.bytesNew < 3 * MiB, `insertion added ${second.counters.bytesNew} bytes`);
  assert.ok(second.counters.bytesNew > 0);

  const restored = await restore(context, { to: path.join(dir, 'out') });
  assert.equal(restored.status, 'completed');
  assert.ok((await fsp.readFile(path.join(dir, 'out', src, 'disk.img'))).equals(edited));
});

test('compression: text is stored in much less than its size', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'log.txt'), textBytes(2 * MiB));
  const result = await runBackup(setContext(dir, src));
  assert.equal(result.status, 'completed');
  const stored = allBytes(path.join(dir, 'vault', 'data')).length;
  assert.ok(stored < MiB, `2 MiB of text took ${stored} bytes`);
});
