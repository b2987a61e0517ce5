import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version of this installation, read from its own package.json: two levels up from
 * src/cli when run from source, three from dist/src/cli when installed. Read once, on demand,
 * so no command pays for it at start-up.
 */
export function packageVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.resolve(here, '../../package.json'), path.resolve(here, '../../../package.json')]) {
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'vigil-backup' && pkg.version) return pkg.version;
    } catch {
      // not this candidate: try the next
    }
  }
  return 'unknown';
}
