import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { verifySecret } from '../../src/console/password-hash.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

function hashPassword(stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'console', 'hash-password'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

test('vigil console hash-password prints an scrypt hash of the secret on stdin (its line break not included)', async () => {
  const r = await hashPassword('s3cret-console-pass\n');
  assert.equal(r.code, 0, r.stderr);
  const hash = r.stdout.trim();
  assert.match(hash, /^scrypt\$32768\$8\$1\$/);
  assert.ok(!r.stdout.includes('s3cret'));
  assert.equal(await verifySecret('s3cret-console-pass', hash), true);
  assert.equal(await verifySecret('s3cret-console-pass\n', hash), false);
  assert.equal(await verifySecret('wrong', hash), false);
  const empty = await hashPassword('');
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no password or token on stdin/);
});

test('config check: a console on a non-loopback address without tls or insecure, and a hash that is not one, are errors with file:line', async () => {
  const ws = new Workspace(`dataDir: ./var
console:
  listen: 0.0.0.0:8470
  users:
    admin: { passwordHash: "hunter2" }
`);
  try {
    const r = await ws.vigil(['config', 'check']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /vigil\.yaml:3: console\.listen: 0\.0\.0\.0:8470 is reachable from the network: add tls/);
    assert.match(out, /vigil\.yaml:5: console\.users\.admin\.passwordHash: .*vigil console hash-password/);
    ws.write(`dataDir: ./var\nconsole:\n  listen: 0.0.0.0:8470\n  insecure: true\n`);
    const ok = await ws.vigil(['config', 'check']);
    assert.doesNotMatch(ok.stdout + ok.stderr, /console\.listen/);
  } finally {
    ws.cleanup();
  }
});
