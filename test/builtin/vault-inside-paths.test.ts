import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { ResticEngine } from '../../src/backup/engines/restic/index.js';
import { findOnPath } from '../../src/backup/find-program.js';
import { restore } from '../../src/backup/engines/builtin/index.js';
import { checkConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { randomData, runBackup, setContext, tempDir } from './helpers.js';
import { runSet } from '../backup/helpers.js';

test('a vault inside the backed-up paths is left out of every snapshot: it does not back itself up', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'home');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'data.bin'), randomData(256 * 1024));
  const context = setContext(dir, src, { vault: path.join(src, 'backup', 'vault') });
  const first = await runBackup(context);
  assert.equal(first.status, 'completed', JSON.stringify(first.log));
  assert.equal(first.counters.files, 1, 'only data.bin: no vault file was backed up');
  assert.ok(first.log.some((e) => /vault .*home\/backup\/vault lies inside the backed-up path .*home; it is left out/.test(e.message)));
  const second = await runBackup(context);
  assert.equal(second.counters.files, 1);
  assert.ok(second.counters.bytesNew < 4096, `an unchanged source adds only a snapshot's tree, not the vault's packs (${second.counters.bytesNew} bytes)`);
  const target = path.join(dir, 'restored');
  await restore(context, { to: target });
  assert.ok(existsSync(path.join(target, src, 'data.bin')));
  assert.ok(!existsSync(path.join(target, src, 'backup', 'vault')), 'the vault is not in the snapshot');
});

test('a local restic repository inside the backed-up paths is excluded too', { skip: findOnPath('restic', process.env) ? false : 'restic is not installed' }, async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'home');
  const repo = path.join(src, 'restic-repo');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'a.txt'), 'hello');
  const env = { ...process.env, RESTIC_PASSWORD: 'pw' };
  execFileSync('restic', ['init', '--repo', repo], { env, stdio: 'ignore' });
  await fsp.writeFile(path.join(dir, 'pass'), 'pw\n');
  const result = await runSet(new ResticEngine(), { engine: 'restic', repository: repo, password: { file: path.join(dir, 'pass') }, paths: [src] }, { dataDir: dir });
  assert.equal(result.status, 'completed', JSON.stringify(result.log));
  assert.equal(result.counters.files, 1, 'only a.txt: the repository was not backed up into itself');
});

test('config check warns when a vault or local repository lies inside the set’s paths', () => {
  const yaml = `dataDir: /srv/var
sets:
  docs:
    engine: builtin
    paths: [/srv]
  photos:
    engine: builtin
    paths: [/home/photos]
    vault: /home/photos/.vault
  offsite:
    engine: restic
    paths: [/data]
    repository: /data/restic
    password: { env: RESTIC_PASSWORD }
  elsewhere:
    engine: builtin
    paths: [/home/docs]
    vault: /mnt/backup/vault
`;
  const warnings = checkConfigText(yaml, '/etc/vigil/vigil.yaml').problems.filter((p) => p.severity === 'warning').map(formatProblem).join('\n');
  assert.match(warnings, /vigil\.yaml:\d+: warning: sets\.docs\.paths\.0: the vault \/srv\/var\/vault \(the default, under dataDir\) lies inside \/srv; it is excluded from the backup automatically/);
  assert.match(warnings, /vigil\.yaml:9: warning: sets\.photos\.vault: the vault \/home\/photos\/\.vault lies inside \/home\/photos; it is excluded/);
  assert.match(warnings, /vigil\.yaml:13: warning: sets\.offsite\.repository: the repository \/data\/restic lies inside \/data; it is excluded/);
  assert.doesNotMatch(warnings, /elsewhere/);
});
