import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, type AppContext } from '../../src/app/context.js';
import { PRIORITY } from '../../src/domain/message.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

const MESSAGES = 60;

function request(subject: string, critical: boolean) {
  return {
    kind: 'backup.failed',
    severity: critical ? ('critical' as const) : ('info' as const),
    priority: critical ? PRIORITY.critical : PRIORITY.normal,
    profile: 'office',
    from: 'vigil@example.com',
    to: ['ops@example.com'],
    subject,
    text: subject,
  };
}

async function attemptRows(app: AppContext, ids: string[]): Promise<number> {
  let rows = 0;
  for (const id of ids) rows += (await app.store.outbox.attempts(id)).length;
  return rows;
}

test('during an outage one message probes the server and the rest are deferred without a connection', async () => {
  // The server is up but refuses every connection with 421, as a server in an outage does; it
  // counts the connections it is offered.
  const server = await SmtpPeer.start();
  cleanups.push(() => server.stop());
  server.inject({ at: 'CONNECT', code: 421, text: '4.3.2 Service not available, closing transmission channel' });
  const ws = new Workspace(smtpConfig({ servers: [{ port: server.port }], concurrency: 8 }));
  cleanups.push(() => ws.cleanup());
  // An hour ahead of the wall clock: the suspension is still in force when the `outbox show`
  // subprocess (on the real clock) reads it, however slowly it starts.
  const clock = new FakeClock(Date.now() + 3_600_000);
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error' });
  cleanups.push(() => app.close());

  const ordinary = await app.outbox.enqueueMany(Array.from({ length: MESSAGES - 1 }, (_, i) => request(`info ${i}`, false)));
  clock.advance(1_000);
  const [critical] = await app.outbox.enqueueMany([request('documents failed', true)]);
  const ids = [critical!.id, ...ordinary.map((r) => r.id)];

  const first = await app.dispatcher.runPass();
  assert.equal(server.connections, 1, 'one connection for the whole outage pass');
  assert.equal(first.attempted, 1);
  assert.equal((await app.store.outbox.attempts(critical!.id)).length, 1, 'the critical message is the probe');
  assert.equal(await attemptRows(app, ids), 1, 'the others are not attempts');
  const held = (await app.store.outbox.get(ordinary[0]!.id))!;
  assert.equal(held.attempts, 0);
  assert.equal(held.state, 'queued', 'nothing written per message');
  const suspension = (await app.store.outbox.routeSuspension('office', clock.now()))!;
  assert.match(suspension.reason, /421/, 'the route is suspended with the probe’s failure as the reason');
  assert.ok(suspension.until > clock.now());
  // `outbox show` of a waiting message says why it waits.
  const shown = await ws.vigil(['outbox', 'show', held.id]);
  assert.match(shown.stdout, /suspended until .*421/);

  // A pass before the suspension ends tries nothing — nor does another process (a fresh dispatcher).
  clock.advance(1_000);
  assert.equal((await app.dispatcher.runPass()).attempted, 0);
  const other = openApp({ configFile: ws.configFile, clock, logLevel: 'error' });
  assert.equal((await other.dispatcher.runPass()).attempted, 0);
  await other.close();
  assert.equal(server.connections, 1);

  // When it ends, one message probes again: still down, so still one connection.
  clock.set(suspension.until);
  assert.equal((await app.dispatcher.runPass()).attempted, 1);
  assert.equal(server.connections, 2);
  assert.equal(await attemptRows(app, ids), 2);

  // The server is back: the next probe gets through and everything follows it.
  server.injections.length = 0;
  clock.set((await app.store.outbox.routeSuspension('office', clock.now()))!.until);
  await app.dispatcher.runPass();
  clock.advance(10 * 60_000); // the two probes' own backoff
  await app.dispatcher.runPass();
  assert.equal(server.received.length, MESSAGES, 'every message delivered once');
  assert.equal(await attemptRows(app, ids), 2 + MESSAGES, 'one attempt per delivery, plus the two failed probes');
  assert.ok(server.connections <= 2 + 1 + 8, `connections: ${server.connections} (probes, then the pool)`);
});

test('a failover server that is down is tried by one message, then skipped until its own backoff ends', async () => {
  const first = await SmtpPeer.start();
  cleanups.push(() => first.stop());
  first.inject({ at: 'CONNECT', code: 421, text: '4.3.2 Service not available' });
  const second = await SmtpPeer.start();
  cleanups.push(() => second.stop());
  const ws = new Workspace(smtpConfig({ servers: [{ port: first.port }, { port: second.port }], concurrency: 4 }));
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock(Date.now());
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error' });
  cleanups.push(() => app.close());
  const results = await app.outbox.enqueueMany(Array.from({ length: 20 }, (_, i) => request(`info ${i}`, false)));

  assert.equal((await app.dispatcher.runPass()).sent, 20);
  assert.equal(second.received.length, 20);
  assert.equal(first.connections, 1, 'the first server was tried once, not once per message');
  const last = await app.store.outbox.attempts(results[19]!.id);
  assert.match(last[0]!.transcript, /not tried/, 'the transcript says the first server was skipped');

  // Its backoff over, the next message tries it again (and finds it back).
  first.injections.length = 0;
  clock.advance(60_000);
  await app.outbox.enqueue(request('after the outage', false));
  await app.dispatcher.runPass();
  assert.equal(first.connections, 2);
  assert.equal(first.received.length, 1);
});
