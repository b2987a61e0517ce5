import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** The absolute path of `program` on PATH (or itself if it names a file), or undefined. */
export function findOnPath(program: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates = program.includes('/') ? [program] : (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').filter(Boolean).map((dir) => path.join(dir, program));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
