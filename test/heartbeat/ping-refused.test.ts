import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, type AppContext } from '../../src/app/context.js';
import { HttpPeer, type PeerBehaviour } from '../helpers/http-peer.js';
import { Workspace } from '../helpers/workspace.js';
import { pingProfile, SERVICE_PING_TARGET } from '../../src/domain/ping.js';
import { withCleanups } from '../helpers/cleanups.js';

// A checker that refuses the ping URL (healthchecks' 404 "unknown check", Uptime Kuma's 404
// "Monitor not found or not active", 401/403) will refuse every later ping too: the outside
// dead-man's switch then watches nothing, and nobody knows. The ping's route pauses like a
// channel with refused credentials, and the admins are told by a channel that still works.

const HOST = 'vigil-test.example.com';
const CHECK = '/0d3f1c2b-8e7a-4c55-9a1b-2f6e4d3c2b1a';
const cleanups = withCleanups();

async function checker(behave: PeerBehaviour): Promise<HttpPeer> {
  const peer = await HttpPeer.start(() => behave);
  cleanups.push(() => peer.stop());
  return peer;
}

function open(yaml: string): AppContext {
  const ws = new Workspace(yaml);
  cleanups.push(() => ws.cleanup());
  const app = openApp({ configFile: ws.configFile, logLevel: 'error', env: {} });
  cleanups.push(() => app.close());
  return app;
}

async function runAndDeliver(app: AppContext, set: string): Promise<void> {
  await app.runner.run(set, { trigger: 'manual' });
  await app.events.drain();
  await app.dispatcher.runPass(); // the ping is refused: its route pauses
  await app.events.drain();
  await app.dispatcher.runPass(); // what told the admins is delivered
}

const MAIL_PROFILE = `profiles:
  local:
    method: maildir
    from: vigil@example.com
    addressBook:
      admins: [ops@example.com]
`;

for (const [name, behave] of [
  ['healthchecks 404 (unknown check)', { status: 404, body: 'not found' }],
  ['healthchecks 401', { status: 401, body: 'unauthorized' }],
] as Array<[string, PeerBehaviour]>) {
  test(`a set's ping refused with ${name}: the route pauses and the admins get one e-mail naming the set`, async () => {
    const hc = await checker(behave);
    const app = open(`dataDir: ./var
hostname: ${HOST}
${MAIL_PROFILE}notification:
  admins: [admins]
sets:
  docs:
    engine: command
    command: [/bin/true]
    ping: { url: "${hc.url(CHECK)}" }
`);
    await runAndDeliver(app, 'docs');
    assert.notEqual((await app.store.profiles.get('ping:set:docs')).pausedUntil, null, 'the ping route is paused');
    const told = (await app.store.outbox.list({})).filter((m) => m.kind === 'escalation.ping-paused');
    assert.equal(told.length, 1, 'one e-mail to the admins');
    assert.deepEqual(told[0]!.envelope.to, ['ops@example.com']);
    assert.equal(told[0]!.subject, `[Vigil] heartbeat ping of set docs is refused on ${HOST}`);
    assert.equal(told[0]!.state, 'sent');
    const raw = (await app.store.outbox.raw(told[0]!.id))!.toString().replace(/=\r\n/g, '');
    assert.match(raw, /HTTP (404|401)/);
    assert.ok(!raw.includes(CHECK.slice(1)), 'the ping URL (its credential) is not in the mail');
  });
}

test('uptime-kuma 404 "Monitor not found or not active" on the service heartbeat, push only: the admins\' channel is told', async () => {
  const kuma = await checker({ status: 404, body: '{"ok":false,"msg":"Monitor not found or not active."}' });
  const ntfy = await checker({ status: 200, body: '{}' });
  const app = open(`dataDir: ./var
hostname: ${HOST}
channels:
  phone: { type: ntfy, url: "${ntfy.url('/topic')}", allowInsecure: true }
notification:
  admins: [phone]
heartbeat: { url: "${kuma.url('/api/push/Tk3n')}", protocol: uptime-kuma, every: 1m }
sets:
  docs: { engine: command, command: [/bin/true] }
`);
  // What the service heartbeat enqueues on its beat (src/app/service-heartbeat.ts).
  await app.outbox.enqueue({
    kind: 'heartbeat.alive',
    severity: 'info',
    profile: pingProfile(SERVICE_PING_TARGET),
    from: 'vigil',
    to: [SERVICE_PING_TARGET],
    subject: 'heartbeat: alive',
    text: '',
    ping: { target: SERVICE_PING_TARGET, content: { event: 'success', body: `Vigil on ${HOST}: alive`, summary: 'alive' } },
  });
  await app.dispatcher.runPass();
  await app.events.drain();
  await app.dispatcher.runPass();
  assert.notEqual((await app.store.profiles.get('ping:service')).pausedUntil, null, 'the heartbeat route is paused');
  assert.equal(ntfy.received.length, 1, 'the admins\' phone was told');
  assert.match(String(ntfy.received[0]!.headers.title), /service heartbeat ping is refused/);
  assert.ok(!JSON.stringify(ntfy.received[0]).includes('Tk3n'), 'the push token is not in the message');
});
