import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApp, type AppContext } from '../../src/app/context.js';
import type { BackupEvent } from '../../src/domain/events.js';
import type { FinalStatus } from '../../src/domain/activity.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { FakeClock } from '../helpers/fake-clock.js';

const HOUR = 3_600_000;
const HOSTILE = '/srv/docs/<script>alert(1)</script>.txt';

const SETS = `
sets:
  documents:
    engine: command
    command: [/bin/false]
    notify: { to: [alice@example.com], detail: errors }
  database:
    engine: command
    command: [/bin/false]
    notify: { on: [failed], subject: "DB {{set}} is {{status}}", after: 2 }
`;

async function setup(extraNotification = '') {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(
    smtpConfig({ servers: [{ port: peer.port }], extra: SETS }).replace(
      'notification:\n  admins: [admins]\n',
      `notification:\n  admins: [admins]\n  pager: [oncall]\n  remindEvery: 24h\n${extraNotification}`,
    ).replace('      admins: [ops@example.com]\n', '      admins: [ops@example.com]\n      oncall: [5551234567@pager.example.com]\n'),
  );
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error' });
  return { peer, ws, clock, app, async close() { await app.close(); await peer.stop(); ws.cleanup(); } };
}

/** Records a real activity (with its log) and emits the event the runner would. */
async function finishRun(app: AppContext, clock: FakeClock, set: string, status: FinalStatus, firstError: string | null, log: Array<{ severity: 'error' | 'warning' | 'info'; message: string; path: string | null }> = []) {
  const startedAt = clock.now() - 60_000;
  const counters = { files: 10, bytesScanned: 100, bytesNew: 10, errors: log.filter((l) => l.severity === 'error').length, warnings: log.filter((l) => l.severity === 'warning').length };
  const activity = await app.store.activity.record({ kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt }, { status, endedAt: clock.now(), counters, log, logDropped: 0 });
  const event = { kind: `backup.${status}`, status, set, engine: 'command', activityId: activity.id, trigger: 'schedule', startedAt, endedAt: clock.now(), scheduledFor: null, counters, firstError, snapshotId: null, at: clock.now() } as BackupEvent;
  app.events.emit(event);
  await app.events.drain();
  await app.dispatcher.runPass();
}

test('e2e: a failing set alerts admins + set recipients, pages on-call in <= 160 chars, escapes HTML', async () => {
  const t = await setup();
  try {
    await finishRun(t.app, t.clock, 'documents', 'failed', `cannot read ${HOSTILE}: permission denied`, [
      { severity: 'error', message: 'permission denied', path: HOSTILE },
      { severity: 'warning', message: 'skipped socket', path: '/srv/docs/sock' },
    ]);
    assert.equal(t.peer.received.length, 2);
    const mail = t.peer.received.find((m) => m.to.includes('ops@example.com'))!;
    assert.ok(mail, 'admin alert arrived');
    assert.deepEqual([...mail.to].sort(), ['alice@example.com', 'ops@example.com']);
    assert.equal(mail.parsed.subject, '[Vigil] documents failed on vigil-test.example.com');
    const text = mail.parsed.text ?? '';
    assert.match(text, /ended failed at 2026-11-20 10:00 UTC/);
    assert.ok(text.includes(`ERROR: permission denied (${HOSTILE})`), text);
    assert.ok(!text.includes('skipped socket'), 'detail: errors leaves warnings out');
    const html = String(mail.parsed.html);
    assert.ok(!html.includes('<script>'), 'hostile path escaped in HTML');
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
    assert.equal(mail.parsed.headers.get('auto-submitted'), 'auto-generated');
    assert.match(mail.raw.toString(), /^List-Id: Vigil backup notifications <backup\.vigil-test\.example\.com>\r$/im);
    assert.equal(mail.parsed.headers.get('precedence'), 'bulk');
    assert.equal(mail.parsed.headers.get('x-auto-response-suppress'), 'All');

    const page = t.peer.received.find((m) => m.to.includes('5551234567@pager.example.com'))!;
    assert.ok(page, 'pager message arrived');
    const line = (page.parsed.text ?? '').trim();
    assert.ok([...line].length <= 160, `pager line is ${line.length} chars`);
    assert.ok(!line.includes('\n'));
    assert.match(line, /^vigil-test\.example\.com documents FAILED 2026-11-20 10:00 UTC: cannot read/);
    assert.equal(page.parsed.html, false);
    assert.equal(page.parsed.attachments.length, 0);
    assert.equal(page.parsed.headers.get('precedence'), 'bulk', 'the pager form is machine mail too');
  } finally {
    await t.close();
  }
});

test('e2e: repeated failures → one alert, reminders on remindEvery, then a recovery notice', async () => {
  const t = await setup();
  try {
    const fail = () => finishRun(t.app, t.clock, 'documents', 'failed', 'vault unreachable');
    await fail(); // alert (+ page)
    const afterAlert = t.peer.received.length;
    assert.equal(afterAlert, 2);
    for (let i = 0; i < 5; i++) {
      t.clock.advance(4 * HOUR); // 20h after the alert
      await fail();
    }
    assert.equal(t.peer.received.length, afterAlert, 'no mail per run while failing the same way');
    t.clock.advance(4 * HOUR); // 24h
    await fail();
    assert.equal(t.peer.received.length, afterAlert + 1, 'one reminder, not paged');
    const reminder = t.peer.received.at(-1)!;
    assert.match(reminder.parsed.subject ?? '', /^\[Vigil\] Reminder: documents failed/);
    assert.match(reminder.parsed.text ?? '', /failing since 2026-11-20 10:00 UTC \(7 runs in a row\)/);

    t.clock.advance(HOUR);
    await finishRun(t.app, t.clock, 'documents', 'completed', null);
    const recovery = t.peer.received.filter((m) => /recovered/i.test(m.parsed.subject ?? ''));
    assert.equal(recovery.length, 2, 'recovery mail and recovery page');
    const mail = recovery.find((m) => m.to.includes('ops@example.com'))!;
    assert.match(mail.parsed.text ?? '', /documents on vigil-test\.example\.com is back to completed at .* after 7 failed runs since 2026-11-20 10:00 UTC \(last: failed\)/);

    const before = t.peer.received.length;
    t.clock.advance(HOUR);
    await finishRun(t.app, t.clock, 'documents', 'completed', null);
    assert.equal(t.peer.received.length, before, 'nothing for a further success');
  } finally {
    await t.close();
  }
});

test('e2e: streak state survives a restart (no second alert after reopening)', async () => {
  const t = await setup();
  try {
    await finishRun(t.app, t.clock, 'documents', 'failed', 'vault unreachable');
    assert.equal(t.peer.received.length, 2);
    await t.app.close();
    t.app = openApp({ configFile: t.ws.configFile, clock: t.clock, logLevel: 'error' });
    t.clock.advance(HOUR);
    await finishRun(t.app, t.clock, 'documents', 'failed', 'vault unreachable');
    assert.equal(t.peer.received.length, 2);
  } finally {
    await t.close();
  }
});

test('e2e: after: 2, subject override, and statuses outside on are ignored', async () => {
  const t = await setup();
  try {
    await finishRun(t.app, t.clock, 'database', 'completed-with-errors', 'x');
    await finishRun(t.app, t.clock, 'database', 'failed', 'dump failed');
    assert.equal(t.peer.received.length, 0, 'first failure is below after: 2');
    await finishRun(t.app, t.clock, 'database', 'failed', 'dump failed');
    const mail = t.peer.received.find((m) => m.to.includes('ops@example.com'))!;
    assert.equal(mail.parsed.subject, 'DB database is failed');
  } finally {
    await t.close();
  }
});

test('e2e: template override from notification.templates; a broken one falls back to the shipped template', async () => {
  const t = await setup('  templates: ./my-templates\n');
  try {
    const dir = path.join(t.ws.dir, 'my-templates');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'backup-alert.subject.txt'), 'ALERT {{set}}/{{status}}\n');
    writeFileSync(path.join(dir, 'pager.txt'), 'PAGE {{set}} {{nosuchvar}}\n');
    await finishRun(t.app, t.clock, 'documents', 'missed', 'not run in its window');
    const mail = t.peer.received.find((m) => m.to.includes('ops@example.com'))!;
    assert.equal(mail.parsed.subject, 'ALERT documents/missed');
    const page = t.peer.received.find((m) => m.to.includes('5551234567@pager.example.com'))!;
    assert.match(page.parsed.text ?? '', /^vigil-test\.example\.com documents MISSED/);
  } finally {
    await t.close();
  }
});
