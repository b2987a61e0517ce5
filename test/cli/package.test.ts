import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/workspace.js';

/**
 * What a new user gets from `npm pack` and `npm install -g` of the tarball: a `vigil` that works
 * from any directory, finds its templates and its SQLite binding. Slow (a build and a native
 * compile), so one test walks the whole path.
 */
const scratch = mkdtempSync(path.join(tmpdir(), 'vigil-package-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

describe('the npm package', () => {
  test('npm pack builds a package whose global install runs from any directory', { timeout: 20 * 60_000 }, async () => {
    const packed = await run('npm', ['pack', '--pack-destination', scratch], REPO_ROOT, 10 * 60_000);
    assert.equal(packed.code, 0, packed.stderr);
    const tarball = readdirSync(scratch).find((f) => /^vigil-backup-.*\.tgz$/.test(f));
    assert.ok(tarball, `no tarball in ${readdirSync(scratch).join(', ')}`);

    const prefix = path.join(scratch, 'prefix');
    const installed = await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(scratch, tarball)], scratch, 15 * 60_000);
    assert.equal(installed.code, 0, installed.stderr);

    const vigil = path.join(prefix, 'bin', 'vigil');
    const elsewhere = mkdtempSync(path.join(scratch, 'elsewhere-'));
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const shown = await run(vigil, ['--version'], elsewhere, 60_000);
    assert.equal(shown.stdout, `vigil ${version}\n`, shown.stderr);

    for (const args of [['init'], ['config', 'check']]) {
      const result = await run(vigil, args, elsewhere, 60_000);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    }
    // The vigil.yaml init wrote names the schema the installed package ships, for editors.
    const modeline = readFileSync(path.join(elsewhere, 'vigil.yaml'), 'utf8').split('\n')[0] ?? '';
    const schema = /^# yaml-language-server: \$schema=(.+)$/.exec(modeline)?.[1];
    assert.ok(schema?.startsWith(prefix) && existsSync(schema), modeline);
    // The shipped templates are found relative to the installed package, and SQLite loads.
    const preview = await run(vigil, ['notify', 'preview', 'backup-alert'], elsewhere, 60_000);
    assert.equal(preview.code, 0, preview.stderr);
    assert.match(preview.stdout, /Subject: /);
    const sent = await run(vigil, ['mail', 'test'], elsewhere, 60_000);
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /written to .*mailbox/);
  });
});
