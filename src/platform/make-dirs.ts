import { mkdirSync, statSync } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * `mkdir -p` that always ends. Node's own `mkdir(dir, { recursive: true })` (sync and async,
 * Node 18–22) spins at 100 % CPU forever when a parent exists but refuses the child with ENOENT:
 * a path under /proc or /sys, or a symbolic link to an unmounted disk. The walk steps back on
 * ENOENT and forward on EEXIST without end, and the async form also pins a libuv thread, so a
 * few of them stall every file operation of the process. A vault on an unmounted disk is exactly
 * what a backup tool meets, so Vigil creates directories one level at a time instead: find the
 * deepest existing ancestor, then create each missing level once. Any error is final.
 */
export async function makeDirs(dir: string, mode?: number): Promise<void> {
  const missing = await missingLevels(path.resolve(dir));
  for (const level of missing) {
    try {
      await fsp.mkdir(level, mode === undefined ? undefined : { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw explain(error, level);
      // Created by someone else meanwhile — or a name that exists but is not a directory.
      await assertDirectory(level);
    }
  }
}

/** The synchronous twin, for start-up paths (the database, `vigil init`). */
export function makeDirsSync(dir: string, mode?: number): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    if (existingDirectorySync(current)) break;
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const level of missing) {
    try {
      mkdirSync(level, mode === undefined ? undefined : { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw explain(error, level);
      if (!existingDirectorySync(level)) throwDangling(level);
    }
  }
}

async function missingLevels(absolute: string): Promise<string[]> {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    const stat = await fsp.stat(current).then(
      (s) => s,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw explain(error, current);
      },
    );
    if (stat) {
      if (!stat.isDirectory()) throw notADirectory(current);
      return missing;
    }
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) return missing;
    current = parent;
  }
}

async function assertDirectory(level: string): Promise<void> {
  const stat = await fsp.stat(level).catch(() => undefined);
  if (!stat) throwDangling(level);
  if (!stat.isDirectory()) throw notADirectory(level);
}

/** true for an existing directory, false when nothing is there; throws for anything else. */
function existingDirectorySync(level: string): boolean {
  const stat = statSync(level, { throwIfNoEntry: false });
  if (!stat) return false;
  if (!stat.isDirectory()) throw notADirectory(level);
  return true;
}

function throwDangling(level: string): never {
  throw Object.assign(new Error(`cannot create directory ${level}: it is a symbolic link to something that does not exist (an unmounted disk?)`), { code: 'ENOENT', path: level });
}

function notADirectory(level: string): Error {
  return Object.assign(new Error(`cannot create directory ${level}: a file of that name exists and is not a directory`), { code: 'ENOTDIR', path: level });
}

/** Keeps the errno code (callers classify on it) and names the level that refused. */
function explain(error: unknown, level: string): Error {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return Object.assign(new Error(`cannot create directory ${level}: its parent does not accept new directories (a path under /proc or /sys?)`), { code: 'ENOENT', path: level });
  return e;
}
