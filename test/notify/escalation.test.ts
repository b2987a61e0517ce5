import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { openApp, type AppContext } from '../../src/app/context.js';
import { LoggerProgramSystemLog } from '../../src/app/system-log.js';
import type { BackupEvent } from '../../src/domain/events.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { SmtpPeer, closedPort } from '../helpers/smtp-peer.js';
import { smtpConfig, TEST_PASSWORD } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { waitFor } from '../helpers/wait-for.js';

const PAGER = '5551234567@pager.example.com';

/** A system log that remembers what it was told (the real one is tested below against `logger`). */
class RecordingSystemLog implements SystemLog {
  readonly lines: string[] = [];
  async critical(line: string): Promise<void> {
    this.lines.push(line);
  }
}

function config(officePort: number, options: { auth?: boolean; relayPort?: number } = {}): string {
  const relay = options.relayPort === undefined ? '' : `  relay:\n    method: smtp\n    from: "Vigil relay <relay@example.com>"\n    servers:\n      - host: 127.0.0.1\n        port: ${options.relayPort}\n        security: none\n`;
  return smtpConfig({ servers: [{ port: officePort, ...(options.auth ? { auth: true } : {}) }], extra: 'sets:\n  documents:\n    engine: command\n    command: [/bin/false]\n  photos:\n    engine: command\n    command: [/bin/false]\n' })
    .replace('notification:\n  admins: [admins]\n', `${relay}notification:\n  admins: [admins]\n  pager: [oncall]\n  stormWindow: 0s\n`)
    .replace('      admins: [ops@example.com]\n', `      admins: [ops@example.com]\n      oncall: [${PAGER}]\n`);
}

async function fail(app: AppContext, clock: FakeClock, set: string, firstError: string): Promise<void> {
  const counters = { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 };
  const activity = await app.store.activity.record({ kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt: clock.now() }, { status: 'failed', endedAt: clock.now(), counters, log: [{ severity: 'error', message: firstError, path: null }], logDropped: 0 });
  app.events.emit({ kind: 'backup.failed', status: 'failed', set, engine: 'command', activityId: activity.id, trigger: 'schedule', startedAt: clock.now(), endedAt: clock.now(), scheduledFor: null, counters, firstError, snapshotId: null, at: clock.now() } as BackupEvent);
  await app.events.drain();
}

/** Delivery passes until the bus is quiet (escalation reacts to delivery events). */
async function deliver(app: AppContext): Promise<void> {
  await app.dispatcher.runPass();
  await app.events.drain();
  await app.dispatcher.runPass();
  await app.events.drain();
}

test('credentials refused → profile paused → pager form through another profile, system log, preface in the next delivered mail', async () => {
  const office = await SmtpPeer.start({ auth: { user: 'vigil', pass: TEST_PASSWORD } });
  const relay = await SmtpPeer.start();
  const ws = new Workspace(config(office.port, { auth: true, relayPort: relay.port }));
  const clock = new FakeClock();
  const syslog = new RecordingSystemLog();
  let app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', env: { TEST_SMTP_PASS: 'wrong-password' }, systemLog: syslog });
  try {
    await fail(app, clock, 'documents', 'vault unreachable');
    await deliver(app);
    assert.equal(office.received.length, 0, 'the office server refused the credentials');
    assert.ok((await app.store.profiles.get('office')).pausedUntil, 'office is paused');

    const escalations = await app.store.escalations.unreported();
    assert.deepEqual(escalations.map((e) => e.kind).sort(), ['backup.failed', 'pager.backup.failed']);
    assert.ok(escalations.every((e) => e.trigger === 'paused' && /profile office paused/.test(e.reason)));
    assert.equal(syslog.lines.length, 2, 'each undelivered message is in the system log');
    assert.match(syslog.lines.join('\n'), /could not deliver critical message "\[Vigil\] documents failed on vigil-test\.example\.com"/);

    assert.equal(relay.received.length, 1, 'ONE pager message, through the other profile');
    const page = relay.received[0]!;
    assert.deepEqual(page.to, [PAGER]);
    const line = (page.parsed.text ?? '').trim();
    assert.ok([...line].length <= 160, line);
    assert.match(line, /^vigil-test\.example\.com MAIL FAILED \(2 msgs\) 2026-11-20 10:00 UTC: \[Vigil\] documents failed on vigil-test\.example\.com \(profile office paused: /);
    assert.equal(page.parsed.headers.get('precedence'), 'bulk');

    // Escalation happens once per message, however often it is checked.
    clock.advance(3_600_000);
    await app.notifications.tick();
    await app.events.drain();
    assert.equal((await app.store.escalations.since(0)).length, 2);
    assert.equal(syslog.lines.length, 2);

    // The credentials are fixed; the next notification enqueued starts with what was lost.
    await app.close();
    app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', env: { TEST_SMTP_PASS: TEST_PASSWORD }, systemLog: syslog });
    await app.store.profiles.resume('office');
    await fail(app, clock, 'photos', 'disk on fire');
    await deliver(app);
    const photos = office.received.find((m) => /photos failed/.test(m.parsed.subject ?? '') && m.to.includes('ops@example.com'));
    assert.ok(photos, 'the photos alert was delivered');
    assert.match(photos.parsed.text ?? '', /^Could not deliver: \[Vigil\] documents failed on vigil-test\.example\.com \(2026-11-20 10:00 UTC, profile office paused: .*\)\n/);
    assert.match(String(photos.parsed.html), /Could not deliver: \[Vigil\] documents failed/);
    const pagerPhotos = office.received.find((m) => m.to.includes(PAGER) && /photos/.test(m.parsed.text ?? ''));
    assert.ok(pagerPhotos && !/Could not deliver/.test(pagerPhotos.parsed.text ?? ''), 'pager forms are never prefaced');
    assert.deepEqual(await app.store.escalations.unreported(), [], 'reported');
  } finally {
    await app.close();
    await office.stop();
    await relay.stop();
    ws.cleanup();
  }
});

test('a permanent failure escalates; with no other profile the pager form goes through the same one', async () => {
  const peer = await SmtpPeer.start();
  peer.inject({ at: 'DATA', code: 554, text: '5.6.0 message refused', times: 2 });
  const ws = new Workspace(config(peer.port));
  const clock = new FakeClock();
  const syslog = new RecordingSystemLog();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: syslog });
  try {
    await fail(app, clock, 'documents', 'vault unreachable');
    await deliver(app);
    const escalations = await app.store.escalations.since(0);
    assert.equal(escalations.length, 2);
    assert.ok(escalations.every((e) => e.trigger === 'failed' && /554/.test(e.reason)), JSON.stringify(escalations));
    const pages = peer.received.filter((m) => /MAIL FAILED/.test(m.parsed.subject ?? ''));
    assert.equal(pages.length, 2, 'one pager form per failure event, through the same profile');
    assert.equal(syslog.lines.length, 2);
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});

test('a critical message still undelivered after escalateAfter escalates (fake clock), once', async () => {
  const port = await closedPort();
  const ws = new Workspace(config(port));
  const clock = new FakeClock();
  const syslog = new RecordingSystemLog();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: syslog });
  try {
    await fail(app, clock, 'documents', 'vault unreachable');
    await deliver(app);
    await app.notifications.tick();
    assert.equal(syslog.lines.length, 0, 'not yet overdue');
    clock.advance(15 * 60_000);
    await app.notifications.tick();
    await app.notifications.tick();
    const escalations = await app.store.escalations.since(0);
    assert.equal(escalations.length, 2);
    assert.ok(escalations.every((e) => e.trigger === 'overdue' && /^not delivered after 15m 0s/.test(e.reason)), JSON.stringify(escalations));
    assert.equal(syslog.lines.length, 2);
  } finally {
    await app.close();
    ws.cleanup();
  }
});

test('the real logger program writes user.crit with tag vigil to a syslog socket we own', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-syslog-'));
  const socketPath = path.join(dir, 'log.sock');
  const received: string[] = [];
  const server = net.createServer((socket) => socket.on('data', (d: Buffer) => received.push(d.toString())));
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  try {
    const fallback = new PassThrough();
    let fell = '';
    fallback.on('data', (d: Buffer) => (fell += d.toString()));
    // --socket: logger writes to our unix stream socket instead of /dev/log; --socket-errors=on
    // makes a socket problem an exit status, so a wrong assertion cannot pass by accident.
    const syslog = new LoggerProgramSystemLog({ extraArgs: ['--socket', socketPath, '--socket-errors=on'], fallback });
    await syslog.critical('could not deliver "documents failed"\nsecond line');
    await waitFor(() => received.join('').includes('\n'));
    const entry = received.join('');
    // <10> = facility user (1) * 8 + severity crit (2).
    assert.match(entry, /^<10>.* vigil: could not deliver "documents failed" second line\n$/);
    assert.equal(fell, '', 'no fallback needed');
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('when logger is missing or fails, the entry goes to stderr with a clear line', async () => {
  const fallback = new PassThrough();
  let fell = '';
  fallback.on('data', (d: Buffer) => (fell += d.toString()));
  await new LoggerProgramSystemLog({ program: '/nonexistent/logger', fallback }).critical('mail is down');
  assert.match(fell, /CRIT {2}vigil: could not write to the system log \(\/nonexistent\/logger is not installed\); the entry was: mail is down\n$/);
  fell = '';
  await new LoggerProgramSystemLog({ extraArgs: ['--socket', '/nonexistent/socket', '--socket-errors=on'], fallback }).critical('mail is down');
  assert.match(fell, /could not write to the system log \(logger exited with status 1.*\); the entry was: mail is down/);
});
