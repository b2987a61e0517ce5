import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, promises as fsp, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SshdPeer } from '../helpers/sshd-peer.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

// `vigil vault copy` as a user runs it, to a real OpenSSH server: killed with SIGKILL part-way,
// then run again — it resumes (the packs already stored are not sent again) and the copy verifies
// and restores byte for byte.
const ws = new Workspace();
let sshd: SshdPeer;
before(async () => {
  sshd = new SshdPeer();
  await sshd.start();
});
after(async () => {
  await sshd.cleanup();
  ws.cleanup();
});

const env = { VIGIL_TEST_COPY_PASS: 'offsite passphrase' };

test('vigil vault copy killed with SIGKILL mid-way, run again: it resumes without re-sending stored packs, then verifies and restores', async () => {
  const source = path.join(ws.dir, 'documents');
  mkdirSync(source);
  for (let n = 0; n < 3; n++) writeFileSync(path.join(source, `part-${n}.bin`), randomBytes(8 * 1024 * 1024));
  writeFileSync(path.join(source, 'notes.txt'), 'the copy must restore these words\n');
  const remote = sshd.remoteDir('offsite');
  ws.write(`dataDir: ./var
profiles:
  local: { method: maildir, from: vigil@localhost, addressBook: { admins: [root@localhost] } }
notification: { admins: [admins] }
vaults:
  offsite: { url: "sftp://${sshd.user}@127.0.0.1:${sshd.port}${remote}", identityFile: ${sshd.identityFile}, knownHosts: ${sshd.knownHosts}, timeout: 20s }
sets:
  documents: { engine: builtin, paths: [${source}], passphrase: { env: VIGIL_TEST_COPY_PASS } }
  documents-offsite: { engine: builtin, paths: [${source}], vault: offsite, passphrase: { env: VIGIL_TEST_COPY_PASS } }
`);
  const ran = await ws.vigil(['run', 'documents'], { env });
  assert.equal(ran.code, 0, ran.stderr);

  // Killed as soon as the first pack is on the server, while the others are still to go.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'vault', 'copy', 'documents', 'offsite', '--config', ws.configFile], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let stored: string[] = [];
  for (let n = 0; n < 12_000 && child.exitCode === null; n++) {
    stored = await packsOn(remote);
    if (stored.length >= 1) break;
    await sleep(5);
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', 'the copy was still running when it was killed');
  stored = await packsOn(remote);
  assert.ok(stored.length >= 1, 'a pack was stored before the kill');
  assert.deepEqual(await fsp.readdir(path.join(remote, 'snapshots')).catch(() => []), [], 'no snapshot was copied yet (killed mid-way)');

  const inodes = new Map(stored.map((file) => [file, statSync(file).ino]));
  const resumed = await ws.vigil(['vault', 'copy', 'documents', 'offsite'], { env });
  assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
  assert.match(resumed.stdout, /packs \(\d+ bytes\) an interrupted run had stored in .* were indexed and are reused, not sent again/);
  assert.match(resumed.stdout, /1 snapshots copied, 0 already there; .* packs read back and verified/);
  for (const [file, ino] of inodes) assert.equal(statSync(file).ino, ino, `${file} was not sent again`);
  assert.match(resumed.stderr, /\d+\/\d+ files/, 'the copy shows its progress');

  const again = await ws.vigil(['vault', 'copy', 'documents', 'offsite', '--json'], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual((JSON.parse(again.stdout) as { stats: { snapshotsCopied: number; snapshotsSkipped: number } }).stats.snapshotsCopied, 0);

  // The disaster: this host is gone; on a new one, the set names the offsite vault and restores.
  ws.write(`dataDir: ./var2
profiles:
  local: { method: maildir, from: vigil@localhost, addressBook: { admins: [root@localhost] } }
notification: { admins: [admins] }
vaults:
  offsite: { url: "sftp://${sshd.user}@127.0.0.1:${sshd.port}${remote}", identityFile: ${sshd.identityFile}, knownHosts: ${sshd.knownHosts}, timeout: 20s }
sets:
  documents: { engine: builtin, paths: [${source}], vault: offsite, passphrase: { env: VIGIL_TEST_COPY_PASS } }
`);
  const verified = await ws.vigil(['verify', 'documents', '--read-data'], { env });
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  const out = path.join(ws.dir, 'restored');
  const restored = await ws.vigil(['restore', 'documents', '--to', out], { env });
  assert.equal(restored.code, 0, restored.stdout + restored.stderr);
  for (const name of ['part-0.bin', 'part-2.bin', 'notes.txt']) {
    assert.ok(readFileSync(path.join(out, source, name)).equals(readFileSync(path.join(source, name))), `${name} restored byte for byte from the copy`);
  }

  const usage = await ws.vigil(['vault', 'copy', 'documents', 'nowhere'], { env });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /"nowhere" is neither a builtin set nor a vault under vaults:.*Known: documents, offsite/s);
});

async function packsOn(remote: string): Promise<string[]> {
  const out: string[] = [];
  for (const shard of await fsp.readdir(path.join(remote, 'data')).catch(() => [])) {
    for (const name of await fsp.readdir(path.join(remote, 'data', shard)).catch(() => [])) if (!name.includes('.')) out.push(path.join(remote, 'data', shard, name));
  }
  return out;
}
