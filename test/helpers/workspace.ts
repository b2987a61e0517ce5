import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A temporary directory holding a vigil.yaml and its dataDir; removed by `cleanup`. */
export class Workspace {
  readonly dir: string;
  readonly configFile: string;

  constructor(yaml?: string) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'vigil-test-'));
    this.configFile = path.join(this.dir, 'vigil.yaml');
    if (yaml !== undefined) this.write(yaml);
  }

  write(yaml: string): void {
    writeFileSync(this.configFile, yaml);
  }

  get dataDir(): string {
    return path.join(this.dir, 'var');
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs the CLI as a real subprocess; resolves with its exit code and output. */
  vigil(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
    return runVigil([...args, '--config', this.configFile], options);
  }
}

/** The non-empty lines of `file`, 0 while it does not exist: how many runs a test set's command has appended to its runs file. */
export function countLines(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

/**
 * A set of vigil.yaml's `sets:` (the command engine) that runs every 2 s: each run appends a line
 * to `runs` (countLines counts them) and fails while `failFlag` exists.
 */
export function countedSetYaml(name: string, runs: string, failFlag: string): string {
  return `  ${name}:\n    engine: command\n    command: [/bin/sh, -c, "echo run >> ${runs}; test ! -e ${failFlag}"]\n    schedule: "*/2 * * * * *"\n`;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runVigil(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
