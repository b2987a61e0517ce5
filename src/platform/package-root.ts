import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'vigil-backup';

let cached: string | null | undefined;

/**
 * The directory of this installation (where package.json, templates/ and vigil.schema.json are):
 * two levels up from src/platform when run from source, three from dist/src/platform when
 * installed. Undefined when neither holds our package.json (a copied-out build). Read once.
 */
export function packageRoot(): string | undefined {
  if (cached !== undefined) return cached ?? undefined;
  const here = path.dirname(fileURLToPath(import.meta.url));
  cached = null;
  for (const candidate of [path.resolve(here, '../..'), path.resolve(here, '../../..')]) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(candidate, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === PACKAGE_NAME) {
        cached = candidate;
        break;
      }
    } catch {
      // not this candidate: try the next
    }
  }
  return cached ?? undefined;
}

/** A file shipped in the package (see package.json "files"), or undefined when it is missing. */
export function packageFile(name: string): string | undefined {
  const root = packageRoot();
  const file = root && path.join(root, name);
  return file && existsSync(file) ? file : undefined;
}
