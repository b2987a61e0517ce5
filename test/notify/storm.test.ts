import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, type AppContext } from '../../src/app/context.js';
import type { BackupEvent } from '../../src/domain/events.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { stormVars } from '../../src/notify/storm.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { FakeClock } from '../helpers/fake-clock.js';

const PAGER = '5551234567@pager.example.com';
const SETS = 50;
const quietSyslog: SystemLog = { async critical() {} };

function config(port: number): string {
  const sets = Array.from({ length: SETS }, (_, i) => `  set${String(i).padStart(2, '0')}:\n    engine: command\n    command: [/bin/false]\n`).join('');
  return smtpConfig({ servers: [{ port }], extra: `sets:\n${sets}` })
    .replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  pager: [oncall]\n')
    .replace('      admins: [ops@example.com]\n', `      admins: [ops@example.com]\n      oncall: [${PAGER}]\n`);
}

function emitFailure(app: AppContext, clock: FakeClock, set: string, activityId: number, firstError: string): void {
  const counters = { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 };
  app.events.emit({ kind: 'backup.failed', status: 'failed', set, engine: 'command', activityId, trigger: 'schedule', startedAt: clock.now(), endedAt: clock.now(), scheduledFor: null, counters, firstError, snapshotId: null, at: clock.now() } as BackupEvent);
}

async function record(app: AppContext, clock: FakeClock, set: string, firstError: string): Promise<number> {
  const counters = { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 };
  const a = await app.store.activity.record({ kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt: clock.now() }, { status: 'failed', endedAt: clock.now(), counters, log: [{ severity: 'error', message: firstError, path: null }], logDropped: 0 });
  return a.id;
}

test('50 sets failing within the window → the first alert at once + ONE grouped message (and one grouped page), surviving a restart', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(config(peer.port));
  const clock = new FakeClock();
  let app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSyslog });
  try {
    // The first failure alone: it goes out at once.
    const cause = 'vault /mnt/vault unreachable (after 3 tries)';
    emitFailure(app, clock, 'set00', await record(app, clock, 'set00', cause), cause);
    await app.events.drain();
    await app.dispatcher.runPass();
    assert.equal(peer.received.length, 2, 'first alert + its page, at once');
    assert.match(peer.received.find((m) => m.to.includes('ops@example.com'))!.parsed.subject ?? '', /^\[Vigil\] set00 failed/);

    // 49 more within the window (spread over 20 s of fake time): held, nothing sent.
    for (let i = 1; i < SETS; i++) {
      if (i % 5 === 0) clock.advance(2_000);
      const set = `set${String(i).padStart(2, '0')}`;
      const error = `vault /mnt/vault unreachable (after ${i} tries)`;
      emitFailure(app, clock, set, await record(app, clock, set, error), error);
    }
    await app.events.drain();
    await app.dispatcher.runPass();
    assert.equal(peer.received.length, 2, 'held while the window is open');
    await app.notifications.tick();
    await app.dispatcher.runPass();
    assert.equal(peer.received.length, 2, 'the window has not ended yet');

    // A crash-like restart: the held failures are in the database, not in memory.
    await app.close();
    app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSyslog });
    clock.advance(30_000);
    await app.notifications.tick();
    await app.dispatcher.runPass();
    assert.equal(peer.received.length, 4, 'first alert + page, then ONE grouped mail + ONE grouped page — not 50');

    const group = peer.received.find((m) => m.to.includes('ops@example.com') && /50 sets/.test(m.parsed.subject ?? ''))!;
    assert.ok(group, 'the grouped message arrived');
    assert.equal(group.parsed.subject, '[Vigil] 50 sets failed on vigil-test.example.com: vault /mnt/vault unreachable (after 3 tries)');
    const text = group.parsed.text ?? '';
    for (let i = 0; i < SETS; i++) assert.match(text, new RegExp(`^set${String(i).padStart(2, '0')} +failed +2026-11-20 10:00 UTC +vault`, 'm'));
    assert.match(text, /Shared cause: vault \/mnt\/vault unreachable/);
    assert.match(text, /^set00 .*\(alerted at once\)$/m);
    const page = peer.received.find((m) => m.to.includes(PAGER) && /50 sets/.test(m.parsed.text ?? ''))!;
    const line = (page.parsed.text ?? '').trim();
    assert.ok([...line].length <= 160, line);
    assert.match(line, /^vigil-test\.example\.com 50 sets failed: vault \/mnt\/vault unreachable/);

    // Flushed once: nothing more on later ticks.
    clock.advance(60_000);
    await app.notifications.tick();
    await app.dispatcher.runPass();
    assert.equal(peer.received.length, 4);
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});

test('storm text: no shared cause when first errors differ; statuses joined', () => {
  const f = (set: string, status: string, firstError: string) => ({ set, status, firstError, activityId: 1, endedAt: Date.parse('2026-11-20T10:00:00Z') });
  const vars = stormVars('h', { first: f('a', 'failed', 'vault unreachable'), held: [f('b', 'missed', 'not run in its window')] }, 30_000);
  assert.equal(vars.cause, '');
  assert.equal(vars.statuses, 'failed/missed');
  assert.equal(vars.count, 2);
  const same = stormVars('h', { first: f('a', 'failed', 'timeout after 3s'), held: [f('b', 'failed', 'timeout after 45s')] }, 30_000);
  assert.equal(same.cause, 'timeout after 3s', 'numbers do not make causes differ');
});
