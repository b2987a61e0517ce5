import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './workspace.js';

/** A real `vigil start` process with what it printed so far. */
export interface VigilService {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Why a test failed, with the service's last lines (routine "completed" lines left out: a drill
 * runs hundreds of backups), since what the service said is what tells why.
 */
export function withServiceOutput(error: unknown, service: VigilService, lines = 60): Error {
  const said = service
    .output()
    .split('\n')
    .filter((l) => !/: completed \(activity/.test(l))
    .slice(-lines)
    .join('\n');
  return new Error(`${(error as Error).message}\n--- the service:\n${said}`);
}

/** Starts `vigil start --config FILE` from the sources, collecting its stdout and stderr. The caller stops it (by PID). */
export function startVigilService(configFile: string): VigilService {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--config', configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, exited: new Promise((resolve) => child.on('close', resolve)) };
}
