import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { REPO_ROOT } from '../helpers/workspace.js';

test('every error code is documented in docs/errors.md, and every documented code exists', () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs/errors.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\|\s*`?(ERR_[A-Z0-9_]+)`?\s*\|/gm)].map((m) => m[1]));
  const registered = new Set(Object.keys(ERROR_CODES));
  assert.deepEqual([...registered].filter((c) => !documented.has(c)), [], 'codes missing from docs/errors.md');
  assert.deepEqual([...documented].filter((c) => !registered.has(c!)), [], 'documented codes not in the registry');
});
