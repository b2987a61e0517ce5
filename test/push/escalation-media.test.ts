import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from '../../src/app/context.js';
import type { BackupEvent } from '../../src/domain/events.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { HttpPeer } from '../helpers/http-peer.js';
import { Workspace } from '../helpers/workspace.js';
import { channelWorkspace, HOST } from './helpers.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

async function failRun(app: ReturnType<typeof openApp>, clock: FakeClock, set: string) {
  const counters = { files: 1, bytesScanned: 1, bytesNew: 0, errors: 1, warnings: 0 };
  const activity = await app.store.activity.record({ kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt: clock.now() - 1000 }, { status: 'failed', endedAt: clock.now(), counters, log: [], logDropped: 0 });
  app.events.emit({ kind: 'backup.failed', status: 'failed', set, engine: 'command', activityId: activity.id, trigger: 'schedule', startedAt: clock.now() - 1000, endedAt: clock.now(), scheduledFor: null, counters, firstError: 'vault unreachable', snapshotId: null, at: clock.now() } as BackupEvent);
  await app.events.drain();
}

test('mail broken → push: when the mail profile is paused for its credentials, the escalation reaches the pager’s push channel', async () => {
  const ntfy = await HttpPeer.start(() => ({ status: 200, body: '{}' }));
  cleanups.push(() => ntfy.stop());
  const ws = new Workspace(`dataDir: ./var
hostname: ${HOST}
profiles:
  office:
    method: smtp
    from: vigil@example.com
    servers: [{ host: 127.0.0.1, port: 2525, security: starttls, auth: { user: vigil, pass: { env: SMTP_PASS_NOT_SET } } }]
    addressBook:
      admins: [ops@example.com]
channels:
  phone: { type: ntfy, url: "${ntfy.url('/topic')}", allowInsecure: true }
notification:
  admins: [admins]
  pager: [phone]
  stormWindow: 0s
sets:
  docs: { engine: command, command: [/bin/false] }
`);
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', env: {}, systemLog: { critical: async () => undefined } as never });
  cleanups.push(() => app.close());
  await failRun(app, clock, 'docs');
  await app.dispatcher.runPass(); // the mail is refused (credentials): the profile pauses; the push alert goes out
  await app.events.drain();
  assert.equal((await app.store.profiles.get('office')).pausedUntil !== null, true);
  assert.equal(ntfy.received.length, 1, 'the alert itself reached the phone');
  await app.dispatcher.runPass();
  assert.equal(ntfy.received.length, 2, 'and then the escalation');
  const escalation = ntfy.received[1]!;
  assert.match(String(escalation.headers.title), /^Vigil on vigil-test\.example\.com could not deliver: /);
  assert.equal(escalation.headers.priority, '5');
});

test('push paused → admins by mail: a channel refused with 403 is paused and the admins get an e-mail saying so', async () => {
  const slack = await HttpPeer.start(() => ({ status: 403, body: 'invalid_token' }));
  cleanups.push(() => slack.stop());
  const ws = channelWorkspace(`  team: { type: slack, url: { env: SLACK_URL }, allowInsecure: true }`, `notification:
  admins: [admins]
  pager: [team]
  stormWindow: 0s
sets:
  docs: { engine: command, command: [/bin/false] }
`);
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', env: { SLACK_URL: slack.url('/services/T/B/secret') }, systemLog: { critical: async () => undefined } as never });
  cleanups.push(() => app.close());
  await failRun(app, clock, 'docs');
  await app.dispatcher.runPass();
  await app.events.drain();
  await app.dispatcher.runPass();
  const told = (await app.store.outbox.list({})).find((m) => m.kind === 'escalation.channel-paused');
  assert.ok(told, 'an e-mail about the paused channel was queued');
  assert.equal(told.profile, 'local');
  assert.deepEqual(told.envelope.to, ['ops@example.com']);
  assert.equal(told.subject, '[Vigil] channel team (slack) is paused on vigil-test.example.com');
  assert.equal(told.state, 'sent');
  // Quoted-printable: join the soft line breaks.
  const raw = (await app.store.outbox.raw(told.id))!.toString().replace(/=\r\n/g, '');
  assert.match(raw, /invalid_token/);
  assert.match(raw, /vigil notify test team/);
  assert.ok(!raw.includes('/services/T/B/secret'), 'the webhook URL is not in the mail');
});

test('when the database cannot take a fault alert, it is pushed directly to the channels too (around the Outbox)', async () => {
  const ntfy = await HttpPeer.start(() => ({ status: 200, body: '{}' }));
  cleanups.push(() => ntfy.stop());
  const ws = channelWorkspace(`  phone: { type: ntfy, url: "${ntfy.url('/topic')}", allowInsecure: true }`, 'notification:\n  admins: [admins]\n  pager: [phone]\n');
  cleanups.push(() => ws.cleanup());
  const app = openApp({ configFile: ws.configFile, logLevel: 'error', systemLog: { critical: async () => undefined } as never });
  cleanups.push(() => app.close());
  // The Outbox's database refuses writes: what the fault notifier then does is send directly.
  const unwritable = { enqueueMany: async () => Promise.reject(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' })) };
  const { FaultNotifier } = await import('../../src/notify/faults.js');
  const { TransportDirectSender } = await import('../../src/app/direct-sender.js');
  const notifier = new FaultNotifier({
    config: app.loaded.config,
    outbox: unwritable,
    direct: new TransportDirectSender(app.transports, 'vigil-test.example.com', app.clock, app.transports.channels),
    systemLog: { critical: async () => undefined } as never,
    templates: app.notifications.templates,
    clock: app.clock,
    log: app.log,
    host: HOST,
  });
  assert.equal(await notifier.handle({ kind: 'service.fault', fault: 'database-unwritable', detail: 'disk I/O error', set: null, at: Date.now() }), 'direct');
  assert.equal(ntfy.received.length, 1, 'the pager channel got the fault alert directly');
  assert.equal(ntfy.received[0]!.headers.priority, '5');
});
