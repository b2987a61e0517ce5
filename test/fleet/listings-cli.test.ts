import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import type { NewMessage } from '../../src/storage/ports/outbox-store.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

const message = (id: string, host: string): NewMessage => ({
  id,
  messageId: `<${id}@test.example>`,
  kind: 'backup.failed',
  severity: 'error',
  priority: 1,
  profile: 'office',
  dedupeKey: null,
  envelope: { from: 'vigil@example.com', to: ['ops@example.com'] },
  subject: `failed on ${host}`,
  raw: Buffer.from('Subject: x\r\n\r\nx\r\n'),
  createdAt: Date.now(),
  host,
});

const ended = (at: number) => ({ status: 'missed' as const, endedAt: at, counters: { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 }, log: [{ severity: 'error' as const, message: 'missed', path: null }], logDropped: 0 });

test('vigil activity and outbox list: no HOST column for one host; with two, a HOST column, and --host narrows', async () => {
  const ws = new Workspace(smtpConfig({ servers: [{ port: 25 }] }));
  try {
    const now = Date.now();
    const store = openSqliteStore(ws.dataDir);
    await store.activity.record({ kind: 'backup', set: 'docs', engine: 'command', trigger: 'schedule', startedAt: now - 2_000, host: 'fs01' }, ended(now - 2_000));
    await store.outbox.enqueue([message('m1', 'fs01')]);
    await store.hosts.register({ name: 'fs01', version: '1', startedAt: now, sets: [] }, now);

    const single = await ws.vigil(['activity']);
    assert.equal(single.code, 0, single.stderr);
    assert.match(single.stdout, /^ID\s+STARTED/, 'one host: the listing is as it was');
    assert.match((await ws.vigil(['outbox', 'list'])).stdout, /^ID\s+STATE/);

    await store.activity.record({ kind: 'backup', set: 'mail', engine: 'command', trigger: 'schedule', startedAt: now - 1_000, host: 'web02' }, ended(now - 1_000));
    await store.outbox.enqueue([message('m2', 'web02')]);
    await store.close();

    const both = await ws.vigil(['activity']);
    assert.equal(both.code, 0, both.stderr);
    const rows = both.stdout.trimEnd().split('\n');
    assert.match(rows[0]!, /^HOST\s+ID\s+STARTED/);
    assert.match(rows[1]!, /^web02\s+\d+\s+.*mail/);
    assert.match(rows[2]!, /^fs01\s+\d+\s+.*docs/);
    const narrowed = await ws.vigil(['activity', '--host', 'web02']);
    assert.equal(narrowed.code, 0, narrowed.stderr);
    assert.equal(narrowed.stdout.trimEnd().split('\n').length, 2);
    assert.match(narrowed.stdout, /mail/);
    assert.doesNotMatch(narrowed.stdout, /docs/);
    const json = JSON.parse((await ws.vigil(['activity', '--json'])).stdout) as Array<{ host: string }>;
    assert.deepEqual(json.map((a) => a.host), ['web02', 'fs01']);

    const outbox = await ws.vigil(['outbox', 'list']);
    assert.match(outbox.stdout, /^HOST\s+ID\s+STATE/);
    assert.match(outbox.stdout, /\nweb02\s+m2\s+queued/);
    const onlyFs01 = await ws.vigil(['outbox', 'list', '--host', 'fs01']);
    assert.match(onlyFs01.stdout, /m1/);
    assert.doesNotMatch(onlyFs01.stdout, /m2/);
    assert.deepEqual((JSON.parse((await ws.vigil(['outbox', 'list', '--host', 'web02', '--json'])).stdout) as Array<{ id: string; host: string }>).map((m) => [m.id, m.host]), [['m2', 'web02']]);
  } finally {
    ws.cleanup();
  }
});
