import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { listSnapshots, restore, verify } from '../../src/backup/engines/builtin/index.js';
import { SshdPeer } from '../helpers/sshd-peer.js';
import { describeTree, randomData, runBackup, runFixture, setContext, tempDir, textBytes } from './helpers.js';

// The crash test over a remote vault: a backup process to a real OpenSSH server killed
// with SIGKILL at random instants, until 30 kills landed mid-run. After every kill the vault verifies (no snapshot or
// index names data that is not there); at the end every snapshot restores, and the data reads back.
let sshd: SshdPeer;
before(async () => {
  sshd = new SshdPeer();
  await sshd.start();
});
after(() => sshd.cleanup());

process.env.VIGIL_TEST_SFTP_CRASH_PASS = 'killed thirty times';
/** SIGKILLs that must land mid-run (a kill after a run's end does not count); every 6th run is spared. */
const KILLS = 30;
const MAX_ROUNDS = 60;

test(`SIGKILL at random instants during ${KILLS} backups to an SFTP vault: it verifies after each, and every snapshot restores`, { timeout: 900_000 }, async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(path.join(src, 'many'), { recursive: true });
  for (let n = 0; n < 100; n++) await fsp.writeFile(path.join(src, 'many', `f${n}.txt`), textBytes(2000 + n * 10));
  const remote = sshd.remoteDir('crash');
  const vaultTarget = { url: `sftp://${sshd.user}@127.0.0.1:${sshd.port}${remote}`, identityFile: sshd.identityFile, knownHosts: sshd.knownHosts, timeout: 20_000 };
  const context = setContext(dir, src, { vault: 'offsite', vaultTarget, passphrase: { env: 'VIGIL_TEST_SFTP_CRASH_PASS' } });
  const kills: number[] = [];
  let round = 0;
  for (; kills.length < KILLS && round < MAX_ROUNDS; round++) {
    // New data every round (a changed file and a new one), so each run has uploads to be cut short.
    await fsp.writeFile(path.join(src, `round-${round}.bin`), randomData(1024 * 1024 + round));
    await fsp.writeFile(path.join(src, 'many', `f${round}.txt`), textBytes(3000 + round));
    // Start-up takes some hundreds of ms: kills land from before the connection to after the
    // snapshot. Every fifth run is left to finish, so there are snapshots of many rounds to restore.
    const spared = round % 6 === 5;
    const delay = 400 + Math.floor(Math.random() * 2600);
    const child = await runFixture('run-backup.ts', [JSON.stringify(context)], spared ? {} : { killAfterMs: delay });
    if (child.signal === 'SIGKILL') kills.push(delay);
    else assert.equal(child.code, 0, child.stderr);
    if (!(await fsp.stat(path.join(remote, 'config')).catch(() => undefined))) continue; // killed before the vault existed
    const checked = await verify(context, { lockDeadlineMs: 15_000 });
    assert.equal(checked.stats.errors, 0, `round ${round}, killed after ${delay} ms: ${JSON.stringify(checked.log.slice(0, 5))}`);
  }
  assert.equal(kills.length, KILLS, `${kills.length} runs of ${round} were killed mid-way`);

  const final = await runBackup(context);
  assert.equal(final.status, 'completed', JSON.stringify(final.log));
  const deep = await verify(context, { readData: true });
  assert.equal(deep.stats.errors, 0, JSON.stringify(deep.log.slice(0, 5)));
  const snapshots = await listSnapshots(context);
  assert.ok(snapshots.length >= Math.floor(round / 6) + 1, `${snapshots.length} snapshots after ${round} rounds`);
  for (const snapshot of snapshots) {
    const out = path.join(dir, `out-${snapshot.shortId}`);
    const restored = await restore(context, { to: out, snapshot: snapshot.id });
    assert.equal(restored.status, 'completed', `snapshot ${snapshot.shortId}: ${JSON.stringify(restored.log.slice(0, 5))}`);
    assert.equal(restored.stats.files, snapshot.files, `snapshot ${snapshot.shortId} restores every file it lists`);
    await fsp.rm(out, { recursive: true, force: true });
  }
  const out = path.join(dir, 'out-latest');
  assert.equal((await restore(context, { to: out })).status, 'completed');
  assert.deepEqual(describeTree(path.join(out, src)), describeTree(src), 'the latest snapshot restores byte for byte');
});
