import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SftpBackend } from '../../src/backup/engines/builtin/backend/sftp-backend.js';
import type { VaultBackend } from '../../src/backup/engines/builtin/backend/vault-backend.js';
import { Vault } from '../../src/backup/engines/builtin/vault.js';
import { verifyVault } from '../../src/backup/engines/builtin/verify.js';
import { repairVault } from '../../src/backup/engines/builtin/repair.js';
import { restoreTree } from '../../src/backup/engines/builtin/restore.js';
import { loadSnapshots } from '../../src/backup/engines/builtin/snapshot.js';
import { isVigilError } from '../../src/domain/errors.js';
import type { EngineLogEntry } from '../../src/backup/engine.js';
import { ObservedBackend, type BackendCall } from '../helpers/observed-backend.js';
import { SshdPeer } from '../helpers/sshd-peer.js';
import { randomData, runBackup, setContext, tempDir } from './helpers.js';

// A remote host that dies in the middle of verify, repair or restore (its sshd SIGSTOPped: open
// connections get no answer, new ones are never greeted) must stop the operation at the first
// unreachable error — not wait out a deadline for every pack or file that is left.

let sshd: SshdPeer;
let shared: { dir: string; remote: string };
before(async () => {
  sshd = new SshdPeer();
  await sshd.start();
  shared = await remoteVault();
});
after(async () => {
  await sshd.cleanup();
  await fsp.rm(shared.dir, { recursive: true, force: true });
});

const TIMEOUT_MS = 1500;

/**
 * The real SFTP backend, observed: freezes the real server just before the (after+1)-th call on a
 * pack (so the operation is part-way), and counts the calls that failed ERR_VAULT_UNREACHABLE.
 */
class FreezeAfter extends ObservedBackend {
  packCalls = 0;
  unreachable = 0;
  /** Calls begun after one had failed unreachable: each would wait out a deadline of its own. */
  startedAfterUnreachable = 0;
  constructor(
    inner: VaultBackend,
    private readonly after: number,
  ) {
    super(inner);
  }
  protected override async around<T>(_call: BackendCall, name: string, run: () => Promise<T>): Promise<T> {
    if (/^data\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(name) && this.packCalls++ === this.after) sshd.freeze();
    if (this.unreachable > 0) this.startedAfterUnreachable++;
    try {
      return await run();
    } catch (error) {
      if (isVigilError(error) && error.code === 'ERR_VAULT_UNREACHABLE') this.unreachable++;
      throw error;
    }
  }
}

/**
 * A vault of ~4 packs and 8 small files, written locally straight into the server's directory
 * (quick), then read over SFTP. Shared: a frozen host lets no test change it.
 */
async function remoteVault(): Promise<{ dir: string; remote: string }> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'vigil-dead-host-'));
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  for (let n = 0; n < 3; n++) await fsp.writeFile(path.join(src, `big-${n}.bin`), randomData(9 * 1024 * 1024));
  for (let n = 0; n < 8; n++) await fsp.writeFile(path.join(src, `small-${n}.txt`), randomData(2000 + n));
  const remote = sshd.remoteDir('vault');
  const made = await runBackup(setContext(dir, src, { vault: remote }));
  assert.equal(made.status, 'completed', JSON.stringify(made.log));
  return { dir, remote };
}

async function openFrozenAfter(remote: string, packCalls: number): Promise<{ vault: Vault; observed: FreezeAfter }> {
  const observed = new FreezeAfter(new SftpBackend(sshd.target(remote, { timeoutMs: TIMEOUT_MS })), packCalls);
  return { vault: await Vault.open(observed), observed };
}

async function assertStoppedAtFirst(operation: Promise<unknown>, observed: FreezeAfter, log: EngineLogEntry[]): Promise<void> {
  const outcome = await operation.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  sshd.resume();
  assert.ok('error' in outcome, `the operation went on past a dead host and ended normally, after ${observed.unreachable} unreachable errors: ${JSON.stringify(log.slice(0, 4))}`);
  const error = outcome.error;
  assert.ok(isVigilError(error), String(error));
  assert.equal(error.code, 'ERR_VAULT_UNREACHABLE');
  assert.match(error.message, /sftp:\/\/.*(no answer|lost|did not complete the SSH handshake)/);
  // Calls in flight together (a restore reads several pack ranges at once) fail together, within one
  // deadline; what must not happen is a call begun after that, waiting out a deadline of its own.
  assert.ok(observed.unreachable >= 1);
  assert.equal(observed.startedAfterUnreachable, 0, `stopped at the first unreachable error, not after one deadline per pack or file (${observed.startedAfterUnreachable} calls begun after it, ${observed.unreachable} failed unreachable)`);
}

test('verify: the host dies after the first pack; verify stops at the first unreachable error', async () => {
  const { remote } = shared;
  const { vault, observed } = await openFrozenAfter(remote, 3); // a pack's header: stat + 2 reads
  const log: EngineLogEntry[] = [];
  await assertStoppedAtFirst(verifyVault({ vault, readData: false }, log), observed, log);
  await vault.close();
});

test('verify --read-data: a frozen host is noticed within the timeout, not the time an 8 MiB pack may take', async () => {
  const { remote } = shared;
  const { vault, observed } = await openFrozenAfter(remote, 1);
  const log: EngineLogEntry[] = [];
  const operation = verifyVault({ vault, readData: true }, log);
  await assertStoppedAtFirst(
    operation.catch((error: unknown) => {
      // The deadline that fired is the idle one (the timeout), not timeout + 8 MiB at 256 KiB/s.
      assert.match((error as Error).message, /no answer within 2 s while reading data\//);
      throw error;
    }),
    observed,
    log,
  );
  await vault.close();
});

test('repair: the host dies after the first pack; repair stops and changes nothing', async () => {
  const { remote } = shared;
  const indexBefore = (await fsp.readdir(path.join(remote, 'index'))).sort();
  const { vault, observed } = await openFrozenAfter(remote, 1);
  const log: EngineLogEntry[] = [];
  await assertStoppedAtFirst(repairVault({ vault }, log), observed, log);
  await vault.close();
  assert.deepEqual((await fsp.readdir(path.join(remote, 'index'))).sort(), indexBefore, 'the index was not replaced');
});

test('restore: the host dies after the first files; restore stops instead of failing every file after a deadline each', async (t) => {
  const { remote } = shared;
  const dir = await tempDir(t);
  const { vault, observed } = await openFrozenAfter(remote, 2);
  const { index } = await vault.loadIndex();
  const [snapshot] = await loadSnapshots(vault, 'docs');
  const log: EngineLogEntry[] = [];
  await assertStoppedAtFirst(restoreTree({ vault, index, snapshot: snapshot!, to: path.join(dir, 'out') }, log), observed, log);
  await vault.close();
});
