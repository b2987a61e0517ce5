import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

const MIN = 60_000;
const SETS = [{ name: 'docs', schedule: '0 2 * * *' }, { name: 'adhoc', schedule: null }];

test('vigil hosts lists each host with its state, version, last seen and sets, and the leader; --json too', async () => {
  const ws = new Workspace(smtpConfig({ servers: [{ port: 25 }], extra: 'fleet:\n  silentAfter: 10m\n' }));
  try {
    const empty = await ws.vigil(['hosts']);
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /no hosts yet/);

    const now = Date.now();
    const store = openSqliteStore(ws.dataDir);
    await store.hosts.register({ name: 'fs01', version: '1.4.0', startedAt: now - 60 * MIN, sets: SETS }, now - 5_000);
    await store.hosts.register({ name: 'web02', version: '1.3.9', startedAt: now - 90 * MIN, sets: [] }, now - 30 * MIN);
    await store.hosts.register({ name: 'db03', version: '1.4.0', startedAt: now - 90 * MIN, sets: [] }, now - 20 * MIN);
    await store.hosts.markStopped('db03', now - 20 * MIN);
    await store.leases.acquire('leader', 'fs01:4242', now, 60_000);
    await store.close();

    const listed = await ws.vigil(['hosts']);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^HOST\s+STATE\s+VERSION\s+LAST SEEN\s+SETS$/);
    assert.match(lines[1]!, /^db03\s+stopped since \d{4}-\d\d-\d\d \d\d:\d\d .*1\.4\.0\s+.*-$/);
    assert.match(lines[2]!, /^fs01 \(leader\)\s+ok\s+1\.4\.0\s+.*docs, adhoc$/);
    assert.match(lines[3]!, /^web02\s+silent since \d{4}-\d\d-\d\d \d\d:\d\d.*1\.3\.9/);

    const json = await ws.vigil(['hosts', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as Array<{ name: string; state: string; since: number | null; leader: boolean; sets: unknown[]; lastSeen: number }>;
    assert.deepEqual(rows.map((r) => [r.name, r.state, r.leader]), [['db03', 'stopped', false], ['fs01', 'ok', true], ['web02', 'silent', false]]);
    assert.equal(rows[2]!.since, now - 30 * MIN);
    assert.deepEqual(rows[1]!.sets, SETS);

    const forgot = await ws.vigil(['hosts', 'forget', 'web02']);
    assert.equal(forgot.code, 0, forgot.stderr);
    const again = await ws.vigil(['hosts', 'forget', 'web02']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no host named web02/);
    assert.deepEqual((JSON.parse((await ws.vigil(['hosts', '--json'])).stdout) as Array<{ name: string }>).map((r) => r.name), ['db03', 'fs01']);
  } finally {
    ws.cleanup();
  }
});
