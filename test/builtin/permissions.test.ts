import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BuiltinEngine } from '../../src/backup/engines/builtin/index.js';
import type { EngineRunResult } from '../../src/backup/engine.js';
import { faultOfRun } from '../../src/notify/fault-detect.js';
import { runFixture, setContext } from './helpers.js';
import { Workspace } from '../helpers/workspace.js';
import { execFileSync } from 'node:child_process';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** Every uid owning a file or directory under `dir`. */
function owners(dir: string): Set<number> {
  const found = new Set<number>([statSync(dir).uid]);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) found.add(statSync(path.join(entry.parentPath, entry.name)).uid);
  return found;
}

/**
 * The permission trap: the service account (here `nobody`) owns the vault; one `sudo vigil run`
 * writes root-owned files into it. Everything the unprivileged child needs lives in a
 * world-readable temporary directory, never in the checkout.
 */
test('root refuses to write a vault another account owns unless allowed; the owner is then told the real cause', { skip: !isRoot && 'needs root to play both accounts' }, async (t) => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'vigil-perm-'));
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  await fsp.chmod(dir, 0o777);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src, { mode: 0o755 });
  await fsp.writeFile(path.join(src, 'a.txt'), 'first', { mode: 0o644 });
  const vault = path.join(dir, 'vault');
  const context = setContext(dir, src, { vault });
  const asNobody = async () => {
    const child = await runFixture('run-backup.ts', [JSON.stringify(context)], { uid: NOBODY });
    assert.equal(child.code, 0, child.stderr);
    return JSON.parse(child.stdout) as EngineRunResult;
  };
  const asRoot = (allowRoot?: boolean) => new BuiltinEngine().run({ ...context, signal: new AbortController().signal, onProgress: () => undefined, ...(allowRoot ? { allowRoot } : {}) });

  assert.equal((await asNobody()).status, 'completed', 'the service account creates and owns the vault');
  await fsp.appendFile(path.join(src, 'a.txt'), ' changed');

  const refused = await asRoot();
  assert.equal(refused.status, 'failed');
  assert.equal(refused.stoppedBy?.code, 'ERR_VAULT_OWNER');
  assert.match(refused.log[0]!.message, /as root/);
  assert.match(refused.log[0]!.message, /nobody \(uid 65534\)/);
  assert.match(refused.log[0]!.message, /--allow-root/);
  assert.deepEqual([...owners(vault)], [NOBODY], 'nothing root-owned was written into the vault');

  const allowed = await asRoot(true);
  assert.equal(allowed.status, 'completed', JSON.stringify(allowed.log));
  assert.ok(owners(vault).has(0), 'with --allow-root, root wrote its files');
  await fsp.appendFile(path.join(src, 'a.txt'), ' again');

  const trapped = await asNobody();
  assert.equal(trapped.status, 'failed');
  const message = trapped.log.find((e) => e.severity === 'critical')!.message;
  assert.doesNotMatch(message, /--read-data|damaged files|corrupt/i, 'a permission problem is not called corruption');
  assert.match(message, /permission denied/);
  assert.match(message, /owned by root \(uid 0\)/);
  assert.match(message, /mode 0[67]\d\d/);
  assert.match(message, /runs as nobody \(uid 65534\)/);
  assert.match(message, /chown -R nobody/);
  assert.equal(trapped.stoppedBy?.code, 'ERR_VAULT_PERMISSION');
  assert.equal(faultOfRun({ status: 'failed', firstError: message, stoppedBy: trapped.stoppedBy! }), 'vault-unreachable');
});

test('`vigil run --allow-root` is the way past the refusal', { skip: !isRoot && 'needs root' }, async () => {
  const ws = new Workspace();
  try {
    const src = path.join(ws.dir, 'src');
    await fsp.mkdir(src);
    await fsp.writeFile(path.join(src, 'a.txt'), 'hello');
    ws.write(`dataDir: ./var\nsets:\n  docs: { engine: builtin, paths: [${src}], vault: ${path.join(ws.dir, 'vault')} }\n`);
    assert.equal((await ws.vigil(['vault', 'init', 'docs'])).code, 0);
    execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, path.join(ws.dir, 'vault')]);
    const refused = await ws.vigil(['run', 'docs']);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /refusing to write vault .* as root: it belongs to nobody \(uid 65534\)/);
    assert.match(refused.stdout, /--allow-root/);
    const allowed = await ws.vigil(['run', 'docs', '--allow-root']);
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
  } finally {
    ws.cleanup();
  }
});
