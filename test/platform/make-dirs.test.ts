import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { makeDirs, makeDirsSync } from '../../src/platform/make-dirs.js';
import { Workspace } from '../helpers/workspace.js';

// Node's recursive mkdir never returns on these paths; each test has a deadline so a regression
// fails instead of hanging the suite.
const DEADLINE = { timeout: 15_000 };

describe('makeDirs: mkdir -p that always ends', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'vigil-mkdirs-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('creates every missing level, and is idempotent', DEADLINE, async () => {
    const dir = path.join(root, 'a', 'b', 'c');
    await makeDirs(dir, 0o700);
    assert.ok(statSync(dir).isDirectory());
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    await makeDirs(dir);
    makeDirsSync(path.join(root, 's', 't'));
    assert.ok(statSync(path.join(root, 's', 't')).isDirectory());
  });

  it('a path under /proc fails with ENOENT instead of spinning (async and sync)', DEADLINE, async () => {
    await assert.rejects(makeDirs('/proc/vigil-vault/data'), (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && /\/proc\/vigil-vault/.test(e.message));
    assert.throws(() => makeDirsSync('/proc/vigil-vault'), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  });

  it('a symbolic link to a missing target (an unmounted disk) is named as such', DEADLINE, async () => {
    const link = path.join(root, 'mnt-backup');
    symlinkSync(path.join(root, 'not-mounted'), link);
    await assert.rejects(makeDirs(path.join(link, 'vault')), /symbolic link to something that does not exist/);
    assert.throws(() => makeDirsSync(path.join(link, 'vault')), /symbolic link/);
  });

  it('a file in the way is ENOTDIR', DEADLINE, async () => {
    const file = path.join(root, 'file');
    writeFileSync(file, '');
    await assert.rejects(makeDirs(path.join(file, 'x')), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
  });
});

describe('a vault that cannot be created ends the run with an error', () => {
  it('vigil run with vault under /proc exits 1 and says why', DEADLINE, async () => {
    const ws = new Workspace();
    try {
      writeFileSync(path.join(ws.dir, 'file.txt'), 'data');
      ws.write(`dataDir: ./var
mail: { profile: local }
profiles:
  local: { method: maildir, from: vigil@localhost }
sets:
  docs:
    engine: builtin
    paths: [${JSON.stringify(ws.dir)}]
    vault: /proc/vigil-test-vault
`);
      const result = await ws.vigil(['run', 'docs'], { timeoutMs: 12_000 });
      assert.equal(result.signal, null, `vigil run was killed at its deadline: ${result.stderr}`);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stdout + result.stderr, /\/proc\/vigil-test-vault/);
    } finally {
      ws.cleanup();
    }
  });
});
