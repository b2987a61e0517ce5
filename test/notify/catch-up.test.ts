import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApp, type AppContext } from '../../src/app/context.js';
import { Scheduler } from '../../src/backup/scheduler.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { silentLogger } from '../../src/domain/logger.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { FakeClock } from '../helpers/fake-clock.js';

// Issue 18 item 15: a set whose missed window and recovery fall within notification.stormWindow
// of each other sends one message — not MISSED (paged), then RECOVERED (paged) a second later.
const PAGER = '5551234567@pager.example.com';
const quietSyslog: SystemLog = { async critical() {} };
const T0 = Date.parse('2026-11-20T10:00:30Z');
const quiet = (m: { to: string[] }) => m.to.includes('ops@example.com');

function config(port: number, command: string): string {
  return smtpConfig({ servers: [{ port }], extra: `sets:\n  db: { engine: command, command: [${command}], schedule: "0 * * * *" }\n` })
    .replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  pager: [oncall]\n')
    .replace('      admins: [ops@example.com]\n', `      admins: [ops@example.com]\n      oncall: [${PAGER}]\n`);
}

function scheduler(app: AppContext, clock: FakeClock): Scheduler {
  return new Scheduler({ sets: app.loaded.config.sets, runner: app.runner, state: app.store.schedules, clock, log: silentLogger, catchUpWindowMs: 15 * 60_000 });
}

/**
 * A first start at 10:00:30, then the service down until 14:02: 11:00, 12:00 and 13:00 are
 * missed and 14:00 is caught up by the scheduler returned (its recover() has run).
 */
async function downThenRestart(app: AppContext, clock: FakeClock): Promise<Scheduler> {
  const first = scheduler(app, clock);
  await first.recover();
  await first.stop();
  clock.set(Date.parse('2026-11-20T14:02:00Z'));
  const second = scheduler(app, clock);
  await second.recover();
  return second;
}

async function deliver(app: AppContext): Promise<void> {
  await app.events.drain();
  await app.notifications.tick();
  await app.events.drain();
  await app.dispatcher.runPass();
}

test('runs missed while the service was down, then caught up within the storm window: one message, no page', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(config(0, '/bin/true'));
  ws.write(config(peer.port, '/bin/true'));
  const clock = new FakeClock(T0);
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSyslog });
  try {
    const second = await downThenRestart(app, clock);
    await second.idle();
    await deliver(app);
    clock.advance(60_000); // past the window: nothing held back comes out later either
    await deliver(app);
    assert.equal(peer.received.length, 1, peer.received.map((m) => `${m.to.join(',')}: ${m.parsed.subject}`).join('\n'));
    const [message] = peer.received;
    assert.ok(quiet(message!), 'to the admins, not the pager');
    assert.match(message!.parsed.subject ?? '', /db/);
    assert.match(message!.parsed.text ?? '', /missed/i);
    await second.stop();
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});

test('a catch-up run still going when the storm window ends: the missed runs are alerted then, the recovery later', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(config(0, '/bin/true'));
  const release = path.join(ws.dir, 'release');
  const script = path.join(ws.dir, 'wait.sh');
  writeFileSync(script, `#!/bin/sh\nfor i in $(seq 600); do [ -e ${release} ] && exit 0; sleep 0.1; done\nexit 1\n`);
  chmodSync(script, 0o755);
  ws.write(config(peer.port, script));
  const clock = new FakeClock(T0);
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSyslog });
  try {
    const second = await downThenRestart(app, clock);
    await deliver(app);
    assert.equal(peer.received.length, 0, 'held while the catch-up runs, within the window');
    clock.advance(31_000); // the 30 s storm window has passed; the catch-up is still running
    await deliver(app);
    assert.ok(peer.received.some((m) => quiet(m) && /missed/i.test(m.parsed.subject ?? '')), 'MISSED alerted once the window ended');
    assert.ok(peer.received.some((m) => m.to.includes(PAGER)), 'and paged');
    const before = peer.received.length;
    writeFileSync(release, '');
    await second.idle();
    await deliver(app);
    assert.ok(peer.received.slice(before).some((m) => quiet(m) && /completed|back/i.test(m.parsed.subject ?? '')), 'then the recovery');
    await second.stop();
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});
