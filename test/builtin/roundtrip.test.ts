import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { listSnapshots, restore, verify } from '../../src/backup/engines/builtin/index.js';
import { describeTree, randomData, runBackup, setContext, tempDir, textBytes } from './helpers.js';

async function makeTree(src: string): Promise<void> {
  await fsp.mkdir(path.join(src, 'docs', 'nested', 'deeper'), { recursive: true });
  await fsp.writeFile(path.join(src, 'empty.txt'), '');
  await fsp.writeFile(path.join(src, 'docs', 'report.txt'), textBytes(200_000));
  await fsp.writeFile(path.join(src, 'docs', 'nested', 'large.bin'), randomData(3 * 1024 * 1024 + 17));
  await fsp.writeFile(path.join(src, 'docs', 'nested', 'deeper', 'tiny'), 'x');
  // Sparse: a hole of 4 MiB, then data.
  const sparse = await fsp.open(path.join(src, 'sparse.img'), 'w');
  await sparse.write(Buffer.from('tail after a hole'), 0, 17, 4 * 1024 * 1024);
  await sparse.close();
  for (const name of ['ünïcødé – файл.txt', '名前 with spaces', '-leading-dash', 'new\nline', 'emoji 🎉.md', '.hidden', 'back\\slash']) {
    await fsp.writeFile(path.join(src, 'docs', name), `content of ${name}`);
  }
  await fsp.symlink('docs/report.txt', path.join(src, 'link-relative'));
  await fsp.symlink('/nonexistent/target', path.join(src, 'link-dangling'));
  await fsp.writeFile(path.join(src, 'script.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  await fsp.writeFile(path.join(src, 'secret.key'), 'k', { mode: 0o600 });
  await fsp.writeFile(path.join(src, 'readonly.txt'), 'ro');
  await fsp.chmod(path.join(src, 'readonly.txt'), 0o444);
  await fsp.chmod(path.join(src, 'docs', 'nested', 'deeper'), 0o700);
  await fsp.utimes(path.join(src, 'docs', 'report.txt'), new Date('2001-02-03T04:05:06.789Z'), new Date('2001-02-03T04:05:06.789Z'));
  await fsp.utimes(path.join(src, 'docs', 'nested'), new Date('2010-01-01T00:00:00Z'), new Date('2010-01-01T00:00:00Z'));
}

test('backup then restore reproduces contents, modes, mtimes, symlinks and odd names exactly', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await makeTree(src);
  const context = setContext(dir, src);
  const result = await runBackup(context);
  assert.equal(result.status, 'completed', JSON.stringify(result.log));
  assert.ok(result.snapshotId);
  assert.equal(result.counters.errors, 0);

  const out = path.join(dir, 'out');
  const restored = await restore(context, { to: out });
  assert.equal(restored.status, 'completed', JSON.stringify(restored.log));
  assert.deepEqual(describeTree(path.join(out, src)), describeTree(src));
  // The hole stays a hole: far fewer blocks than the apparent size.
  const sparse = await fsp.stat(path.join(out, src, 'sparse.img'));
  assert.ok(sparse.blocks * 512 < 1024 * 1024, `sparse file uses ${sparse.blocks * 512} bytes on disk`);

  const checked = await verify(context, { readData: true });
  assert.equal(checked.status, 'completed', JSON.stringify(checked.log));
  assert.equal(checked.stats.errors, 0);
});

test('an unchanged tree is not re-read on the next run, and --path restores one subtree', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await makeTree(src);
  const context = setContext(dir, src, { exclude: ['*.sh', `${src}/docs/nested/deeper`] });
  const first = await runBackup(context);
  assert.equal(first.status, 'completed');
  await fsp.writeFile(path.join(src, 'docs', 'added.txt'), 'new file');
  const second = await runBackup(context);
  assert.equal(second.status, 'completed');
  const summary = second.log.find((entry) => entry.message.startsWith('snapshot '))!.message;
  assert.match(summary, /, 1 read \(8 bytes\), \d+ unchanged/, summary);
  assert.equal(second.counters.bytesNew < 4096, true, `bytesNew ${second.counters.bytesNew}`);

  const snapshots = await listSnapshots(context);
  assert.equal(snapshots.length, 2);
  assert.equal(snapshots[1]!.id, second.snapshotId);

  const out = path.join(dir, 'out');
  const restored = await restore(context, { to: out, snapshot: snapshots[0]!.shortId, path: path.join(src, 'docs') });
  assert.equal(restored.status, 'completed');
  const tree = describeTree(path.join(out, src));
  assert.ok(tree.has('docs/report.txt'));
  assert.ok(!tree.has('docs/added.txt'), 'the first snapshot has no added.txt');
  assert.ok(!tree.has('empty.txt'), 'only docs/ was asked for');
  assert.ok(!tree.has('docs/nested/deeper'), 'excluded by path pattern');
  await assert.rejects(fsp.stat(path.join(out, src, 'script.sh')));
});
