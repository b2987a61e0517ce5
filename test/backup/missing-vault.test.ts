import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BackupRunner } from '../../src/backup/runner.js';
import { createEngines } from '../../src/backup/engines/index.js';
import { backupSet } from '../../src/config/schema/sets.js';
import type { BackupEvent, VigilEvent } from '../../src/domain/events.js';
import { silentLogger } from '../../src/domain/logger.js';
import { faultOfRun } from '../../src/notify/fault-detect.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { Workspace } from '../helpers/workspace.js';

function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-missing-vault-'));
  const source = path.join(dir, 'src');
  // The vault lives on "its own disk": a mount point directory that stays when the disk is gone.
  const mount = path.join(dir, 'mnt');
  const vault = path.join(mount, 'vault');
  mkdirSync(source);
  mkdirSync(mount);
  writeFileSync(path.join(source, 'a.txt'), 'hello');
  const store = openSqliteStore(path.join(dir, 'var'));
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const events: VigilEvent[] = [];
  const runner = new BackupRunner({
    sets: { docs: backupSet.parse({ engine: 'builtin', paths: [source], vault }) },
    dataDir: path.join(dir, 'var'),
    engines: createEngines(),
    activity: store.activity,
    events: { emit: (e) => events.push(e) },
    clock: new FakeClock(),
    log: silentLogger,
    owner: { host: 'test-host', pid: process.pid },
  });
  return { dir, mount, vault, runner, events };
}

test('a set with history never re-creates its vault: a missing one fails the run with vault-unreachable', async (t) => {
  const { mount, vault, runner, events } = setup(t);
  const first = await runner.run('docs', { trigger: 'manual' });
  assert.equal(first.status, 'completed', 'the first run of a set without history creates the vault');
  assert.ok(existsSync(path.join(vault, 'config')));

  // The vault's file system is unmounted: the mount point is there, empty.
  renameSync(vault, `${mount}-unmounted`);
  const second = await runner.run('docs', { trigger: 'schedule' });
  assert.equal(second.status, 'failed');
  assert.match(second.firstError ?? '', /missing/);
  assert.match(second.firstError ?? '', /vigil vault init docs/);
  assert.ok(!existsSync(vault), 'no new, empty vault was created in its place');
  const event = events.filter((e): e is BackupEvent => e.kind === 'backup.failed').at(-1)!;
  assert.equal(faultOfRun(event), 'vault-unreachable');
});

test('`vigil vault init SET` creates a missing vault on request, and refuses to touch an existing one', async () => {
  const ws = new Workspace();
  try {
    mkdirSync(path.join(ws.dir, 'src'));
    writeFileSync(path.join(ws.dir, 'src', 'a.txt'), 'hello');
    ws.write(`dataDir: ./var\nsets:\n  docs: { engine: builtin, paths: [${path.join(ws.dir, 'src')}], vault: ${path.join(ws.dir, 'vault')} }\n`);
    const init = await ws.vigil(['vault', 'init', 'docs']);
    assert.equal(init.code, 0, init.stderr + init.stdout);
    assert.match(init.stdout, /created vault .*vault/);
    assert.ok(existsSync(path.join(ws.dir, 'vault', 'config')));
    const again = await ws.vigil(['vault', 'init', 'docs']);
    assert.equal(again.code, 1, again.stdout);
    assert.match(again.stderr, /already a vault/);
  } finally {
    ws.cleanup();
  }
});
