import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, type AppContext } from '../../src/app/context.js';
import type { BackupEvent } from '../../src/domain/events.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { FakeClock } from '../helpers/fake-clock.js';

// Issue 18 §10: the "Could not deliver" preface names only what is still undelivered.

const quietSyslog: SystemLog = { async critical() {} };
const SETS = 'sets:\n  documents:\n    engine: command\n    command: [/bin/false]\n  photos:\n    engine: command\n    command: [/bin/false]\n  mail:\n    engine: command\n    command: [/bin/false]\n';

async function fail(app: AppContext, clock: FakeClock, set: string, firstError: string): Promise<void> {
  const counters = { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 };
  const activity = await app.store.activity.record({ kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt: clock.now() }, { status: 'failed', endedAt: clock.now(), counters, log: [{ severity: 'error', message: firstError, path: null }], logDropped: 0 });
  app.events.emit({ kind: 'backup.failed', status: 'failed', set, engine: 'command', activityId: activity.id, trigger: 'schedule', startedAt: clock.now(), endedAt: clock.now(), scheduledFor: null, counters, firstError, snapshotId: null, at: clock.now() } as BackupEvent);
  await app.events.drain();
}

test('an overdue alert delivered late is not named in the next mail; one still undelivered is', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }).replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  stormWindow: 0s\n'));
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSyslog });
  try {
    // The relay defers everything: the documents alert stays queued past escalateAfter.
    peer.inject({ at: 'RCPT', code: 450, text: '4.2.0 try later' });
    await fail(app, clock, 'documents', 'vault unreachable');
    await app.dispatcher.runPass();
    clock.advance(16 * 60_000);
    assert.equal((await app.notifications.escalator.checkOverdue()).length, 1, 'the documents alert escalated');

    // The relay recovers and the alert goes out, late.
    peer.injections.length = 0;
    await app.dispatcher.runPass();
    assert.equal(peer.received.length, 1);
    assert.match(peer.received[0]!.parsed.subject ?? '', /documents failed/);

    // A minute later another alert: it must not claim the documents alert was not delivered.
    clock.advance(60_000);
    await fail(app, clock, 'photos', 'disk on fire');
    await app.dispatcher.runPass();
    const photos = peer.received.find((m) => /photos failed/.test(m.parsed.subject ?? ''))!;
    assert.ok(photos, 'the photos alert arrived');
    assert.doesNotMatch(photos.parsed.text ?? '', /Could not deliver/, photos.parsed.text);
    assert.deepEqual(await app.store.escalations.unreported(), [], 'nothing is left to report');

    // Control: an alert still stuck when the next mail is rendered is named in it.
    peer.inject({ at: 'RCPT', code: 450, text: '4.2.0 try later', times: 1 });
    await fail(app, clock, 'mail', 'mailbox locked');
    await app.dispatcher.runPass();
    clock.advance(16 * 60_000);
    assert.equal((await app.notifications.escalator.checkOverdue()).length, 1);
    await fail(app, clock, 'documents', 'vault still unreachable');
    await app.dispatcher.runPass();
    const documents = peer.received.filter((m) => /documents failed/.test(m.parsed.subject ?? '')).at(-1)!;
    assert.match(documents.parsed.text ?? '', /^Could not deliver: \[Vigil\] mail failed on vigil-test\.example\.com/);
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});
