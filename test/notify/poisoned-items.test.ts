import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApp, type AppContext } from '../../src/app/context.js';
import { EventBus } from '../../src/app/event-bus.js';
import type { BackupEvent, ServiceFaultEvent } from '../../src/domain/events.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { MessageRequest } from '../../src/domain/message.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { Outbox, type EnqueueResult } from '../../src/outbox/outbox.js';
import { TransportDirectSender } from '../../src/app/direct-sender.js';
import type { DirectSender } from '../../src/notify/faults.js';
import { subscribeNotifications, type Notifications } from '../../src/notify/subscribe.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { FakeClock } from '../helpers/fake-clock.js';

/**
 * Issue 18 §1: one bad value must not silence an alert, and one item that cannot be notified
 * (a run, a storm window, a fault) must not stop the ones after it.
 */

const quietSyslog: SystemLog = { async critical() {} };
const LOCK = '/srv/{{cookiecutter.slug}}/db.lock';

class RecordingSystemLog implements SystemLog {
  readonly lines: string[] = [];
  async critical(line: string): Promise<void> {
    this.lines.push(line);
  }
}

/** The real Outbox, refusing the requests whose dedupe key `poisoned` picks (a row it cannot store). */
class PoisonedOutbox extends Outbox {
  constructor(
    app: AppContext,
    private readonly poisoned: (request: MessageRequest) => boolean,
  ) {
    super({ store: app.store.outbox, clock: app.clock, messageIdDomain: 'vigil-test.example.com' });
  }

  override async enqueueMany(requests: MessageRequest[]): Promise<EnqueueResult[]> {
    const bad = requests.find(this.poisoned);
    if (bad) throw new Error(`cannot store ${bad.dedupeKey}`);
    return super.enqueueMany(requests);
  }
}

/** A second notification stack on its own bus, over the app's real store and a poisoned Outbox. */
function poisonedNotifications(app: AppContext, poisoned: (r: MessageRequest) => boolean, systemLog: SystemLog = quietSyslog, direct?: DirectSender) {
  const bus = new EventBus(silentLogger);
  const faults: ServiceFaultEvent[] = [];
  bus.on('service.fault', (e) => void faults.push(e));
  const notifications: Notifications = subscribeNotifications({
    events: bus,
    config: app.loaded.config,
    outbox: new PoisonedOutbox(app, poisoned),
    store: app.store,
    log: silentLogger,
    host: 'vigil-test.example.com',
    baseDir: path.dirname(app.loaded.file),
    clock: app.clock,
    systemLog,
    ...(direct ? { direct } : {}),
    owner: { host: 'vigil-test.example.com', pid: process.pid },
    isAlive: () => false,
  });
  return { bus, faults, notifications };
}

function failedEvent(set: string, activityId: number, at: number, firstError: string): BackupEvent {
  const counters = { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 };
  return { kind: 'backup.failed', status: 'failed', set, engine: 'command', activityId, trigger: 'schedule', startedAt: at, endedAt: at, scheduledFor: null, counters, firstError, snapshotId: null, at } as BackupEvent;
}

async function recordFailed(app: AppContext, set: string, error: string): Promise<number> {
  const counters = { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 };
  const now = app.clock.now();
  const a = await app.store.activity.record({ kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt: now }, { status: 'failed', endedAt: now, counters, log: [{ severity: 'error', message: error, path: null }], logDropped: 0 });
  return a.id;
}

const SETS = ['alpha', 'bravo', 'charlie', 'delta'].map((s) => `  ${s}:\n    engine: command\n    command: [/bin/false]\n`).join('');

test('a real run whose error names a path with {{…}} in it still alerts, the path shown as written', async () => {
  const peer = await SmtpPeer.start();
  const sets = `sets:\n  db:\n    engine: command\n    command: [/bin/sh, -c, "echo 'cannot lock ${LOCK}' >&2; exit 1"]\n`;
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: sets }));
  const app = openApp({ configFile: ws.configFile, clock: new FakeClock(), logLevel: 'error', systemLog: quietSyslog });
  try {
    await app.runner.run('db', { trigger: 'manual' });
    await app.events.drain();
    await app.dispatcher.runPass();
    assert.equal(peer.received.length, 1, 'the alert went out');
    const mail = peer.received[0]!.parsed;
    assert.equal(mail.subject, '[Vigil] db failed on vigil-test.example.com');
    assert.ok((mail.text ?? '').includes(LOCK), mail.text);
    assert.ok(String(mail.html).includes(LOCK));
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});

test('crash recovery: a run that cannot be notified is reported as a fault, and the runs after it are still notified', async () => {
  // No storm grouping here: each run gets its own alert.
  const ws = new Workspace(smtpConfig({ servers: [{ port: 9 }], extra: `sets:\n${SETS}` }).replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  stormWindow: 0s\n'));
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSyslog });
  try {
    const ids = [];
    for (const set of ['alpha', 'bravo', 'charlie']) ids.push(await recordFailed(app, set, `${set} exited with status 1`));
    clock.advance(60_000);
    const poisonedId = ids[0]!;
    const { bus, faults, notifications } = poisonedNotifications(app, (r) => (r.dedupeKey ?? '').startsWith(`backup:alpha:${poisonedId}:`));
    assert.equal(await notifications.recover(), 2, 'bravo and charlie notified after alpha failed');
    for (const set of ['bravo', 'charlie']) assert.equal((await app.store.outbox.list({ dedupeKey: `backup:${set}:${ids[['alpha', 'bravo', 'charlie'].indexOf(set)]}:alert`, limit: 1 })).length, 1, set);
    assert.deepEqual(
      (await app.store.notifyState.unnotified(0)).map((u) => u.activityId),
      [poisonedId],
      'the poisoned run stays unnotified, to be tried again',
    );
    await bus.drain();
    assert.equal(faults.length, 1, 'the failure is itself a service fault');
    assert.equal(faults[0]!.fault, 'notification-failed');
    assert.match(faults[0]!.detail, /alpha/);
  } finally {
    await app.close();
    ws.cleanup();
  }
});

test('storm flush: a window whose group cannot be queued does not stop the windows after it', async () => {
  const ws = new Workspace(smtpConfig({ servers: [{ port: 9 }], extra: `sets:\n${SETS}` }));
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSyslog });
  try {
    // The first window's group is the poisoned one; storm window ids start at 1.
    const { bus, faults, notifications } = poisonedNotifications(app, (r) => r.dedupeKey === 'storm:1');
    const fail = async (set: string) => bus.emit(failedEvent(set, await recordFailed(app, set, `${set} exited with status 1`), clock.now(), `${set} exited with status 1`));
    await fail('alpha');
    await bus.drain();
    clock.advance(1_000);
    await fail('bravo'); // held in window 1
    await bus.drain();
    clock.advance(60_000);
    await fail('charlie'); // opens window 2
    await bus.drain();
    clock.advance(1_000);
    await fail('delta'); // held in window 2
    await bus.drain();
    clock.advance(60_000);
    await notifications.tick();
    notifications.stop();
    assert.equal((await app.store.outbox.list({ dedupeKey: 'storm:2', limit: 1 })).length, 1, 'window 2 was sent');
    assert.equal((await app.store.outbox.list({ dedupeKey: 'storm:1', limit: 1 })).length, 0);
    assert.equal((await app.store.storm.ended(clock.now())).map((w) => w.id).join(), '1', 'window 1 is kept, to be tried again');
    await bus.drain();
    assert.deepEqual(
      faults.map((f) => f.fault),
      ['notification-failed'],
    );
    assert.match(faults[0]!.detail, /bravo/);
  } finally {
    await app.close();
    ws.cleanup();
  }
});

test('a fault whose detail holds {{…}}, or whose override template is broken, still alerts', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace();
  const overrides = path.join(ws.dir, 'templates');
  mkdirSync(overrides);
  writeFileSync(path.join(overrides, 'service-fault.text.txt'), 'Fault: {{nosuchvariable}}\n');
  ws.write(smtpConfig({ servers: [{ port: peer.port }], extra: '' }).replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  templates: templates\n'));
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: new RecordingSystemLog() });
  try {
    app.events.emit({ kind: 'service.fault', fault: 'vault-unreachable', detail: `cannot open ${LOCK}`, set: 'db', at: clock.now() });
    app.events.emit({ kind: 'service.fault', fault: 'engine-missing', detail: 'restic is not installed', set: 'offsite', at: clock.now() });
    await app.events.drain();
    await app.dispatcher.runPass();
    assert.equal(peer.received.length, 2, 'both faults alerted');
    const vault = peer.received.find((m) => /vault unreachable/.test(m.parsed.subject ?? ''))!;
    assert.ok((vault.parsed.text ?? '').includes(LOCK), vault.parsed.text);
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});

test('an alert that cannot be queued is itself a service fault, sent around the Outbox and to the system log (§4)', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: `sets:\n${SETS}` }));
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSyslog });
  try {
    const syslog = new RecordingSystemLog();
    const direct = new TransportDirectSender(app.transports, 'vigil-test.example.com', clock);
    const { bus } = poisonedNotifications(app, (r) => (r.dedupeKey ?? '').startsWith('backup:'), syslog, direct);
    bus.emit(failedEvent('alpha', await recordFailed(app, 'alpha', 'alpha exited with status 1'), clock.now(), 'alpha exited with status 1'));
    await bus.drain();
    assert.equal((await app.store.outbox.list({ limit: 10 })).length, 0, 'nothing went through the Outbox');
    assert.equal(peer.received.length, 1, 'the fault alert was sent directly');
    const mail = peer.received[0]!.parsed;
    assert.match(mail.subject ?? '', /FAULT on vigil-test\.example\.com: alert not queued/);
    assert.match(mail.text ?? '', /backup alpha failed \(activity \d+\) could not be queued: cannot store backup:alpha:/);
    assert.equal(syslog.lines.length, 1);
    assert.match(syslog.lines[0]!, /^service fault notification-failed: /);
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});
