import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, messageIdDomain, type AppContext } from '../../src/app/context.js';
import { ServiceHeartbeat } from '../../src/app/service-heartbeat.js';
import { TransportDirectSender } from '../../src/app/direct-sender.js';
import type { WatchedLoop } from '../../src/app/service-watchdog.js';
import { HttpPeer, type PeerBehaviour } from '../helpers/http-peer.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { Workspace } from '../helpers/workspace.js';
import { withCleanups } from '../helpers/cleanups.js';

// The service heartbeat's verdicts on a fake clock, with the real Outbox, dispatcher and
// transports against a loopback checker. The loops are stand-ins (WatchedLoop is an interface):
// a scheduler whose pass hangs is what is simulated.

const CHECK = '/7e1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b';
const cleanups = withCleanups();

async function setUp(behave: () => PeerBehaviour = () => ({ status: 200, body: 'OK' }), protocol = 'healthchecks') {
  const hc = await HttpPeer.start(behave);
  cleanups.push(() => hc.stop());
  const ws = new Workspace(`dataDir: ./var
hostname: vigil-test.example.com
outbox: { minBackoff: 1m, maxBackoff: 10m }
heartbeat: { url: "${hc.url(CHECK)}", every: 1m, protocol: ${protocol} }
`);
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock(Date.now());
  const app = openApp({ configFile: ws.configFile, logLevel: 'error', clock });
  cleanups.push(() => app.close());
  const scheduler = { lastBeatAt: clock.now() as number | undefined };
  const loops: WatchedLoop[] = [
    { name: 'scheduler', maxSilenceMs: 120_000, lastBeatAt: () => scheduler.lastBeatAt },
    { name: 'database', maxSilenceMs: 90_000, lastBeatAt: () => undefined, probe: async () => void (await app.store.outbox.nextDueAt()) },
  ];
  return { hc, app, clock, scheduler, loops };
}

function heartbeat(app: AppContext, clock: FakeClock, loops: WatchedLoop[], outbox: Pick<AppContext['outbox'], 'enqueue'> = app.outbox): ServiceHeartbeat {
  return new ServiceHeartbeat({
    heartbeat: app.loaded.config.heartbeat!,
    loops,
    outbox,
    messages: app.store.outbox,
    direct: new TransportDirectSender(app.transports, messageIdDomain(app.hostname), clock, app.transports.channels, app.transports.pings),
    escalateAfterMs: app.loaded.config.notification.escalateAfter,
    clock,
    log: app.log,
    host: app.hostname,
  });
}

const paths = (hc: HttpPeer) => hc.received.map((r) => new URL(r.url, 'http://x').pathname);

test('a scheduler silent past its allowance turns the heartbeat into /fail with the reason; alive again when it beats', async () => {
  const { hc, app, clock, scheduler, loops } = await setUp();
  const beat = heartbeat(app, clock, loops);
  assert.deepEqual(await beat.beat(), { healthy: true });
  await app.dispatcher.runPass();
  clock.advance(180_000); // the scheduler's pass hangs
  const sick = await beat.beat();
  assert.equal(sick.healthy, false);
  await app.dispatcher.runPass();
  scheduler.lastBeatAt = clock.now();
  assert.deepEqual(await beat.beat(), { healthy: true });
  await app.dispatcher.runPass();
  assert.deepEqual(paths(hc), [CHECK, `${CHECK}/fail`, CHECK]);
  assert.match(hc.received[1]!.body.toString(), /unhealthy: the scheduler has been silent for 3m/);
});

test('a checker that is down collects one pending ping per state, not one per beat; the state changes arrive in order', async () => {
  let down = true;
  const { hc, app, clock, scheduler, loops } = await setUp(() => (down ? { status: 503 } : { status: 200, body: 'OK' }));
  const beat = heartbeat(app, clock, loops);
  for (let i = 0; i < 5; i++) {
    await beat.beat();
    await app.dispatcher.runPass();
    clock.advance(10_000);
    scheduler.lastBeatAt = clock.now();
  }
  clock.advance(180_000);
  for (let i = 0; i < 3; i++) await beat.beat();
  const pending = await app.store.outbox.list({ profile: 'ping:service', states: ['queued', 'deferred'] });
  assert.deepEqual(pending.map((m) => m.kind).sort(), ['heartbeat.alive', 'heartbeat.fail']);
  down = false;
  clock.advance(20 * 60_000);
  for (let i = 0; i < 3; i++) await app.dispatcher.runPass();
  assert.deepEqual(paths(hc).slice(-2), [CHECK, `${CHECK}/fail`], 'alive, then the failure: the checker ends on the latest state');
});

test('a database that takes no writes: /fail goes straight to the checker, around the Outbox', async () => {
  const { hc, app, clock, loops } = await setUp();
  const readOnly = { enqueue: async () => Promise.reject(Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' })) };
  const beat = heartbeat(app, clock, loops, readOnly);
  const health = await beat.beat();
  assert.equal(health.healthy, false);
  assert.deepEqual(paths(hc), [`${CHECK}/fail`]);
  assert.match(hc.received[0]!.body.toString(), /the database cannot be written \(attempt to write a readonly database\)/);
});

test('uptime-kuma: up with msg "alive", down with the reason', async () => {
  const { hc, app, clock, loops } = await setUp(() => ({ status: 200, body: '{"ok":true}' }), 'uptime-kuma');
  const beat = heartbeat(app, clock, loops);
  await beat.beat();
  await app.dispatcher.runPass();
  clock.advance(180_000);
  await beat.beat();
  await app.dispatcher.runPass();
  const queries = hc.received.map((r) => new URL(r.url, 'http://x').searchParams);
  assert.deepEqual(queries.map((q) => q.get('status')), ['up', 'down']);
  assert.equal(queries[0]!.get('msg'), 'alive');
  assert.match(queries[1]!.get('msg') ?? '', /^unhealthy: the scheduler has been silent/);
  assert.ok(hc.received.every((r) => r.method === 'GET'));
});
