import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdmin } from '../../src/app/admin-wiring.js';
import { openApp } from '../../src/app/context.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { FakeClock } from '../helpers/fake-clock.js';

// Issue 18 §25: alerts and pager lines show times in admin.timezone, in one format per message.

const PAGER = '5551234567@pager.example.com';
const quietSyslog: SystemLog = { async critical() {} };
// Any instant written the UTC way (2026-11-20 10:00 UTC) or the ISO way (2026-11-20T10:00…).
const OTHER_FORMATS = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\d{2}:\d{2} UTC(?!\+)/;

test('admin.timezone Europe/Berlin: the alert, its pager line and the missed reason all say 11:00 UTC+1, nothing else', async () => {
  const peer = await SmtpPeer.start();
  const sets = 'admin:\n  timezone: Europe/Berlin\n  grace: 1.5\nsets:\n  db:\n    engine: command\n    command: [/bin/false]\n  hourly:\n    engine: command\n    command: [/bin/true]\n    schedule: "0 * * * *"\n';
  const ws = new Workspace(
    smtpConfig({ servers: [{ port: peer.port }], extra: sets })
      .replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  pager: [oncall]\n  stormWindow: 0s\n')
      .replace('      admins: [ops@example.com]\n', `      admins: [ops@example.com]\n      oncall: [${PAGER}]\n`),
  );
  const clock = new FakeClock(Date.parse('2026-11-20T10:00:00Z'));
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSyslog });
  try {
    await app.runner.run('db', { trigger: 'manual' });
    await app.events.drain();
    await app.dispatcher.runPass();
    const mail = peer.received.find((m) => m.to.includes('ops@example.com'))!;
    const text = mail.parsed.text ?? '';
    assert.match(text, /ended failed at 2026-11-20 11:00 UTC\+1/);
    assert.doesNotMatch(text, OTHER_FORMATS, text);
    const page = (peer.received.find((m) => m.to.includes(PAGER))!.parsed.text ?? '').trim();
    assert.match(page, / 2026-11-20 11:00 UTC\+1/, page);

    // The watchdog's missed reason speaks the same zone and format as the message around it.
    const watchdog = buildAdmin(app).watchdog;
    await watchdog.check();
    clock.set(Date.parse('2026-11-20T12:31:00Z'));
    assert.deepEqual((await watchdog.check()).missed, ['hourly']);
    await app.events.drain();
    await app.dispatcher.runPass();
    const missed = peer.received.find((m) => /hourly missed/.test(m.parsed.subject ?? ''))!;
    const missedText = missed.parsed.text ?? '';
    assert.match(missedText, /due at 2026-11-20 12:00 UTC\+1/, missedText);
    assert.doesNotMatch(missedText, OTHER_FORMATS, missedText);
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});
