import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Housekeeper } from '../../src/admin/housekeeping.js';
import type { BackupEngine, EngineVerifyRequest } from '../../src/backup/engine.js';
import { CommandEngine } from '../../src/backup/engines/command/index.js';
import { silentLogger } from '../../src/domain/logger.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { adminConfig } from './helpers.js';

/**
 * The Weekly Admin knows no engine by name: it checks a set's repository through the engine's
 * `verify`, once per `repositoryOf`, and skips engines without `verify`. What is under test is
 * that dispatch, so the engine here records its calls (the real engines' checks have their own
 * tests against real vaults and real restic).
 */
class RecordingEngine implements BackupEngine {
  readonly kind = 'builtin';
  readonly verifyName = 'deep check';
  readonly calls: EngineVerifyRequest[] = [];
  run(): never {
    throw new Error('not under test');
  }
  repositoryOf(context: { config: { engine: string } }): string {
    return `shared:${'vault' in context.config ? String(context.config.vault) : '?'}`;
  }
  async verify(request: EngineVerifyRequest) {
    this.calls.push(request);
    return { status: 'completed' as const, log: [{ severity: 'info' as const, message: 'sound' }] };
  }
}

test('the Weekly Admin checks each repository once through its engine’s verify, in rotation, and skips engines that cannot verify', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-housekeeping-engines-'));
  const store = openSqliteStore(dir);
  try {
    const engine = new RecordingEngine();
    const engines = new Map<string, BackupEngine>([
      ['builtin', engine],
      ['command', new CommandEngine()],
    ]);
    const config = adminConfig(
      { readDataWeeks: 4 },
      {
        dataDir: dir,
        sets: {
          a: { engine: 'builtin', paths: ['/srv/a'], vault: '/mnt/v' },
          b: { engine: 'builtin', paths: ['/srv/b'], vault: '/mnt/v' },
          c: { engine: 'builtin', paths: ['/srv/c'], vault: '/mnt/other' },
          dump: { engine: 'command', command: ['/bin/true'] },
        },
      },
    );
    const housekeeper = new Housekeeper({ engines, config, store, clock: new FakeClock(), log: silentLogger, owner: { host: 'h', pid: 1 }, isBusy: async () => false });
    const checks = await housekeeper.checkVaults(new AbortController().signal);
    assert.deepEqual(checks.map((c) => [c.set, c.what, c.status]), [
      ['a', 'deep check', 'completed'],
      ['c', 'deep check', 'completed'],
    ]);
    assert.deepEqual(engine.calls.map((r) => [r.name, r.readData, r.readDataSubset]), [
      ['a', true, { n: 1, of: 4 }],
      ['c', true, { n: 1, of: 4 }],
    ]);
    const validations = await store.activity.list({ kind: 'validation' });
    assert.deepEqual(validations.map((a) => a.engine), ['builtin', 'builtin']);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
