import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backupSet } from '../../src/config/schema/sets.js';
import type { BackupEngine, EngineProgress, EngineRunResult } from '../../src/backup/engine.js';

/** A scratch directory with helpers to write executable scripts. */
export class Scratch {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'vigil-backup-'));

  script(name: string, body: string): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  file(name: string, content: string | Buffer): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, content);
    return file;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Validates a set as vigil.yaml would (defaults applied) and runs it with `engine`. */
export async function runSet(
  engine: BackupEngine,
  raw: Record<string, unknown>,
  options: { signal?: AbortSignal; dataDir: string; progress?: EngineProgress[] },
): Promise<EngineRunResult> {
  const config = backupSet.parse(raw);
  return engine.run({
    name: 'test',
    config,
    dataDir: options.dataDir,
    signal: options.signal ?? new AbortController().signal,
    onProgress: (p) => options.progress?.push(p),
  });
}
