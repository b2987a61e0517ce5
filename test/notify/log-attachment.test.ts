import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { openApp, type AppContext } from '../../src/app/context.js';
import type { BackupEvent } from '../../src/domain/events.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { FakeClock } from '../helpers/fake-clock.js';

const SETS = 'sets:\n  documents:\n    engine: command\n    command: [/bin/false]\n    notify: { detail: warnings }\n';

async function failWith(app: AppContext, clock: FakeClock, entries: number): Promise<number> {
  const log = Array.from({ length: entries }, (_, i) => ({ severity: (i % 2 ? 'warning' : 'error') as 'warning' | 'error', message: `cannot read file ${i}`, path: `/srv/docs/f${i}` }));
  const counters = { files: entries, bytesScanned: 0, bytesNew: 0, errors: Math.ceil(entries / 2), warnings: Math.floor(entries / 2) };
  const a = await app.store.activity.record({ kind: 'backup', set: 'documents', engine: 'command', trigger: 'schedule', startedAt: clock.now() }, { status: 'completed-with-errors', endedAt: clock.now(), counters, log, logDropped: 0 });
  app.events.emit({ kind: 'backup.completed-with-errors', status: 'completed-with-errors', set: 'documents', engine: 'command', activityId: a.id, trigger: 'schedule', startedAt: clock.now(), endedAt: clock.now(), scheduledFor: null, counters, firstError: 'cannot read file 0', snapshotId: null, at: clock.now() } as BackupEvent);
  await app.events.drain();
  await app.dispatcher.runPass();
  return a.id;
}

test('a log longer than the excerpt is attached whole as <set>-<activityId>.log.gz; a short one is not', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }));
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: { async critical() {} } });
  try {
    const id = await failWith(app, clock, 45);
    const mail = peer.received.at(-1)!;
    assert.match(mail.parsed.text ?? '', /… and 25 more/);
    assert.equal(mail.parsed.attachments.length, 1);
    const attachment = mail.parsed.attachments[0]!;
    assert.equal(attachment.filename, `documents-${id}.log.gz`);
    assert.equal(attachment.contentType, 'application/gzip');
    const full = gunzipSync(attachment.content).toString();
    assert.match(full, new RegExp(`^# Vigil activity ${id}: backup set documents, completed-with-errors, 45 log entries\\n`));
    assert.match(full, /^ERROR: cannot read file 0 \(\/srv\/docs\/f0\)$/m);
    assert.match(full, /^WARNING: cannot read file 44 \(\/srv\/docs\/f44\)$|^ERROR: cannot read file 44 \(\/srv\/docs\/f44\)$/m);
    assert.equal(full.trim().split('\n').length, 46);

    clock.advance(86_400_000);
    await failWith(app, clock, 5);
    assert.equal(peer.received.length, 2);
    assert.equal(peer.received.at(-1)!.parsed.attachments.length, 0, 'the excerpt shows everything: no attachment');
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});
