import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BackupRunner } from '../../src/backup/runner.js';
import { createEngines } from '../../src/backup/engines/index.js';
import { backupSet } from '../../src/config/schema/sets.js';
import type { VigilEvent } from '../../src/domain/events.js';
import { silentLogger } from '../../src/domain/logger.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { FakeClock } from '../helpers/fake-clock.js';

/**
 * Every engine has the same `timeout`, enforced by the runner. The builtin engine is hung for
 * real: its vault's `config` is a FIFO nobody writes to, so the engine's open() blocks in the
 * kernel exactly as it does on a hard-mounted NFS share that stopped answering — the engine
 * cannot even notice the abort. The runner still ends the run, `incomplete`, saying why.
 */
test('a hung builtin run is stopped at the set’s timeout and recorded incomplete with the reason', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-timeout-'));
  const source = path.join(dir, 'src');
  const vault = path.join(dir, 'vault');
  mkdirSync(source);
  writeFileSync(path.join(source, 'a.txt'), 'hello');
  mkdirSync(vault);
  const fifo = path.join(vault, 'config');
  execFileSync('mkfifo', [fifo]);
  const store = openSqliteStore(dir);
  t.after(async () => {
    // Give the blocked open() its writer, so the abandoned engine (and this process) can end.
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // No reader left: nothing to release.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const set = backupSet.parse({ engine: 'builtin', paths: [source], vault, timeout: '1s' });
  const events: VigilEvent[] = [];
  const runner = new BackupRunner({
    sets: { docs: set },
    dataDir: dir,
    engines: createEngines(),
    activity: store.activity,
    events: { emit: (e) => events.push(e) },
    clock: new FakeClock(),
    log: silentLogger,
    owner: { host: 'test-host', pid: process.pid },
    stopGraceMs: 500,
  });
  const activity = await runner.run('docs', { trigger: 'schedule' });
  assert.equal(activity.status, 'incomplete');
  assert.match(activity.firstError ?? '', /did not finish within the timeout of 1s/);
  const log = await store.activity.log(activity.id);
  assert.ok(log.some((e) => /did not stop within .* of being stopped/.test(e.message)), JSON.stringify(log));
  const event = events.find((e) => e.kind === 'backup.incomplete');
  assert.ok(event, 'backup.incomplete emitted, so the rules can alert');
});

test('the timeout key is accepted on every engine, with the same default', () => {
  for (const raw of [
    { engine: 'builtin', paths: ['/srv'] },
    { engine: 'restic', paths: ['/srv'], repository: '/r', password: { env: 'P' } },
    { engine: 'command', command: ['/bin/true'] },
  ]) {
    assert.equal((backupSet.parse({ ...raw, timeout: '90s' }) as { timeout: number }).timeout, 90_000, raw.engine);
    assert.equal((backupSet.parse(raw) as { timeout: number }).timeout, 12 * 3600_000, raw.engine);
  }
});
