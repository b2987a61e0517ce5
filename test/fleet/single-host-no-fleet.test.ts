import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { Workspace } from '../helpers/workspace.js';
import { startVigilService } from '../helpers/vigil-service.js';

// A host without `database:` (SQLite, one host) is not a fleet: its service takes the store's
// lease as any service does (it runs the duties for its own data directory), but it does not
// tell its log that it leads a fleet.

test('a single host on SQLite does not log fleet leadership', { timeout: 120_000 }, async () => {
  // Nothing listens on port 9: no message is sent in this test anyway.
  const ws = new Workspace(smtpConfig({ servers: [{ port: 9 }] }).replace('hostname: vigil-test.example.com', 'hostname: fs01'));
  const service = startVigilService(ws.configFile);
  const store = openSqliteStore(ws.dataDir);
  try {
    await waitFor(() => service.output().includes('vigil started'), { timeoutMs: 60_000, what: 'the service to start' });
    // The lease taken and renewed once: the service has looked at least twice.
    let first: number | undefined;
    await waitFor(
      async () => {
        const holder = await store.leases.holder('leader', Date.now());
        if (!holder || !holder.owner.startsWith('fs01:')) return false;
        first ??= holder.expiresAt;
        return holder.expiresAt > first;
      },
      { timeoutMs: 60_000, what: 'a renewal of the lease' },
    );
    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0, service.output());
    assert.doesNotMatch(service.output(), /leading the fleet|fleet's leader/, service.output());
  } finally {
    if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    await store.close();
    ws.cleanup();
  }
});
