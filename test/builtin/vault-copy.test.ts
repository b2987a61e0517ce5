import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { copyVault, listSnapshots, restore, verify } from '../../src/backup/engines/builtin/index.js';
import { SshdPeer } from '../helpers/sshd-peer.js';
import { S3Peer } from '../helpers/s3-peer.js';
import { describeTree, randomData, runBackup, setContext, tempDir, textBytes } from './helpers.js';

// `vigil vault copy` in the library: a local vault copied to a real OpenSSH server and to a local
// S3 server (s3rver), read back and verified, then restored from the copy byte for byte.
let sshd: SshdPeer;
let s3: S3Peer;
before(async () => {
  sshd = new SshdPeer();
  s3 = new S3Peer();
  await Promise.all([sshd.start(), s3.start()]);
});
after(async () => {
  await sshd.cleanup();
  await s3.cleanup();
});

process.env.VIGIL_TEST_COPY_PASS = 'copy me, encrypted';
process.env.VIGIL_TEST_S3_KEY = 'S3RVER';
process.env.VIGIL_TEST_S3_SECRET = 'S3RVER';
const passphrase = { env: 'VIGIL_TEST_COPY_PASS' };

/** A set with two snapshots in an encrypted local vault. */
async function localSet(dir: string) {
  const src = path.join(dir, 'src');
  await fsp.mkdir(path.join(src, 'docs'), { recursive: true });
  await fsp.writeFile(path.join(src, 'docs', 'report.txt'), textBytes(400_000));
  await fsp.writeFile(path.join(src, 'big.bin'), randomData(9 * 1024 * 1024 + 11));
  await fsp.symlink('docs/report.txt', path.join(src, 'link'));
  const context = setContext(dir, src, { vault: path.join(dir, 'local-vault'), passphrase });
  assert.equal((await runBackup(context)).status, 'completed');
  await fsp.writeFile(path.join(src, 'docs', 'new.txt'), textBytes(50_000));
  assert.equal((await runBackup(context)).status, 'completed');
  return { src, context };
}

async function copiedIntact(dir: string, src: string, offsite: ReturnType<typeof setContext>, expectedSnapshots: number) {
  const snapshots = await listSnapshots(offsite);
  assert.equal(snapshots.length, expectedSnapshots);
  const checked = await verify(offsite, { readData: true });
  assert.equal(checked.status, 'completed', JSON.stringify(checked.log));
  const out = path.join(dir, `out-${Date.now()}`);
  const restored = await restore(offsite, { to: out });
  assert.equal(restored.status, 'completed', JSON.stringify(restored.log));
  assert.deepEqual(describeTree(path.join(out, src)), describeTree(src), 'the latest copy restores byte for byte');
}

test('local → SFTP: every snapshot copied and read back; the copy verifies and restores; a second copy sends nothing', async (t) => {
  const dir = await tempDir(t);
  const { src, context } = await localSet(dir);
  const remote = sshd.remoteDir(`copy-${Date.now()}`);
  const vaultTarget = { url: `sftp://${sshd.user}@127.0.0.1:${sshd.port}${remote}`, identityFile: sshd.identityFile, knownHosts: sshd.knownHosts, timeout: 20_000 };
  const offsite = setContext(dir, src, { vault: 'offsite', vaultTarget, passphrase });

  const first = await copyVault(context, offsite);
  assert.equal(first.status, 'completed', JSON.stringify(first.log));
  assert.equal(first.stats.snapshotsCopied, 2);
  assert.ok(first.stats.packsVerified >= 2, 'the packs were read back');
  assert.ok(first.stats.bytesSent > 9 * 1024 * 1024, 'the data went over');
  const config = JSON.parse(await fsp.readFile(path.join(remote, 'config'), 'utf8')) as { encrypted: boolean };
  assert.equal(config.encrypted, true, 'an encrypted source makes an encrypted copy');
  await copiedIntact(dir, src, offsite, 2);

  const again = await copyVault(context, offsite);
  assert.equal(again.status, 'completed', JSON.stringify(again.log));
  assert.deepEqual([again.stats.snapshotsCopied, again.stats.snapshotsSkipped, again.stats.blobsSent], [0, 2, 0]);
});

test('local → S3, one snapshot at a time with --snapshot: the later one sends only what changed', async (t) => {
  const dir = await tempDir(t);
  const { src, context } = await localSet(dir);
  const vaultTarget = { url: `s3+http://127.0.0.1:${s3.port}/${s3.bucket}/copy-${Date.now()}`, accessKeyId: { env: 'VIGIL_TEST_S3_KEY' }, secretAccessKey: { env: 'VIGIL_TEST_S3_SECRET' }, region: 'us-east-1', pathStyle: true, timeout: 20_000 };
  const cloud = setContext(dir, src, { vault: 'cloud', vaultTarget, passphrase });
  const [older, newer] = await listSnapshots(context);

  const first = await copyVault(context, cloud, { snapshot: older!.shortId });
  assert.equal(first.status, 'completed', JSON.stringify(first.log));
  assert.equal(first.stats.snapshotsCopied, 1);
  const second = await copyVault(context, cloud, { snapshot: newer!.id });
  assert.equal(second.stats.snapshotsCopied, 1);
  assert.ok(second.stats.bytesSent < first.stats.bytesSent / 4, `the second snapshot sent only what changed (${second.stats.bytesSent} of ${first.stats.bytesSent} bytes)`);
  await copiedIntact(dir, src, cloud, 2);
});
