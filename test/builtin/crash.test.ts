import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { prune, restore, verify } from '../../src/backup/engines/builtin/index.js';
import { describeTree, randomData, runBackup, runFixture, setContext, tempDir, textBytes } from './helpers.js';

test('SIGKILL at random points during backups leaves a vault that verifies, backs up and restores', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(path.join(src, 'many'), { recursive: true });
  for (let n = 0; n < 300; n++) await fsp.writeFile(path.join(src, 'many', `f${n}.txt`), textBytes(2000 + n * 10));
  const context = setContext(dir, src);
  let killed = 0;
  for (let round = 0; round < 6; round++) {
    // New data every round, so each run has real work to be interrupted in.
    await fsp.writeFile(path.join(src, `big-${round}.bin`), randomData(6 * 1024 * 1024));
    // Child start-up takes a few hundred ms; kills land anywhere from before the vault exists to the end.
    const delay = 300 + Math.floor(Math.random() * 2000);
    const child = await runFixture('run-backup.ts', [JSON.stringify(context)], { killAfterMs: delay });
    if (child.signal === 'SIGKILL') killed++;
    else assert.equal(child.code, 0, child.stderr);
    if (!(await fsp.stat(path.join(dir, 'vault', 'config')).catch(() => undefined))) continue; // killed before the vault existed
    const checked = await verify(context, { lockDeadlineMs: 15_000 });
    assert.equal(checked.stats.errors, 0, `after a kill at ${delay} ms: ${JSON.stringify(checked.log)}`);
  }
  assert.ok(killed > 0, 'at least one run was killed mid-way');

  const final = await runBackup(context);
  assert.equal(final.status, 'completed', JSON.stringify(final.log));
  const out = path.join(dir, 'out');
  const restored = await restore(context, { to: out });
  assert.equal(restored.status, 'completed');
  assert.deepEqual(describeTree(path.join(out, src)), describeTree(src));

  // Prune reclaims what the killed runs left behind, and the vault still reads back in full.
  const pruned = await prune(context);
  assert.equal(pruned.status, 'completed');
  const after = await verify(context, { readData: true });
  assert.equal(after.stats.errors, 0, JSON.stringify(after.log));
  assert.equal(after.stats.unreferencedPacks, 0);
  assert.deepEqual(await fsp.readdir(path.join(dir, 'vault', 'tmp')), [], 'prune sweeps temporary files');
});
