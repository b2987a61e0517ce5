import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BuiltinEngine } from '../../src/backup/engines/builtin/index.js';
import { CommandEngine } from '../../src/backup/engines/command/index.js';
import { ResticEngine } from '../../src/backup/engines/restic/index.js';
import { engineConformance } from './engine/engine.suite.js';

/** The rows of the BackupEngine suite: each engine with its real programs, in a scratch directory. */
const scratch = (): string => mkdtempSync(path.join(tmpdir(), 'vigil-conformance-engine-'));

engineConformance('builtin', async () => {
  const workDir = scratch();
  const vault = path.join(workDir, 'vault');
  const set = (source: string) => ({ engine: 'builtin', paths: [source], vault });
  return {
    engine: new BuiltinEngine(),
    workDir,
    set,
    busy: (source) => ({ set: set(source), started: 'progress' }),
    repository: vault,
    close: async () => rmSync(workDir, { recursive: true, force: true }),
  };
});

engineConformance('restic', async () => {
  const workDir = scratch();
  const repository = path.join(workDir, 'repo');
  const passwordFile = path.join(workDir, 'restic.pass');
  const password = 'correct horse battery staple';
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  execFileSync('restic', ['init', '--repo', repository, '--password-file', passwordFile], { stdio: 'ignore', timeout: 60_000 });
  // A restic that first says it started, then takes its time: what a run over a slow disk is like.
  const marker = path.join(workDir, 'started');
  const slowRestic = path.join(workDir, 'slow-restic');
  writeFileSync(slowRestic, `#!/bin/sh\ntouch '${marker}'\nsleep 60\nexec restic "$@"\n`);
  chmodSync(slowRestic, 0o755);
  const set = (source: string) => ({ engine: 'restic', paths: [source], repository, password: { file: passwordFile } });
  return {
    engine: new ResticEngine(),
    workDir,
    set,
    busy: (source) => ({ set: { ...set(source), program: slowRestic }, started: { file: marker } }),
    secrets: [password],
    repository,
    close: async () => rmSync(workDir, { recursive: true, force: true }),
  };
}, {
  // Found by this suite: restic ends `failed` but names no stopper, so the vault-unreachable fault
  // is not raised (src/backup/engines/restic is being reshaped in issue #14 item 1; fix it there).
  'vault-not-found': 'restic names no ERR_VAULT_NOT_FOUND stopper when its repository is gone',
});

engineConformance('command', async () => {
  const workDir = scratch();
  const marker = path.join(workDir, 'started');
  return {
    engine: new CommandEngine(),
    workDir,
    set: (source) => ({ engine: 'command', command: ['tar', '-cf', path.join(workDir, 'backup.tar'), '-C', source, '.'] }),
    busy: () => ({ set: { engine: 'command', command: `touch '${marker}'; sleep 60`, shell: true }, started: { file: marker } }),
    close: async () => rmSync(workDir, { recursive: true, force: true }),
  };
});
