import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { openApp, type AppContext } from '../../src/app/context.js';
import { HttpPeer, type PeerBehaviour, type ReceivedRequest } from '../helpers/http-peer.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { closedPort } from '../helpers/smtp-peer.js';
import { Workspace } from '../helpers/workspace.js';
import { runUuid } from '../../src/notify/pings.js';
import { withCleanups } from '../helpers/cleanups.js';

// Per-set heartbeat pings against a real loopback checker that records order, paths, rid and
// bodies. No Mail Profile: alerts have nowhere to go, pings are all that is sent.

const HOST = 'vigil-test.example.com';
const CHECK = '/0d3f1c2b-8e7a-4c55-9a1b-2f6e4d3c2b1a';
const cleanups = withCleanups();

async function checker(behave: (r: ReceivedRequest, i: number) => PeerBehaviour = () => ({ status: 200, body: 'OK' })): Promise<HttpPeer> {
  const peer = await HttpPeer.start(behave);
  cleanups.push(() => peer.stop());
  return peer;
}

function workspace(sets: string, extra = ''): Workspace {
  const ws = new Workspace(`dataDir: ./var
hostname: ${HOST}
outbox:
  minBackoff: 1m
  maxBackoff: 10m
${extra}sets:
${sets}`);
  cleanups.push(() => ws.cleanup());
  return ws;
}

function open(ws: Workspace, clock?: FakeClock, env: NodeJS.ProcessEnv = {}): AppContext {
  const app = openApp({ configFile: ws.configFile, logLevel: 'error', env, ...(clock ? { clock } : {}) });
  cleanups.push(() => app.close());
  return app;
}

/** Runs a set as `vigil run` does, then lets the event handlers enqueue their pings. */
async function runSet(app: AppContext, set: string) {
  const activity = await app.runner.run(set, { trigger: 'manual' });
  await app.events.drain();
  return activity;
}

const parse = (r: ReceivedRequest) => {
  const url = new URL(r.url, 'http://x');
  return { method: r.method, path: url.pathname, rid: url.searchParams.get('rid'), body: r.body.toString('utf8') };
};

test('healthchecks: /start then /<exit status> of a failed command set, one rid, the log tail as the body', async () => {
  const hc = await checker();
  const ws = workspace(`  db:
    engine: command
    command: ["/bin/sh", "-c", "echo dumping sales; echo 'pg_dump: connection refused' >&2; exit 3"]
    ping: { url: "${hc.url(CHECK)}" }
`);
  const app = open(ws);
  const activity = await runSet(app, 'db');
  assert.equal(activity.status, 'failed');
  await app.dispatcher.runPass();
  await app.dispatcher.runPass();
  const got = hc.received.map(parse);
  assert.deepEqual(got.map((g) => `${g.method} ${g.path}`), [`POST ${CHECK}/start`, `POST ${CHECK}/3`]);
  const rid = runUuid(HOST, 'db', activity.id);
  assert.match(rid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(got.map((g) => g.rid), [rid, rid]);
  assert.match(got[1]!.body, /backup db failed \(activity \d+/);
  assert.match(got[1]!.body, /pg_dump: connection refused/);
  assert.match(got[1]!.body, /exited with status 3/);
});

test('healthchecks: success is the bare URL; completed-with-warnings is success unless the rule lists it', async () => {
  const hc = await checker();
  const ws = workspace(`  quiet:
    engine: command
    command: ["/bin/sh", "-c", "exit 24"]
    warningExitCodes: [24]
    ping: { url: "${hc.url(CHECK)}" }
  strict:
    engine: command
    command: ["/bin/sh", "-c", "exit 24"]
    warningExitCodes: [24]
    notify: { on: [failed, completed-with-warnings] }
    ping: { url: "${hc.url('/strict-check')}" }
`);
  const app = open(ws);
  assert.equal((await runSet(app, 'quiet')).status, 'completed-with-warnings');
  assert.equal((await runSet(app, 'strict')).status, 'completed-with-warnings');
  for (let i = 0; i < 3; i++) await app.dispatcher.runPass();
  const paths = hc.received.map((r) => parse(r).path);
  assert.deepEqual(paths.filter((p) => p.startsWith(CHECK)), [`${CHECK}/start`, CHECK]);
  // A failure by the rule: a command set's failure carries its exit status.
  assert.deepEqual(paths.filter((p) => p.startsWith('/strict')), ['/strict-check/start', '/strict-check/24']);
});

test('uptime-kuma: no start; a GET with status, msg (status: first error) and ping (ms); the URL’s own query is replaced', async () => {
  const kuma = await checker(() => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"ok":true}' }));
  const ws = workspace(`  files:
    engine: command
    command: ["/bin/sh", "-c", "echo 'tar: /srv/files: Cannot open' >&2; exit 2"]
    ping: { url: "${kuma.url('/api/push/Xk3token?status=up&msg=OK&ping=')}", protocol: uptime-kuma }
`);
  const app = open(ws);
  await runSet(app, 'files');
  await app.dispatcher.runPass();
  assert.equal(kuma.received.length, 1);
  const r = kuma.received[0]!;
  assert.equal(r.method, 'GET');
  const url = new URL(r.url, 'http://x');
  assert.equal(url.pathname, '/api/push/Xk3token');
  assert.equal(url.searchParams.get('status'), 'down');
  assert.match(url.searchParams.get('msg') ?? '', /^failed: .*exited with status 2|^failed: tar: \/srv\/files: Cannot open/);
  assert.match(url.searchParams.get('ping') ?? '', /^\d+$/);
  assert.equal(url.searchParams.getAll('status').length, 1);
});

test('a missed run sends /fail with the reason, without a start', async () => {
  const hc = await checker();
  const ws = workspace(`  nightly:
    engine: command
    command: ["true"]
    schedule: "0 2 * * *"
    ping: { url: "${hc.url(CHECK)}" }
`);
  const app = open(ws);
  await app.runner.recordNotRun('nightly', 'missed', 'the service was not running at 02:00', Date.now() - 3_600_000);
  await app.events.drain();
  await app.dispatcher.runPass();
  const got = hc.received.map(parse);
  assert.deepEqual(got.map((g) => g.path), [`${CHECK}/fail`]);
  assert.match(got[0]!.body, /missed[\s\S]*the service was not running at 02:00/);
  assert.ok(got[0]!.rid);
});

test('a checker that answers 503 is retried with backoff; nothing is lost, order is kept, the backups are not held up', async () => {
  let down = true;
  const hc = await checker(() => (down ? { status: 503, body: 'maintenance' } : { status: 200, body: 'OK' }));
  const ws = workspace(`  db:
    engine: command
    command: ["true"]
    ping: { url: "${hc.url(CHECK)}" }
`);
  const clock = new FakeClock(Date.now());
  const app = open(ws, clock);
  const first = await runSet(app, 'db');
  await app.dispatcher.runPass();
  assert.equal(hc.received.length, 1, 'the start was tried once');
  // The end of that run and a whole second run come while the checker is down: the runs end
  // (recorded completed) although not one ping got through.
  const second = await runSet(app, 'db');
  assert.equal(first.status, 'completed');
  assert.equal(second.status, 'completed');
  await app.dispatcher.runPass();
  assert.equal(hc.received.length, 1, 'nothing overtakes the deferred start');
  const pending = await app.store.outbox.list({ profile: 'ping:set:db' });
  assert.equal(pending.length, 4);
  assert.ok(pending.every((m) => m.state === 'queued' || m.state === 'deferred'), pending.map((m) => m.state).join());

  down = false;
  clock.advance(10 * 60_000);
  for (let i = 0; i < 5 && hc.received.length < 5; i++) await app.dispatcher.runPass();
  const got = hc.received.map(parse);
  const r1 = runUuid(HOST, 'db', first.id);
  const r2 = runUuid(HOST, 'db', second.id);
  assert.deepEqual(got.map((g) => `${g.path} ${g.rid}`), [`${CHECK}/start ${r1}`, `${CHECK}/start ${r1}`, `${CHECK} ${r1}`, `${CHECK}/start ${r2}`, `${CHECK} ${r2}`]);
  assert.ok((await app.store.outbox.list({ profile: 'ping:set:db' })).every((m) => m.state === 'sent'));
});

test('connection refused: the ping waits in the Outbox and goes when the checker is back on its port', async () => {
  const port = await closedPort();
  const ws = workspace(`  db:
    engine: command
    command: ["true"]
    ping: { url: "http://127.0.0.1:${port}${CHECK}" }
`);
  const clock = new FakeClock(Date.now());
  const app = open(ws, clock);
  await runSet(app, 'db');
  await app.dispatcher.runPass();
  const start = (await app.store.outbox.list({ profile: 'ping:set:db' })).find((m) => m.kind === 'ping.start');
  assert.equal(start?.state, 'deferred');
  assert.match(start?.lastError ?? '', /could not be reached/);
  const [attempt] = await app.store.outbox.attempts(start!.id);
  assert.equal(attempt?.transport, 'push:healthchecks');
  // The check's path is its secret: not in the recorded error, the transcript or the listing.
  const secret = CHECK.slice(1);
  assert.ok(!`${start?.lastError} ${attempt?.detail} ${attempt?.transcript} ${start?.subject} ${start?.envelope.to.join()}`.includes(secret), attempt?.transcript);
  assert.ok(!(await app.store.outbox.raw(start!.id))!.toString().includes(secret), 'the URL is not stored');

  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(new URL(req.url ?? '', 'http://x').pathname);
    req.resume();
    req.on('end', () => res.end('OK'));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  clock.advance(10 * 60_000);
  for (let i = 0; i < 4 && paths.length < 2; i++) await app.dispatcher.runPass();
  assert.deepEqual(paths, [`${CHECK}/start`, CHECK]);
});
