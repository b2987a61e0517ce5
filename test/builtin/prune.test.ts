import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { listSnapshots, prune, restore, verify } from '../../src/backup/engines/builtin/index.js';
import { applyRetention } from '../../src/backup/engines/builtin/retention.js';
import { acquireLock } from '../../src/backup/engines/builtin/lock.js';
import { isVigilError } from '../../src/domain/errors.js';
import { allBytes, randomData, runBackup, setContext, tempDir } from './helpers.js';
import type { SnapshotInfo } from '../../src/backup/engines/builtin/snapshot.js';

function snap(id: string, time: string): SnapshotInfo {
  return { id, time, version: 1, set: 's', hostname: 'h', paths: [], exclude: [], tree: [], stats: { files: 0, dirs: 0, bytes: 0, errors: 0 } };
}

test('retention keeps the newest of each day, week and month, plus the last n', () => {
  const snapshots = [
    snap('a', new Date(2024, 0, 5, 10).toISOString()),
    snap('b', new Date(2024, 1, 10, 10).toISOString()),
    snap('c', new Date(2024, 2, 1, 9).toISOString()),
    snap('d', new Date(2024, 2, 1, 18).toISOString()),
    snap('e', new Date(2024, 2, 2, 9).toISOString()),
    snap('f', new Date(2024, 2, 2, 20).toISOString()),
  ];
  const daily = applyRetention(snapshots, { daily: 2 });
  assert.deepEqual(daily.keep.map((s) => s.id), ['d', 'f']);
  const mixed = applyRetention(snapshots, { last: 1, monthly: 3 });
  assert.deepEqual(mixed.keep.map((s) => s.id), ['a', 'b', 'f']);
  assert.deepEqual(mixed.remove.map((s) => s.id), ['c', 'd', 'e']);
  assert.deepEqual(applyRetention(snapshots, {}).remove, [], 'no policy removes nothing');
});

test('prune forgets snapshots by policy and reclaims their data; the kept ones still restore', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  const context = setContext(dir, src, { keep: { last: 1 } });
  for (let n = 0; n < 3; n++) {
    await fsp.writeFile(path.join(src, 'data.bin'), randomData(2 * 1024 * 1024));
    await fsp.writeFile(path.join(src, 'stable.txt'), 'unchanged');
    assert.equal((await runBackup(context)).status, 'completed');
  }
  const before = allBytes(path.join(dir, 'vault', 'data')).length;
  const dry = await prune(context, { dryRun: true });
  assert.equal(dry.stats.snapshotsRemoved.length, 2);
  assert.equal((await listSnapshots(context)).length, 3, 'a dry run changes nothing');

  const pruned = await prune(context);
  assert.equal(pruned.status, 'completed');
  assert.equal(pruned.stats.snapshotsRemoved.length, 2);
  const after = allBytes(path.join(dir, 'vault', 'data')).length;
  assert.ok(after < before / 2, `vault data ${before} → ${after} bytes`);
  assert.equal((await listSnapshots(context)).length, 1);
  assert.equal((await verify(context, { readData: true })).stats.errors, 0);
  const restored = await restore(context, { to: path.join(dir, 'out') });
  assert.equal(restored.status, 'completed');
  assert.ok((await fsp.readFile(path.join(dir, 'out', src, 'data.bin'))).equals(await fsp.readFile(path.join(src, 'data.bin'))));
});

test('prune waits for a running backup\'s lock only until its deadline, then says who holds it', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'f'), 'x');
  const context = setContext(dir, src);
  assert.equal((await runBackup(context)).status, 'completed');
  const held = await acquireLock(path.join(dir, 'vault'), { exclusive: false, deadlineMs: 1000 });
  try {
    await assert.rejects(prune(context, { lockDeadlineMs: 300 }), (error) => isVigilError(error) && error.code === 'ERR_VAULT_LOCKED' && new RegExp(`process ${process.pid}`).test(error.message));
    // Shared locks do not exclude each other: listing works while a backup runs.
    assert.equal((await listSnapshots(context, { lockDeadlineMs: 300 })).length, 1);
  } finally {
    await held.release();
  }
  assert.equal((await prune(context, { lockDeadlineMs: 300 })).status, 'completed');
});

test('an aborted backup ends incomplete, writes no snapshot, and the vault stays sound', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  for (let n = 0; n < 40; n++) await fsp.writeFile(path.join(src, `f${n}.bin`), randomData(256 * 1024));
  const context = setContext(dir, src);
  const controller = new AbortController();
  controller.abort();
  const result = await runBackup(context, controller.signal);
  assert.equal(result.status, 'incomplete');
  assert.equal(result.snapshotId, undefined);
  assert.equal((await listSnapshots(context)).length, 0);
  assert.equal((await verify(context)).stats.errors, 0);
  assert.equal((await runBackup(context)).status, 'completed');
});

test('prune never deletes a pack it rewrote to the same bytes: a small vault survives prune intact', async (t) => {
  // A pack whose blobs are all in use, small enough that its header is over 5 % of it, was
  // "rewritten" to identical bytes — the same content-addressed name — and then deleted as the
  // old pack: the kept snapshot lost its data.
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'a.txt'), 'version 1');
  const context = setContext(dir, src, { keep: { last: 2 } });
  assert.equal((await runBackup(context)).status, 'completed');
  const pruned = await prune(context);
  assert.equal(pruned.stats.packsDeleted + pruned.stats.packsRewritten, 0, 'a pack with nothing to reclaim is left alone');
  const check = await verify(context, { readData: true });
  assert.equal(check.status, 'completed', JSON.stringify(check.log));
  await fsp.writeFile(path.join(src, 'a.txt'), 'version 2');
  const next = await runBackup(context);
  assert.equal(next.status, 'completed', JSON.stringify(next.log));
});
