import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { promises as fsp, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuiltinEngine, builtinSet, type BuiltinSetConfig } from '../../src/backup/engines/builtin/index.js';
import type { EngineRunResult, EngineSetContext } from '../../src/backup/engine.js';
import { unprivilegedCopy } from '../helpers/unprivileged-copy.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const REPO = path.resolve(FIXTURES, '../../..');

export async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'vigil-builtin-'));
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  return dir;
}

export function setContext(dir: string, src: string | string[], extra: Record<string, unknown> = {}): EngineSetContext<BuiltinSetConfig> {
  // `vaultTarget` is not a key of vigil.yaml: the configuration attaches the `vaults:` entry a set names.
  const { vaultTarget, ...keys } = extra;
  const config = builtinSet.parse({ engine: 'builtin', paths: Array.isArray(src) ? src : [src], exclude: [], ...keys });
  return { name: 'docs', dataDir: dir, config: vaultTarget === undefined ? config : Object.assign(config, { vaultTarget }) };
}

export async function runBackup(context: EngineSetContext<BuiltinSetConfig>, signal = new AbortController().signal): Promise<EngineRunResult> {
  return new BuiltinEngine().run({ ...context, signal, onProgress: () => undefined });
}

/** Pseudo-text: compressible, but not trivially so. */
export function textBytes(size: number): Buffer {
  const words = ['vault', 'notify', 'backup', 'päckchen', 'ошибка', 'daily', 'weekly', 'snapshot'];
  let s = '';
  while (s.length < size) s += `${words[Math.floor(Math.random() * words.length)]} ${Math.floor(Math.random() * 1e6)}\n`;
  return Buffer.from(s).subarray(0, size);
}

export function randomData(size: number): Buffer {
  return randomBytes(size);
}

export interface TreeRecord {
  type: string;
  mode: number;
  mtimeMs: number;
  size: number;
  content?: string;
  target?: string;
}

/** Everything a restore must reproduce, keyed by path relative to `root`. */
export function describeTree(root: string): Map<string, TreeRecord> {
  const out = new Map<string, TreeRecord>();
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const st = lstatSync(full);
      const record: TreeRecord = { type: st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : 'file', mode: st.mode, mtimeMs: Math.floor(st.mtimeMs), size: st.isDirectory() ? 0 : st.size };
      if (st.isSymbolicLink()) record.target = readlinkSync(full);
      else if (st.isFile()) record.content = readFileSync(full).toString('base64');
      out.set(path.relative(root, full), record);
      if (st.isDirectory()) visit(full);
    }
  };
  visit(root);
  return out;
}

/** All bytes of every file under `dir`, for "no plaintext" checks. */
export function allBytes(dir: string): Buffer {
  const parts: Buffer[] = [];
  const visit = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) parts.push(Buffer.from(entry.name), readFileSync(full));
    }
  };
  visit(dir);
  return Buffer.concat(parts);
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs test/builtin/fixtures/<script> in a real child process (`node --import tsx`), optionally as
 * another user, optionally SIGKILLed after `killAfterMs`.
 */
export async function runFixture(script: string, args: string[], options: { uid?: number; gid?: number; killAfterMs?: number } = {}): Promise<ChildRun> {
  if (options.uid === undefined) return spawnFixture([process.execPath, '--import', 'tsx', path.join(FIXTURES, script), ...args], REPO, options);
  // Another user may not be able to read the checkout (a clone under a private directory): it
  // runs a transpiled copy in a world-readable temporary directory instead.
  const copy = unprivilegedCopy(path.join(FIXTURES, script));
  try {
    return await spawnFixture([process.execPath, copy.entry, ...args], copy.dir, options);
  } finally {
    copy.cleanup();
  }
}

function spawnFixture(argv: string[], cwd: string, options: { uid?: number; gid?: number; killAfterMs?: number }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
      env: { ...process.env, ...(options.uid !== undefined ? { HOME: os.tmpdir() } : {}) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    // Without killAfterMs, a deadline all the same: a hung child must fail the test, not hang it.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Every pack file of a vault (data/<xx>/<sha256>), sorted. */
export async function packFiles(vault: string): Promise<string[]> {
  const out: string[] = [];
  for (const shard of await fsp.readdir(path.join(vault, 'data')).catch(() => [] as string[])) {
    for (const name of await fsp.readdir(path.join(vault, 'data', shard))) out.push(path.join(vault, 'data', shard, name));
  }
  return out.sort();
}

/** Flips the lowest bit of the byte at `offset` of a file, in place (a disk's silent error). */
export async function flipByte(file: string, offset: number): Promise<void> {
  const handle = await fsp.open(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, offset);
    byte[0] = byte[0]! ^ 0x01;
    await handle.write(byte, 0, 1, offset);
  } finally {
    await handle.close();
  }
}
