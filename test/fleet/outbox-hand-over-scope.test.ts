import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { OutboxHandOver } from '../../src/app/outbox-hand-over.js';
import type { Logger } from '../../src/domain/logger.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';

const MIN = 60_000;
const fingerprints = { office: 'f-office' };

// Which hosts' messages a host takes over, read from the real hosts table with the states
// `vigil hosts` shows: silent hosts, and hosts stopped for silentAfter; never a live one, itself,
// or one stopped a moment ago (a restart delivers its own).
test('a host takes over the messages of silent hosts and of hosts stopped past their grace, and knows when to look again', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-hand-over-'));
  const store = openSqliteStore(dir);
  const lines: string[] = [];
  const log: Logger = { debug() {}, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  try {
    const register = (name: string, at: number) => store.hosts.register({ name, version: '1', startedAt: at, sets: [] }, at);
    for (const name of ['web02', 'died', 'stopped-long', 'stopped-now', 'live']) await register(name, 0);
    await store.hosts.markStopped('stopped-long', 5 * MIN);
    await store.hosts.markStopped('stopped-now', 19 * MIN);
    await store.hosts.heartbeat('live', 19 * MIN);
    const handOver = new OutboxHandOver({ hosts: store.hosts, self: 'web02', silentAfterMs: 10 * MIN, fingerprints, log });

    const look = await handOver.look(20 * MIN);
    assert.deepEqual(look.scope, { host: 'web02', handOver: { hosts: ['died', 'stopped-long'], fingerprints } });
    assert.equal(look.recheckAt, 29 * MIN, 'stopped-now and live could be gone from 29 min: look again then');
    assert.equal(lines.filter((l) => /host died is gone/.test(l)).length, 1);
    await handOver.look(20 * MIN + 1);
    assert.equal(lines.filter((l) => /host died is gone/.test(l)).length, 1, 'said once, not at every pass');

    // Back again: its messages are its own once more.
    await register('died', 21 * MIN);
    assert.deepEqual((await handOver.look(21 * MIN)).scope.handOver?.hosts, ['stopped-long']);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with no host gone, a host claims its own messages only', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-hand-over-'));
  const store = openSqliteStore(dir);
  try {
    await store.hosts.register({ name: 'web02', version: '1', startedAt: 0, sets: [] }, 0);
    const look = await new OutboxHandOver({ hosts: store.hosts, self: 'web02', silentAfterMs: 10 * MIN, fingerprints, log: { debug() {}, info() {}, warn() {}, error() {} } }).look(60 * MIN);
    assert.deepEqual(look, { scope: { host: 'web02' } }, 'itself silent in the table is not a reason to take anything');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
