import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, type AppContext } from '../../src/app/context.js';
import type { BackupEvent } from '../../src/domain/events.js';
import type { FinalStatus } from '../../src/domain/activity.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { HttpPeer } from '../helpers/http-peer.js';
import { channelWorkspace, HOST } from './helpers.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

const PD_KEY = 'R0123456789abcdef0123456789abcd';

async function finishRun(app: AppContext, clock: FakeClock, set: string, status: FinalStatus, firstError: string | null) {
  const startedAt = clock.now() - 60_000;
  const counters = { files: 10, bytesScanned: 100, bytesNew: 10, errors: status === 'completed' ? 0 : 1, warnings: 0 };
  const activity = await app.store.activity.record({ kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt }, { status, endedAt: clock.now(), counters, log: [], logDropped: 0 });
  const event = { kind: `backup.${status}`, status, set, engine: 'command', activityId: activity.id, trigger: 'schedule', startedAt, endedAt: clock.now(), scheduledFor: null, counters, firstError, snapshotId: null, at: clock.now() } as BackupEvent;
  app.events.emit(event);
  await app.events.drain();
  await app.dispatcher.runPass();
  return activity.id;
}

test('channel names work as recipients: pager channels get critical alerts, a set’s notify.to channel every message; PagerDuty triggers once per streak and resolves on recovery', async () => {
  const peer = await HttpPeer.start((r) => (r.url.startsWith('/pd') ? { status: 202, body: '{"status":"success","message":"Event processed"}' } : { status: 200, body: 'ok' }));
  cleanups.push(() => peer.stop());
  const ws = channelWorkspace(
    [
      `  phone: { type: ntfy, url: "${peer.url('/ntfy/acme-backups')}", allowInsecure: true }`,
      `  oncall-pd: { type: pagerduty, url: "${peer.url('/pd')}", routingKey: { env: PD_KEY }, allowInsecure: true }`,
      `  team: { type: slack, url: { env: SLACK_URL }, allowInsecure: true }`,
    ].join('\n'),
    `notification:
  admins: [admins]
  pager: [phone, oncall-pd]
  remindEvery: 24h
  stormWindow: 0s
sets:
  documents:
    engine: command
    command: [/bin/false]
    notify: { to: [admins, team] }
`,
  );
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', env: { PD_KEY, SLACK_URL: peer.url('/slack/T0/B0/secret') } });
  cleanups.push(() => app.close());
  const byPath = (prefix: string) => peer.received.filter((r) => r.url.startsWith(prefix));

  const failedId = await finishRun(app, clock, 'documents', 'failed', 'vault unreachable');
  assert.equal(byPath('/ntfy').length, 1, 'the pager channel ntfy got the alert');
  assert.equal(byPath('/slack').length, 1, 'the set’s channel got the alert');
  const pd = byPath('/pd');
  assert.equal(pd.length, 1);
  const trigger = JSON.parse(pd[0]!.body.toString()) as { event_action: string; dedup_key: string; payload: { severity: string; summary: string } };
  assert.equal(trigger.event_action, 'trigger');
  assert.equal(trigger.dedup_key, `vigil:${HOST}:documents`);
  assert.equal(trigger.payload.severity, 'critical');
  assert.equal(trigger.payload.summary, '[Vigil] documents failed on vigil-test.example.com');
  const ntfy = byPath('/ntfy')[0]!;
  assert.equal(ntfy.headers.priority, '5');
  assert.ok([...ntfy.body.toString().split('\n')[0]!].length <= 160, 'the ntfy body is the pager line');
  assert.match(ntfy.body.toString(), new RegExp(`vigil activity show ${failedId}$`));
  const channelMessages = (await app.store.outbox.list({})).filter((m) => m.profile.startsWith('channel:'));
  assert.deepEqual(channelMessages.map((m) => m.state), ['sent', 'sent', 'sent']);

  // A day later it still fails: a reminder. The open PagerDuty incident is not re-triggered,
  // pager channels are not paged again; the set's chat channel gets the reminder.
  clock.advance(25 * 3_600_000);
  await finishRun(app, clock, 'documents', 'failed', 'vault unreachable');
  assert.equal(byPath('/pd').length, 1, 'no re-trigger on a reminder');
  assert.equal(byPath('/ntfy').length, 1);
  assert.equal(byPath('/slack').length, 2);

  clock.advance(3_600_000);
  await finishRun(app, clock, 'documents', 'completed', null);
  const resolve = JSON.parse(byPath('/pd')[1]!.body.toString()) as Record<string, unknown>;
  assert.deepEqual(resolve, { routing_key: PD_KEY, event_action: 'resolve', dedup_key: `vigil:${HOST}:documents` });
  assert.equal(byPath('/ntfy').length, 2, 'recovery reaches the pager channel');
  assert.equal(byPath('/slack').length, 3);
  const recovered = JSON.parse(byPath('/slack')[2]!.body.toString()) as { attachments: Array<{ color: string }> };
  assert.equal(recovered.attachments[0]!.color, '#2e7d32');
});

test('a storm is one PagerDuty incident: the grouped failures update the first set’s incident, listing every set; a service fault reaches the channels too', async () => {
  const peer = await HttpPeer.start(() => ({ status: 202, body: '{"status":"success","message":"Event processed"}' }));
  cleanups.push(() => peer.stop());
  const ws = channelWorkspace(
    `  oncall-pd: { type: pagerduty, url: "${peer.url('/pd')}", routingKey: { env: PD_KEY }, allowInsecure: true }`,
    `notification:
  admins: [admins]
  pager: [oncall-pd]
  stormWindow: 30s
sets:
  alpha: { engine: command, command: [/bin/false] }
  beta: { engine: command, command: [/bin/false] }
  gamma: { engine: command, command: [/bin/false] }
`,
  );
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', env: { PD_KEY } });
  cleanups.push(() => app.close());
  await finishRun(app, clock, 'alpha', 'failed', 'vault unreachable');
  clock.advance(1_000);
  await finishRun(app, clock, 'beta', 'failed', 'vault unreachable');
  await finishRun(app, clock, 'gamma', 'failed', 'vault unreachable');
  assert.equal(peer.received.length, 1, 'only the first failure pages at once');
  clock.advance(31_000);
  await app.notifications.storm.flushDue();
  await app.dispatcher.runPass();
  assert.equal(peer.received.length, 2);
  const events = peer.received.map((r) => JSON.parse(r.body.toString()) as { dedup_key: string; payload: { custom_details: { sets?: string[] } } });
  assert.equal(events[1]!.dedup_key, events[0]!.dedup_key, 'the same incident');
  assert.equal(events[1]!.dedup_key, `vigil:${HOST}:alpha`);
  assert.deepEqual(events[1]!.payload.custom_details.sets, ['alpha', 'beta', 'gamma']);

  app.events.emit({ kind: 'service.fault', fault: 'disk-full', detail: '/srv is full', set: null, at: clock.now() });
  await app.events.drain();
  await app.dispatcher.runPass();
  const fault = JSON.parse(peer.received[2]!.body.toString()) as { event_action: string; dedup_key: string; payload: { class: string } };
  assert.equal(fault.event_action, 'trigger');
  assert.equal(fault.dedup_key, `vigil:${HOST}:fault:disk-full`);
  assert.equal(fault.payload.class, 'service.fault.disk-full');
});
