import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

// Issue 18 §25: the CLI shows times in admin.timezone, in the format of the alerts.
test('vigil activity and activity show: times in admin.timezone, as the alerts write them', async () => {
  const ws = new Workspace(smtpConfig({ servers: [{ port: 25 }], extra: 'admin:\n  timezone: Europe/Berlin\nsets:\n  db:\n    engine: command\n    command: [/bin/false]\n' }));
  try {
    const store = openSqliteStore(ws.dataDir);
    const started = Date.parse('2026-11-20T10:00:00Z');
    const counters = { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 };
    const a = await store.activity.record({ kind: 'backup', set: 'db', engine: 'command', trigger: 'schedule', startedAt: started, scheduledFor: started }, { status: 'failed', endedAt: started + 60_000, counters, log: [], logDropped: 0 });
    await store.close();
    const list = await ws.vigil(['activity']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${a.id} +2026-11-20 11:00 UTC\\+1 +backup +db +failed`, 'm'), list.stdout);
    const show = await ws.vigil(['activity', 'show', String(a.id)]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^trigger +schedule \(due 2026-11-20 11:00 UTC\+1\)$/m, show.stdout);
    assert.match(show.stdout, /^started +2026-11-20 11:00 UTC\+1$/m);
    assert.match(show.stdout, /^ended +2026-11-20 11:01 UTC\+1$/m);
  } finally {
    ws.cleanup();
  }
});
