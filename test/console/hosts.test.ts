import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { consoleFixture, login, READ_TOKEN, type ConsoleFixture } from './fixture.js';
import { LEADER_LEASE } from '../../src/storage/ports/leader-lease.js';

// The fleet in the console: two hosts registered through the real HostStore (SQLite), one of
// them last seen an hour ago (fleet.silentAfter is 10 minutes by default), the other leading.
let f: ConsoleFixture;
const HOUR = 3_600_000;
before(async () => {
  f = await consoleFixture();
  const now = Date.now();
  await f.app.store.hosts.register({ name: 'alpha.example.com', version: '1.4.0', startedAt: now - HOUR, sets: [{ name: 'nightly', schedule: '0 2 * * *' }, { name: 'docs', schedule: null }], anomalies: 'off' }, now);
  await f.app.store.hosts.register({ name: 'beta.example.com', version: '1.3.2', startedAt: now - 3 * HOUR, sets: [{ name: 'offsite', schedule: '0 3 * * *' }] }, now - HOUR);
  assert.ok(await f.app.store.leases.acquire(LEADER_LEASE, 'alpha.example.com:4242', now, 60_000));
});
after(async () => {
  await f?.close();
});

const bearer = { authorization: `Bearer ${READ_TOKEN}` };

test('GET /api/v1/hosts: the fields of vigil hosts --json, the silent host first, the leader marked; 401 without a token', async () => {
  assert.equal((await fetch(`${f.server.url}/api/v1/hosts`)).status, 401);
  const res = await fetch(`${f.server.url}/api/v1/hosts`, { headers: bearer });
  assert.equal(res.status, 200);
  const { hosts } = (await res.json()) as { hosts: Record<string, unknown>[] };
  assert.deepEqual(
    hosts.map((h) => [h.name, h.state, h.leader, h.version]),
    [
      ['beta.example.com', 'silent', false, '1.3.2'],
      ['alpha.example.com', 'ok', true, '1.4.0'],
    ],
  );
  const beta = hosts[0]!;
  assert.equal(beta.since, beta.lastSeen);
  assert.deepEqual(Object.keys(beta).sort(), ['lastSeen', 'leader', 'name', 'sets', 'silentAlerted', 'since', 'startedAt', 'state', 'stoppedAt', 'version']);
  assert.equal(hosts[1]!.since, null);
  // As `vigil hosts --json` and docs/api.md: the rules a host published (migration 46); absent when none.
  assert.equal(hosts[1]!.anomalies, 'off');
  assert.deepEqual((hosts[1]!.sets as { name: string }[]).map((s) => s.name), ['nightly', 'docs']);
  const doc = (await (await fetch(`${f.server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
  assert.ok(doc.paths['/api/v1/hosts'], 'the OpenAPI document names /api/v1/hosts');
});

test('the overview lists both hosts, the silent one first in the alert colour; the Hosts page the same', async () => {
  const { cookie } = await login(f.server.url);
  for (const path of ['/', '/hosts']) {
    const page = await (await fetch(`${f.server.url}${path}`, { headers: { cookie } })).text();
    const beta = page.indexOf('beta.example.com');
    const alpha = page.indexOf('alpha.example.com');
    assert.ok(beta > 0 && alpha > beta, `${path}: the silent host comes first`);
    assert.match(page, /<td class="t-bad">silent since <time/, `${path}: silent in the alert colour`);
    assert.match(page, /alpha\.example\.com<span class="muted"> \(leader\)<\/span>/, `${path}: the leader marked`);
  }
  // A read token may read the Hosts page too (and nothing there takes an action).
  assert.equal((await fetch(`${f.server.url}/hosts`, { headers: bearer })).status, 200);
});

test('/metrics: hosts by state and each host’s last seen', async () => {
  const metrics = await (await fetch(`${f.server.url}/metrics`, { headers: bearer })).text();
  assert.match(metrics, /^vigil_hosts\{state="ok"\} 1$/m);
  assert.match(metrics, /^vigil_hosts\{state="silent"\} 1$/m);
  assert.match(metrics, /^vigil_hosts\{state="stopped"\} 0$/m);
  const beta = (await f.app.store.hosts.get('beta.example.com'))!;
  assert.match(metrics, new RegExp(`^vigil_host_last_seen_timestamp_seconds\\{host="beta\\.example\\.com"\\} ${beta.lastSeen / 1000}$`, 'm'));
  assert.match(metrics, /^vigil_host_last_seen_timestamp_seconds\{host="alpha\.example\.com"\} \d/m);
});

test('no host page, API body or metrics text contains a configured secret', async () => {
  const { cookie } = await login(f.server.url);
  for (const path of ['/', '/hosts', '/api/v1/hosts', '/metrics']) {
    const body = await (await fetch(`${f.server.url}${path}`, { headers: { cookie } })).text();
    for (const secret of f.secrets) assert.ok(!body.includes(secret), `${path} contains a secret`);
  }
});

test('Activity and Outbox: a Host column once two hosts share the store, and ?host= keeps one host’s rows (pages and API)', async () => {
  const now = Date.now();
  const id = await f.app.store.activity.start({ kind: 'backup', set: 'offsite', engine: 'restic', trigger: 'schedule', startedAt: now, host: 'beta.example.com' });
  await f.app.store.activity.finish(id, { status: 'failed', endedAt: now + 1_000, counters: { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 }, log: [], logDropped: 0 });
  const msgId = 'beta-offsite-failed-1';
  await f.app.store.outbox.enqueue([{ id: msgId, messageId: `<${msgId}@example.com>`, kind: 'backup.failed', severity: 'critical', priority: 0, profile: 'office', dedupeKey: null, envelope: { from: 'vigil@example.com', to: ['ops@example.com'] }, subject: 'offsite failed on beta', raw: Buffer.from('Subject: offsite failed on beta\r\n\r\nx\r\n'), createdAt: now, host: 'beta.example.com' }]);
  const { cookie } = await login(f.server.url);
  const activity = await (await fetch(`${f.server.url}/activity`, { headers: { cookie } })).text();
  assert.match(activity, /<th scope="col">Host<\/th>/);
  assert.match(activity, /href="\/activity\?[^"]*host=beta\.example\.com"/);
  const onlyBeta = (await (await fetch(`${f.server.url}/api/v1/activity?host=beta.example.com`, { headers: bearer })).json()) as { activities: { id: number; host: string }[] };
  assert.deepEqual(onlyBeta.activities.map((a) => [a.id, a.host]), [[id, 'beta.example.com']]);
  const outbox = await (await fetch(`${f.server.url}/outbox?host=beta.example.com`, { headers: { cookie } })).text();
  assert.match(outbox, /<th scope="col">Host<\/th>/);
  assert.ok(outbox.includes('offsite failed on beta') && !outbox.includes('nightly failed on console-test'), 'only beta’s messages');
  const messages = (await (await fetch(`${f.server.url}/api/v1/outbox?host=beta.example.com`, { headers: bearer })).json()) as { messages: { id: string; host: string }[] };
  assert.deepEqual(messages.messages.map((m) => [m.id, m.host]), [[msgId, 'beta.example.com']]);
});
