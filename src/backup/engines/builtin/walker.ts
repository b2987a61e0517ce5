import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { EngineLogEntry } from '../../engine.js';

export interface WalkItem {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  stats: BigIntStats;
  target?: string;
}

/**
 * Exclude patterns, restic-style: a pattern with a "/" matches the absolute path, one without
 * matches the name at any depth ("*.tmp", "node_modules"). An excluded directory is not entered.
 */
export function excludeMatcher(patterns: readonly string[]): (absolutePath: string) => boolean {
  if (patterns.length === 0) return () => false;
  const byPath = patterns.filter((p) => p.includes('/'));
  const byName = patterns.filter((p) => !p.includes('/'));
  const matchPath = byPath.length ? picomatch(byPath, { dot: true }) : () => false;
  const matchName = byName.length ? picomatch(byName, { dot: true }) : () => false;
  return (absolutePath) => matchPath(absolutePath) || matchName(path.basename(absolutePath));
}

/**
 * Depth-first walk of `roots` (absolute, already checked to exist), each directory before its
 * contents, names in code-unit order. Unreadable directories and entries that vanish between
 * listing and lstat are reported as errors; special files (sockets, FIFOs, devices) as warnings.
 * Uses synchronous lstat (fast) and yields to the event loop every few hundred entries so worker
 * results keep flowing.
 */
export async function* walk(
  roots: readonly string[],
  excluded: (absolutePath: string) => boolean,
  report: (entry: EngineLogEntry) => void,
  signal: AbortSignal,
): AsyncGenerator<WalkItem> {
  let sinceYield = 0;
  const visit = function* (target: string): Generator<WalkItem> {
    let stats: BigIntStats;
    try {
      stats = lstatSync(target, { bigint: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      const what = code === 'ENOENT' ? 'vanished during the backup' : `cannot be read (${code})`;
      report({ severity: 'error', path: target, message: `${target}: ${what}` });
      return;
    }
    if (stats.isSymbolicLink()) {
      try {
        yield { path: target, type: 'symlink', stats, target: readlinkSync(target) };
      } catch (error) {
        report({ severity: 'error', path: target, message: `${target}: symlink cannot be read (${(error as NodeJS.ErrnoException).code ?? 'EIO'})` });
      }
      return;
    }
    if (stats.isFile()) {
      yield { path: target, type: 'file', stats };
      return;
    }
    if (!stats.isDirectory()) {
      report({ severity: 'warning', path: target, message: `${target}: skipped (not a regular file, directory or symlink)` });
      return;
    }
    yield { path: target, type: 'dir', stats };
    let names: string[];
    try {
      names = readdirSync(target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      report({ severity: 'error', path: target, message: `${target}: directory cannot be read (${code}); its contents are not in this snapshot` });
      return;
    }
    names.sort();
    for (const name of names) {
      const child = path.join(target, name);
      if (excluded(child)) continue;
      yield* visit(child);
    }
  };
  for (const root of roots) {
    for (const item of visit(root)) {
      if (signal.aborted) return;
      yield item;
      if (++sinceYield >= 256) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }
}
