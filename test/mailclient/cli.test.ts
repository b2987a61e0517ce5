import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.ts');

function vigil(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { timeout: 60_000, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function withConfig(yaml: string, fn: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-mccli-'));
  const file = path.join(dir, 'vigil.yaml');
  writeFileSync(file, yaml);
  return fn(file).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const CONFIG = `dataDir: ./var
mail:
  clientsSupported: [mutt, ssmtp, msmtp, postfix]
profiles:
  local:
    method: client
    from: backup@example.test
`;

test('vigil mail clients: preference order, installed, selected, why the others are not', () =>
  withConfig(CONFIG, async (file) => {
    const { code, stdout } = await vigil(['mail', 'clients', '--config', file, '--json']);
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as { clients: Array<{ name: string; status: string; reason: string }> };
    assert.deepEqual(report.clients.map((c) => [c.name, c.status]), [['mutt', 'skipped'], ['ssmtp', 'skipped'], ['msmtp', 'selected'], ['postfix', 'skipped']]);
    assert.match(report.clients[0]?.reason ?? '', /interactive/);
    assert.match(report.clients[1]?.reason ?? '', /not installed/);
    assert.match(report.clients[3]?.reason ?? '', /spooling/);
  }));

test('vigil config check says why an interactive client is never used', () =>
  withConfig(CONFIG, async (file) => {
    const { stdout, stderr } = await vigil(['config', 'check', '--config', file]);
    assert.match(stdout + stderr, /vigil\.yaml:3: warning: mail\.clientsSupported\.0: "mutt" will never be used: .*interactive/);
  }));

test('vigil mail doctor: exit 1 with a hint when msmtp has no configuration for the account', () =>
  withConfig(CONFIG.replace('[mutt, ssmtp, msmtp, postfix]', '[msmtp]'), async (file) => {
    // HOME of the account: an empty directory, so there is no ~/.msmtprc.
    const { code, stdout } = await vigil(['mail', 'doctor', '--config', file], { ...process.env, HOME: path.dirname(file) });
    assert.equal(code, 1, stdout);
    assert.match(stdout, /MC010 ok +selected: msmtp/);
    assert.match(stdout, /MC021 problem msmtp has no configuration/);
    assert.match(stdout, /hint: Create /);
  }));
