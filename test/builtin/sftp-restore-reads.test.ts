import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { SftpBackend } from '../../src/backup/engines/builtin/backend/sftp-backend.js';
import { Vault } from '../../src/backup/engines/builtin/vault.js';
import { restoreTree } from '../../src/backup/engines/builtin/restore.js';
import { loadSnapshots } from '../../src/backup/engines/builtin/snapshot.js';
import type { EngineLogEntry } from '../../src/backup/engine.js';
import { ObservedBackend, type BackendCall } from '../helpers/observed-backend.js';
import { SshdPeer } from '../helpers/sshd-peer.js';
import { describeTree, randomData, runBackup, setContext, tempDir, textBytes } from './helpers.js';

// A remote restore reads packs in whole ranges, not one request per chunk: over SFTP each read is
// an open, a read and a close, so 300 small files cost 300 × 3 round trips one after the other.

let sshd: SshdPeer;
before(async () => {
  sshd = new SshdPeer();
  await sshd.start();
});
after(() => sshd.cleanup());

/** The real SFTP backend, its reads of packs counted. */
class CountingReads extends ObservedBackend {
  packReads = 0;
  protected override around<T>(call: BackendCall, name: string, run: () => Promise<T>): Promise<T> {
    if (call === 'read' && name.startsWith('data/')) this.packReads++;
    return run();
  }
}

test('a remote restore reads each pack in a few ranges, not one request per chunk, and restores byte for byte', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  for (let n = 0; n < 300; n++) {
    await fsp.mkdir(path.join(src, `d${n % 10}`), { recursive: true });
    await fsp.writeFile(path.join(src, `d${n % 10}`, `f${n}.txt`), n % 3 ? textBytes(500 + n * 7) : randomData(300 + n * 11));
  }
  await fsp.writeFile(path.join(src, 'big.bin'), randomData(5 * 1024 * 1024 + 17));
  await fsp.writeFile(path.join(src, 'twice.txt'), textBytes(4000));
  await fsp.copyFile(path.join(src, 'twice.txt'), path.join(src, 'same.txt'));
  // Written locally straight into the server's directory (quick), then read over SFTP.
  const remote = sshd.remoteDir(`reads-${Date.now()}`);
  const made = await runBackup(setContext(dir, src, { vault: remote }));
  assert.equal(made.status, 'completed', JSON.stringify(made.log));

  const counted = new CountingReads(new SftpBackend(sshd.target(remote)));
  const vault = await Vault.open(counted);
  const { index } = await vault.loadIndex();
  const [snapshot] = await loadSnapshots(vault, 'docs');
  const packs = new Set([...index.entries()].map(([, location]) => location.packId)).size;
  const out = path.join(dir, 'out');
  const log: EngineLogEntry[] = [];
  const stats = await restoreTree({ vault, index, snapshot: snapshot!, to: out }, log);
  assert.equal(stats.errors, 0, JSON.stringify(log));
  assert.deepEqual(describeTree(path.join(out, src)), describeTree(src));
  // A range per pack and batch of files (64 files a batch): far fewer than the 303 files' chunks.
  assert.ok(counted.packReads <= packs * 6 + 2, `${counted.packReads} reads of ${packs} packs for 303 files`);
});
