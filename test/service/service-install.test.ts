import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkConfigText } from '../../src/config/load.js';
import { failedUnit, serviceUnit } from '../../src/platform/service/units.js';
import { REPO_ROOT, runVigil } from '../helpers/workspace.js';

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});
function newRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'vigil-root-'));
  roots.push(root);
  return root;
}
const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);
const unitDir = (root: string) => path.join(root, 'etc/systemd/system');
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

describe('vigil service install --root DIR', () => {
  test('creates the configuration, the data directory and both units with their modes; the account and systemctl are only printed', async () => {
    const root = newRoot();
    const result = await runVigil(['service', 'install', '--root', root]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(mode(path.join(root, 'etc/vigil')), '750');
    assert.equal(mode(path.join(root, 'etc/vigil/vigil.yaml')), '640');
    assert.equal(mode(path.join(root, 'var/lib/vigil')), '750');
    assert.equal(mode(path.join(unitDir(root), 'vigil.service')), '644');
    assert.equal(mode(path.join(unitDir(root), 'vigil-failed.service')), '644');
    // Owners are what a real install sets; under --root they are printed, not set.
    assert.match(result.stdout, /^skipped create system user vigil: useradd --system --user-group --home-dir \/var\/lib\/vigil --no-create-home --shell \/usr\/sbin\/nologin vigil \(not run under --root\)$/m);
    assert.match(result.stdout, /^done +write \/etc\/vigil\/vigil\.yaml \(0640 root:vigil\)/m);
    assert.match(result.stdout, /^done +create directory \/var\/lib\/vigil \(0750 vigil:vigil\)/m);
    assert.match(result.stdout, /^skipped run systemctl daemon-reload/m);

    const yaml = readFileSync(path.join(root, 'etc/vigil/vigil.yaml'), 'utf8');
    assert.match(yaml, /^dataDir: \/var\/lib\/vigil +#/m);
    const checked = checkConfigText(yaml, '/etc/vigil/vigil.yaml');
    assert.deepEqual(checked.problems.filter((p) => p.severity === 'error'), []);

    const unit = readFileSync(path.join(unitDir(root), 'vigil.service'), 'utf8');
    const main = realpathSync(path.join(REPO_ROOT, 'src/cli/main.ts'));
    assert.match(unit, new RegExp(`^ExecStart=${realpathSync(process.execPath)} ${main} start$`, 'm'));
    for (const line of ['Type=notify', 'NotifyAccess=all', 'WatchdogSec=60s', 'User=vigil', 'Environment=VIGIL_CONFIG=/etc/vigil/vigil.yaml', 'ExecReload=/bin/kill -HUP $MAINPID', 'Restart=on-failure', 'RestartPreventExitStatus=2', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/vigil', 'NoNewPrivileges=yes', 'PrivateTmp=yes', 'OnFailure=vigil-failed.service']) {
      assert.ok(unit.split('\n').includes(line), `vigil.service has ${line}`);
    }
    const failed = readFileSync(path.join(unitDir(root), 'vigil-failed.service'), 'utf8');
    assert.match(failed, new RegExp(`^ExecStart=${realpathSync(process.execPath)} ${main} notify fault service-failed --detail "vigil.service failed: `, 'm'));

    if (existsSync(SYSTEMD_ANALYZE)) {
      const verify = spawnSync(SYSTEMD_ANALYZE, ['verify', path.join(unitDir(root), 'vigil.service'), path.join(unitDir(root), 'vigil-failed.service')], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(verify.status, 0, verify.stderr);
      assert.equal(verify.stderr.trim(), '', 'systemd-analyze verify has no complaint');
    }
  });

  test('--dry-run prints every action and changes nothing', async () => {
    const root = newRoot();
    const result = await runVigil(['service', 'install', '--root', root, '--dry-run']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.deepEqual(lines.map((l) => l.split(' ')[0]), ['would', 'would', 'would', 'would', 'would', 'would', 'would']);
    assert.match(result.stdout, /would +write \/etc\/systemd\/system\/vigil-failed\.service \(0644 root:root\)/);
    assert.equal(existsSync(path.join(root, 'etc')), false);
    assert.equal(existsSync(path.join(root, 'var')), false);
  });

  test('an existing configuration is kept, and its builtin vaults outside dataDir become writable', async () => {
    const root = newRoot();
    mkdirSync(path.join(root, 'etc/vigil'), { recursive: true });
    const yaml = [
      'dataDir: /srv/vigil-data',
      'sets:',
      '  docs: { engine: builtin, paths: [/srv/docs], vault: /mnt/backup/docs-vault }',
      '  inside: { engine: builtin, paths: [/srv/docs] }',
      '',
    ].join('\n');
    writeFileSync(path.join(root, 'etc/vigil/vigil.yaml'), yaml, { mode: 0o600 });
    const result = await runVigil(['service', 'install', '--root', root, '--user', 'backup']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(path.join(root, 'etc/vigil/vigil.yaml'), 'utf8'), yaml);
    assert.equal(mode(path.join(root, 'etc/vigil/vigil.yaml')), '600', 'not touched');
    assert.match(result.stdout, /^kept +\/etc\/vigil\/vigil\.yaml: exists; never overwritten$/m);
    assert.equal(mode(path.join(root, 'srv/vigil-data')), '750');
    const unit = readFileSync(path.join(unitDir(root), 'vigil.service'), 'utf8');
    assert.match(unit, /^ReadWritePaths=\/srv\/vigil-data -\/mnt\/backup\/docs-vault$/m);
    assert.match(unit, /^User=backup$/m);
  });

  test('an existing configuration with a relative dataDir is refused: the service could not write it', async () => {
    const root = newRoot();
    mkdirSync(path.join(root, 'etc/vigil'), { recursive: true });
    writeFileSync(path.join(root, 'etc/vigil/vigil.yaml'), 'dataDir: ./var\n');
    const result = await runVigil(['service', 'install', '--root', root]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /dataDir "\.\/var" is relative[\s\S]*hint: Set dataDir: \/var\/lib\/vigil/);
    assert.equal(existsSync(unitDir(root)), false, 'nothing installed');
  });

  test('a bad --user is a usage error', async () => {
    const result = await runVigil(['service', 'install', '--root', newRoot(), '--user', 'x;rm -rf /']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--user "x;rm -rf \/" is not a valid account name/);
  });

  test('uninstall removes the units and keeps the configuration and the data', async () => {
    const root = newRoot();
    assert.equal((await runVigil(['service', 'install', '--root', root])).code, 0);
    const dry = await runVigil(['service', 'uninstall', '--root', root, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^would +remove \/etc\/systemd\/system\/vigil\.service$/m);
    assert.ok(existsSync(path.join(unitDir(root), 'vigil.service')));
    const result = await runVigil(['service', 'uninstall', '--root', root]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^skipped run systemctl disable --now vigil\.service/m);
    assert.equal(existsSync(path.join(unitDir(root), 'vigil.service')), false);
    assert.equal(existsSync(path.join(unitDir(root), 'vigil-failed.service')), false);
    assert.ok(existsSync(path.join(root, 'etc/vigil/vigil.yaml')));
    assert.ok(existsSync(path.join(root, 'var/lib/vigil')));
    assert.match(result.stdout, /^kept +\/var\/lib\/vigil: kept/m);
  });

  test('the units shipped in systemd/ are what install writes for a global npm install', () => {
    const installed = { command: ['/usr/bin/node', '/usr/lib/node_modules/vigil-backup/dist/src/cli/main.js'], user: 'vigil', configFile: '/etc/vigil/vigil.yaml', dataDir: '/var/lib/vigil', storePaths: [] };
    assert.equal(readFileSync(path.join(REPO_ROOT, 'systemd/vigil.service'), 'utf8'), serviceUnit(installed));
    assert.equal(readFileSync(path.join(REPO_ROOT, 'systemd/vigil-failed.service'), 'utf8'), failedUnit(installed));
  });
});
