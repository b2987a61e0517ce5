import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { LocalBackend } from '../../src/backup/engines/builtin/backend/local-backend.js';
import { Vault } from '../../src/backup/engines/builtin/vault.js';
import { loadSnapshots, loadTree } from '../../src/backup/engines/builtin/snapshot.js';
import { ObservedBackend, type BackendCall } from '../helpers/observed-backend.js';
import { runBackup, setContext, tempDir, textBytes } from './helpers.js';

// Opening a vault for a run reads every index file and snapshot, and lists every pack shard.
// Over a network each is a round trip: they are requested several at once, not one after the other.

/** A backend noting, per kind of object, how many calls on it were in flight at most. */
class ConcurrencyProbe extends ObservedBackend {
  readonly most = new Map<string, number>();
  private readonly now = new Map<string, number>();
  protected override async around<T>(call: BackendCall, name: string, run: () => Promise<T>): Promise<T> {
    if (call !== 'list' && call !== 'read') return run();
    const kind = `${call} ${name.split('/')[0]}`;
    const running = (this.now.get(kind) ?? 0) + 1;
    this.now.set(kind, running);
    this.most.set(kind, Math.max(this.most.get(kind) ?? 0, running));
    try {
      return await run();
    } finally {
      this.now.set(kind, this.now.get(kind)! - 1);
    }
  }
}

test('index files, snapshots, tree blobs and pack shards are read several at once, and load the same', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  const vaultDir = path.join(dir, 'vault');
  const context = setContext(dir, src, { vault: vaultDir });
  for (let run = 0; run < 4; run++) {
    // New data each run: a new pack (in its own shard, most likely), a new index file, a new snapshot.
    await fsp.writeFile(path.join(src, `file-${run}.txt`), textBytes(20_000 + run));
    const result = await runBackup(context);
    assert.equal(result.status, 'completed', JSON.stringify(result.log));
  }
  const probe = new ConcurrencyProbe(new LocalBackend(vaultDir));
  const vault = await Vault.open(probe);
  const { index, files } = await vault.loadIndex();
  assert.equal(files.length, 4);
  const snapshots = await loadSnapshots(vault);
  assert.equal(snapshots.length, 4);
  assert.deepEqual(
    snapshots.map((s) => s.time),
    [...snapshots.map((s) => s.time)].sort(),
  );
  const tree = await loadTree(vault, index, snapshots.at(-1)!);
  assert.deepEqual(tree.filter((e) => e.type === 'file').map((e) => path.basename(e.path)).sort(), ['file-0.txt', 'file-1.txt', 'file-2.txt', 'file-3.txt']);
  const packs = await vault.listPacks();
  assert.equal(packs.size, new Set([...index.entries()].map(([, l]) => l.packId)).size);
  await vault.close();
  assert.ok(probe.most.get('read index')! > 1, `index files read one at a time (${probe.most.get('read index')})`);
  assert.ok(probe.most.get('read snapshots')! > 1, `snapshots read one at a time (${probe.most.get('read snapshots')})`);
  assert.ok(probe.most.get('list data')! > 1, `pack shards listed one at a time (${probe.most.get('list data')})`);
});
