import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, type AppContext } from '../../src/app/context.js';
import { TransportDirectSender } from '../../src/app/direct-sender.js';
import type { FinalStatus } from '../../src/domain/activity.js';
import type { BackupEvent } from '../../src/domain/events.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { FaultNotifier } from '../../src/notify/faults.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { HttpPeer } from '../helpers/http-peer.js';
import { Workspace } from '../helpers/workspace.js';
import { HOST } from './helpers.js';
import { withCleanups } from '../helpers/cleanups.js';

const quietSyslog: SystemLog = { async critical() {} };

const cleanups = withCleanups();

/** A vigil.yaml with channels and no Mail Profile at all: no `profiles:`, no `mail.profile`. */
function pushOnlyWorkspace(ntfyUrl: string, sets: string, stormWindow = '0s'): Workspace {
  return new Workspace(`dataDir: ./var
hostname: ${HOST}
channels:
  phone: { type: ntfy, url: "${ntfyUrl}", allowInsecure: true }
notification:
  admins: [phone]
  pager: [phone]
  stormWindow: ${stormWindow}
sets:
${sets}`);
}

test('push only, no Mail Profile: a failing `vigil run` (no service) delivers its alert to the ntfy channel before exiting', async () => {
  const ntfy = await HttpPeer.start(() => ({ status: 200, body: '{"id":"x1","event":"message"}' }));
  cleanups.push(() => ntfy.stop());
  const ws = pushOnlyWorkspace(ntfy.url('/acme-backups'), '  database: { engine: command, command: [/bin/false] }\n');
  cleanups.push(() => ws.cleanup());

  const check = await ws.vigil(['config', 'check']);
  assert.equal(check.code, 0, check.stdout + check.stderr);

  const run = await ws.vigil(['run', 'database', '--wait', '30s']);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.doesNotMatch(run.stdout + run.stderr, /no mail profile to notify with/);
  assert.equal(ntfy.received.length, 1, `the ntfy peer got the alert (output: ${run.stdout}${run.stderr})`);
  const [alert] = ntfy.received;
  assert.equal(alert!.method, 'POST');
  assert.equal(alert!.url, '/acme-backups');
  assert.match(String(alert!.headers.title), /database/);
  assert.equal(alert!.headers.priority, '5', 'a failed run is critical');
});

async function finishRun(app: AppContext, clock: FakeClock, set: string, status: FinalStatus, firstError: string | null): Promise<void> {
  const counters = { files: 1, bytesScanned: 1, bytesNew: 1, errors: status === 'completed' ? 0 : 1, warnings: 0 };
  const activity = await app.store.activity.record({ kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt: clock.now() }, { status, endedAt: clock.now(), counters, log: [], logDropped: 0 });
  app.events.emit({ kind: `backup.${status}`, status, set, engine: 'command', activityId: activity.id, trigger: 'schedule', startedAt: clock.now(), endedAt: clock.now(), scheduledFor: null, counters, firstError, snapshotId: null, at: clock.now() } as BackupEvent);
  await app.events.drain();
}

test('push only: a storm is the first alert + ONE grouped message on the channel, and a recovery reaches it too', async () => {
  const ntfy = await HttpPeer.start(() => ({ status: 200, body: '{}' }));
  cleanups.push(() => ntfy.stop());
  const sets = ['a', 'b', 'c'].map((n) => `  ${n}: { engine: command, command: [/bin/false] }\n`).join('');
  const ws = pushOnlyWorkspace(ntfy.url('/acme-backups'), sets, '30s');
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSyslog });
  cleanups.push(() => app.close());

  for (const set of ['a', 'b', 'c']) await finishRun(app, clock, set, 'failed', 'vault unreachable');
  await app.dispatcher.runPass();
  assert.equal(ntfy.received.length, 1, 'the first alert at once, the others held');
  clock.advance(31_000);
  await app.notifications.tick();
  await app.dispatcher.runPass();
  assert.equal(ntfy.received.length, 2, 'then ONE grouped message');
  assert.match(ntfy.received[1]!.body.toString(), /3 sets/);

  clock.advance(60_000);
  await finishRun(app, clock, 'a', 'completed', null);
  await app.dispatcher.runPass();
  assert.equal(ntfy.received.length, 3, 'the recovery of a reaches the channel');
  assert.match(String(ntfy.received[2]!.headers.title), /\ba\b.*(recover|OK|ok)/i);
});

test('push only: a database fault goes around the Outbox straight to the channel', async () => {
  const ntfy = await HttpPeer.start(() => ({ status: 200, body: '{}' }));
  cleanups.push(() => ntfy.stop());
  const ws = pushOnlyWorkspace(ntfy.url('/acme-backups'), '  db: { engine: command, command: [/bin/false] }\n');
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSyslog });
  cleanups.push(() => app.close());
  const readonly = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
  const faults = new FaultNotifier({
    config: app.loaded.config,
    outbox: { enqueueMany: async () => Promise.reject(readonly) },
    direct: new TransportDirectSender(app.transports, HOST, clock, app.transports.channels),
    systemLog: quietSyslog,
    templates: app.notifications.templates,
    clock,
    log: silentLogger,
    host: HOST,
  });
  const verdict = await faults.handle({ kind: 'service.fault', fault: 'database-unwritable', detail: 'attempt to write a readonly database', set: null, at: clock.now() });
  assert.equal(verdict, 'direct');
  assert.equal(ntfy.received.length, 1, 'the fault reached the ntfy peer without the Outbox');
  assert.match(String(ntfy.received[0]!.headers.title), /database unwritable/);
});

test('config check: push only is valid without a word about profiles; nobody to notify, an address with no profile and a summary with no profile are each said', async () => {
  const pushOnly = pushOnlyWorkspace('https://ntfy.example.com/acme', '  db: { engine: command, command: [/bin/false] }\n');
  cleanups.push(() => pushOnly.cleanup());
  const ok = await pushOnly.vigil(['config', 'check']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.doesNotMatch(ok.stdout + ok.stderr, /profile|nobody/i);

  const nobody = new Workspace('dataDir: ./var\nsets:\n  db: { engine: command, command: [/bin/false] }\n');
  cleanups.push(() => nobody.cleanup());
  const warned = await nobody.vigil(['config', 'check']);
  assert.equal(warned.code, 0, 'a warning, not an error');
  assert.match(warned.stdout + warned.stderr, /warning: notification: nobody will be notified: there is no Mail Profile \(profiles:\) and no channel/);

  const mixed = new Workspace(`dataDir: ./var
channels:
  phone: { type: ntfy, url: "https://ntfy.example.com/acme" }
notification:
  admins: [ops@example.com, phone]
admin:
  daily: "20:00"
`);
  cleanups.push(() => mixed.cleanup());
  const said = await mixed.vigil(['config', 'check']);
  assert.equal(said.code, 0, said.stdout + said.stderr);
  assert.match(said.stdout + said.stderr, /:5: warning: notification\.admins\.0: "ops@example\.com" is an e-mail address, but no Mail Profile is configured/);
  assert.match(said.stdout + said.stderr, /:7: warning: admin\.daily: the Daily summary is sent by e-mail only and needs a Mail Profile/);
  assert.doesNotMatch(said.stdout + said.stderr, /nobody will be notified/);
});
