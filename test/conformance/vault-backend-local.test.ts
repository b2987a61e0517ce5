import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalBackend } from '../../src/backup/engines/builtin/backend/local-backend.js';
import { vaultBackendSuite } from './vault-backend.suite.js';

vaultBackendSuite('local directory', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-backend-'));
  const root = path.join(dir, 'vault');
  return {
    backend: new LocalBackend(root),
    other: async () => new LocalBackend(root),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
