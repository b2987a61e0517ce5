import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp, statSync } from 'node:fs';
import path from 'node:path';
import type { BuiltinVaultConfig } from '../../src/backup/engines/builtin/settings.js';
import { restore, verify } from '../../src/backup/engines/builtin/index.js';
import { faultOfRun } from '../../src/notify/fault-detect.js';
import type { EngineRunResult } from '../../src/backup/engine.js';
import { keygen, SshdPeer } from '../helpers/sshd-peer.js';
import { describeTree, randomData, runBackup, setContext, tempDir, textBytes } from './helpers.js';

// The builtin engine against a real OpenSSH server on loopback (test/helpers/sshd-peer.ts).
let sshd: SshdPeer;
before(async () => {
  sshd = new SshdPeer();
  await sshd.start();
});
after(() => sshd.cleanup());

function sftpSet(dir: string, src: string, remote: string, overrides: Record<string, unknown> = {}) {
  const vaultTarget = { url: `sftp://${sshd.user}@127.0.0.1:${sshd.port}${remote}`, identityFile: sshd.identityFile, knownHosts: sshd.knownHosts, timeout: 20_000, ...overrides };
  return setContext(dir, src, { vault: 'offsite', vaultTarget, passphrase: { env: 'VIGIL_TEST_SFTP_PASS' } });
}
process.env.VIGIL_TEST_SFTP_PASS = 'correct horse battery staple';

function stopper(result: EngineRunResult): string | undefined {
  return result.stoppedBy?.code;
}

test('backup to an SFTP vault, then restore byte for byte, verify --read-data, and a second run sends nothing new', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(path.join(src, 'docs'), { recursive: true });
  await fsp.writeFile(path.join(src, 'docs', 'report.txt'), textBytes(300_000));
  await fsp.writeFile(path.join(src, 'big.bin'), randomData(3 * 1024 * 1024 + 5));
  await fsp.writeFile(path.join(src, 'empty'), '');
  await fsp.symlink('docs/report.txt', path.join(src, 'link'));
  const remote = sshd.remoteDir(`roundtrip-${Date.now()}`);
  const context = sftpSet(dir, src, remote);

  const first = await runBackup(context);
  assert.equal(first.status, 'completed', JSON.stringify(first.log));
  assert.ok(statSync(path.join(remote, 'config')).isFile(), 'the vault is on the server');
  assert.ok((await fsp.readdir(path.join(remote, 'data'))).length > 0, 'packs are on the server');

  const out = path.join(dir, 'out');
  const restored = await restore(context, { to: out });
  assert.equal(restored.status, 'completed', JSON.stringify(restored.log));
  assert.deepEqual(describeTree(path.join(out, src)), describeTree(src));

  const checked = await verify(context, { readData: true });
  assert.equal(checked.status, 'completed', JSON.stringify(checked.log));
  assert.ok(checked.stats.packsRead > 0);

  const second = await runBackup(context);
  assert.equal(second.status, 'completed', JSON.stringify(second.log));
  assert.equal(second.counters.bytesNew, 0);
});

test('a server whose host key is not the one in knownHosts is refused: ERR_VAULT_HOST_KEY names the fingerprint, nothing is written, vault-unreachable', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'a'), 'a');
  const other = path.join(dir, 'other_host_key');
  keygen(other);
  const wrongKnown = path.join(dir, 'known_hosts');
  await fsp.writeFile(wrongKnown, `[127.0.0.1]:${sshd.port} ${(await fsp.readFile(`${other}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ')}\n`);
  const remote = sshd.remoteDir(`hostkey-${Date.now()}`);

  const result = await runBackup(sftpSet(dir, src, remote, { knownHosts: wrongKnown }));
  assert.equal(result.status, 'failed');
  assert.equal(stopper(result), 'ERR_VAULT_HOST_KEY');
  const fingerprint = (await import('node:child_process')).execFileSync('ssh-keygen', ['-lf', `${sshd.hostKey}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  assert.match(result.log[0]!.message, new RegExp(`is ssh-ed25519 ${fingerprint.replace(/[+/]/g, '\\$&')}, but .* lists another key`));
  assert.equal(faultOf(result), 'vault-unreachable');
  await assert.rejects(fsp.stat(remote), 'nothing was created on a server that could not be trusted');

  // A host not listed at all: refused too, never trusted on first use.
  await fsp.writeFile(wrongKnown, '');
  const unlisted = await runBackup(sftpSet(dir, src, remote, { knownHosts: wrongKnown }));
  assert.equal(stopper(unlisted), 'ERR_VAULT_HOST_KEY');
  assert.match(unlisted.log[0]!.message, /is not in .*known_hosts; Vigil does not trust a host key on first use/);
});

test('a key the server refuses is ERR_VAULT_AUTH; an unreachable port is ERR_VAULT_UNREACHABLE; both raise vault-unreachable', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'a'), 'a');
  const stranger = path.join(dir, 'id_stranger');
  keygen(stranger);
  const remote = sshd.remoteDir(`auth-${Date.now()}`);

  const refused = await runBackup(sftpSet(dir, src, remote, { identityFile: stranger }));
  assert.equal(refused.status, 'failed');
  assert.equal(stopper(refused), 'ERR_VAULT_AUTH');
  assert.match(refused.log[0]!.message, /refused the key .*id_stranger for user/);
  assert.equal(faultOf(refused), 'vault-unreachable');
  assert.doesNotMatch(JSON.stringify(refused.log), /PRIVATE KEY|correct horse/, 'no key material or passphrase in the log');

  const closedPort = (await import('node:net')).createServer();
  await new Promise<void>((resolve) => closedPort.listen(0, '127.0.0.1', resolve));
  const port = (closedPort.address() as { port: number }).port;
  await new Promise((resolve) => closedPort.close(resolve));
  const context = sftpSet(dir, src, remote);
  (context.config as BuiltinVaultConfig).vaultTarget!.url = `sftp://${sshd.user}@127.0.0.1:${port}${remote}`;
  const down = await runBackup(context);
  assert.equal(down.status, 'failed');
  assert.equal(stopper(down), 'ERR_VAULT_UNREACHABLE');
  assert.match(down.log[0]!.message, /cannot connect to 127\.0\.0\.1:\d+: ECONNREFUSED/);
  assert.equal(faultOf(down), 'vault-unreachable');
});

test('the connection killed mid-upload: the run fails vault-unreachable, the next run resumes without re-sending stored packs, verifies and restores byte for byte', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'big.bin'), randomData(28 * 1024 * 1024));
  const remote = sshd.remoteDir(`killed-${Date.now()}`);
  const context = sftpSet(dir, src, remote);

  let settled = false;
  const running = runBackup(context).finally(() => (settled = true));
  // As soon as one of the ~4 packs is stored, freeze the connection (SIGSTOP) while the next ones
  // are still to go — a condition, not a timing: a poll for a half-written file missed it on a
  // fast machine — then drop it (SIGKILL).
  let stored: string[] = [];
  for (let n = 0; n < 12_000 && !settled; n++) {
    stored = await packsOn(remote);
    if (stored.length >= 1) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.ok(stored.length >= 1, 'a pack was stored before the kill');
  assert.ok(sshd.pauseSessions() >= 1, 'the sshd session was frozen');
  assert.equal(settled, false, 'the backup was still uploading when its connection froze');
  stored = await packsOn(remote);
  assert.ok(sshd.killSessions() >= 1, 'an sshd session process was killed');
  const broken = await running;
  assert.equal(broken.status, 'failed', JSON.stringify(broken.log));
  assert.equal(stopper(broken), 'ERR_VAULT_UNREACHABLE');
  assert.equal(faultOf(broken), 'vault-unreachable');

  const before = new Map(stored.map((file) => [file, statSync(file).ino]));
  const resumed = await runBackup(context);
  assert.equal(resumed.status, 'completed', JSON.stringify(resumed.log));
  for (const [file, ino] of before) assert.equal(statSync(file).ino, ino, `${file} was not sent again`);
  assert.match(JSON.stringify(resumed.log), /packs \(\d+ bytes\) an interrupted run had stored in .* were indexed and are reused, not sent again/);
  // What the interrupted run stored is not counted new again (half of it: packs carry headers).
  const storedBytes = [...before.keys()].reduce((sum, file) => sum + statSync(file).size, 0);
  assert.ok(resumed.counters.bytesNew < 28 * 1024 * 1024 - storedBytes / 2, `the resumed run sent ${resumed.counters.bytesNew} bytes though ${storedBytes} were stored: the stored packs were sent again`);

  const checked = await verify(context, { readData: true });
  assert.equal(checked.status, 'completed', JSON.stringify(checked.log));
  const out = path.join(dir, 'out');
  const restored = await restore(context, { to: out });
  assert.equal(restored.status, 'completed', JSON.stringify(restored.log));
  assert.ok((await fsp.readFile(path.join(out, src, 'big.bin'))).equals(await fsp.readFile(path.join(src, 'big.bin'))), 'restored byte for byte');
});

async function packsOn(remote: string): Promise<string[]> {
  const out: string[] = [];
  for (const shard of await fsp.readdir(path.join(remote, 'data')).catch(() => [])) {
    for (const name of await fsp.readdir(path.join(remote, 'data', shard)).catch(() => [])) out.push(path.join(remote, 'data', shard, name));
  }
  return out;
}

/** The service fault the runner would raise for this run. */
function faultOf(result: EngineRunResult) {
  return faultOfRun({ status: result.status, firstError: result.log[0]?.message ?? '', ...(result.stoppedBy ? { stoppedBy: result.stoppedBy } : {}) });
}
