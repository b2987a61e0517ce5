import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { VigilError } from '../../domain/errors.js';
import { makeDirsSync } from '../make-dirs.js';
import type { ServiceAction } from './plan.js';

/** What became of one action: the line `vigil service install` prints for it. */
export interface ActionReport {
  action: ServiceAction;
  status: 'would' | 'done' | 'kept' | 'skipped';
  line: string;
}

// useradd and systemctl are quick; one that hangs (a locked passwd file, a stuck D-Bus) must not
// hold the installer for ever.
const PROGRAM_DEADLINE_MS = 30_000;

/**
 * Carries out the plan under `root`. Under a --root other than `/`, nothing outside the tree is
 * touched: the account is not created, owners are not set (the account may not exist) and
 * systemctl is not run — each is reported `skipped` with the command a real install runs.
 * Modes are always set exactly (chmod after create, whatever the umask).
 */
export function applyPlan(actions: readonly ServiceAction[], options: { root: string; dryRun: boolean }): ActionReport[] {
  const sandboxed = path.resolve(options.root) !== '/';
  const reports: ActionReport[] = [];
  for (const action of actions) {
    const line = describe(action);
    if (action.kind === 'keep') {
      reports.push({ action, status: 'kept', line });
      continue;
    }
    if (options.dryRun) {
      reports.push({ action, status: 'would', line });
      continue;
    }
    const outside = action.kind === 'user' || action.kind === 'run';
    if (outside && sandboxed) {
      reports.push({ action, status: 'skipped', line: `${line} (not run under --root)` });
      continue;
    }
    const at = (p: string) => path.join(options.root, p);
    switch (action.kind) {
      case 'user':
        runProgram(action.argv);
        break;
      case 'run':
        runProgram(action.argv);
        break;
      case 'mkdir':
        makeDirsSync(path.dirname(at(action.path)));
        mkdirSync(at(action.path), { mode: action.mode });
        chmodSync(at(action.path), action.mode);
        break;
      case 'write':
        makeDirsSync(path.dirname(at(action.path)));
        writeFileSync(at(action.path), action.content, { mode: action.mode });
        chmodSync(at(action.path), action.mode);
        break;
      case 'remove':
        rmSync(at(action.path), { force: true });
        break;
    }
    if ((action.kind === 'mkdir' || action.kind === 'write') && !sandboxed) {
      chownSync(at(action.path), idOf('passwd', action.owner), idOf('group', action.group));
    }
    reports.push({ action, status: 'done', line: (action.kind === 'mkdir' || action.kind === 'write') && sandboxed ? `${line}, owner not set under --root` : line });
  }
  return reports;
}

export function describe(action: ServiceAction): string {
  const mode = (m: number) => `0${m.toString(8)}`;
  switch (action.kind) {
    case 'user':
      return `create system user ${action.name}: ${action.argv.join(' ')}`;
    case 'mkdir':
      return `create directory ${action.path} (${mode(action.mode)} ${action.owner}:${action.group})`;
    case 'write':
      return `write ${action.path} (${mode(action.mode)} ${action.owner}:${action.group})`;
    case 'keep':
      return `${action.path}: ${action.why}`;
    case 'remove':
      return `remove ${action.path}`;
    case 'run':
      return `run ${action.argv.join(' ')} (${action.why})`;
  }
}

function runProgram(argv: readonly string[]): void {
  const [program, ...args] = argv as [string, ...string[]];
  const result = spawnSync(program, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: PROGRAM_DEADLINE_MS, killSignal: 'SIGKILL', encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : result.signal ? `killed by ${result.signal} after ${PROGRAM_DEADLINE_MS / 1000} s` : `exit status ${result.status}: ${result.stderr.trim()}`;
    throw new VigilError('ERR_SERVICE_INSTALL', `\`${argv.join(' ')}\` failed: ${why}`, { hint: 'Fix the cause and run the command again: every step is skipped when already done.' });
  }
}

/** uid or gid of a name in /etc/passwd or /etc/group (just created by useradd, so it is there). */
function idOf(database: 'passwd' | 'group', name: string): number {
  const file = `/etc/${database}`;
  const entry = existsSync(file) ? readFileSync(file, 'utf8').split('\n').find((line) => line.split(':')[0] === name) : undefined;
  const id = entry?.split(':')[2];
  if (id === undefined || !/^\d+$/.test(id)) throw new VigilError('ERR_SERVICE_INSTALL', `no ${database === 'passwd' ? 'user' : 'group'} "${name}" in ${file}`, { hint: `Create it (useradd --system --user-group ${name}) or choose another with --user.` });
  return Number(id);
}
