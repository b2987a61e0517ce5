import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.js';

/** The version of this installation, read from its own package.json on demand. */
export function packageVersion(): string {
  const root = packageRoot();
  if (!root) return 'unknown';
  try {
    return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
