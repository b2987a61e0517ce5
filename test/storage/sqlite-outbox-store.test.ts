import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';

// The outbox's conformance suite runs with every other port's in test/conformance/sqlite-store.test.ts.

test('sqlite: a committed enqueue survives reopening the file (another process, after a crash)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-store-'));
  const first = openSqliteStore(dir);
  await first.outbox.enqueue([
    { id: 'keep', messageId: '<keep@x>', kind: 't', severity: 'info', priority: 5, profile: 'p', dedupeKey: null, envelope: { from: 'a@x.example', to: ['b@x.example'] }, subject: 's', raw: Buffer.from('x'), createdAt: 1 },
  ]);
  // No close(): the handle is simply abandoned, as a killed process would.
  const second = openSqliteStore(dir);
  assert.equal((await second.outbox.get('keep'))?.state, 'queued');
  await second.close();
  await first.close();
  rmSync(dir, { recursive: true, force: true });
});
