import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdmin } from '../../src/app/admin-wiring.js';
import { openApp } from '../../src/app/context.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

const MIN = 60_000;
const T0 = Date.parse('2026-11-20T10:00:00Z');

const SETS = `
admin:
  grace: 1.5
sets:
  hourly:
    engine: command
    command: [/bin/true]
    schedule: "0 * * * *"
  manual-only:
    engine: command
    command: [/bin/true]
`;

async function setup() {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }));
  const clock = new FakeClock(T0);
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error' });
  const admin = buildAdmin(app);
  return {
    peer,
    clock,
    app,
    admin,
    /** Lets notification handle what was emitted, then delivers. */
    async deliver() {
      await app.events.drain();
      await app.dispatcher.runPass();
    },
    async close() {
      await app.close();
      await peer.stop();
      ws.cleanup();
    },
  };
}

const kinds = (peer: SmtpPeer) => peer.received.map((m) => m.parsed.headers.get('x-vigil-kind'));

test('a scheduled set that silently stops running is recorded missed once, alerted once, and recovers with a notice', async () => {
  const t = await setup();
  try {
    assert.deepEqual((await t.admin.watchdog.check()).missed, [], 'the first look only starts watching');
    // Due at 11:00; interval 1 h × grace 1.5: still fine at 12:29.
    t.clock.set(Date.parse('2026-11-20T12:29:00Z'));
    assert.deepEqual((await t.admin.watchdog.check()).missed, []);
    t.clock.set(Date.parse('2026-11-20T12:31:00Z'));
    assert.deepEqual((await t.admin.watchdog.check()).missed, ['hourly'], 'unscheduled sets are never missed');
    await t.deliver();

    const [missed] = await t.app.store.activity.list({ set: 'hourly', statuses: ['missed'] });
    assert.ok(missed);
    assert.equal(missed.scheduledFor, Date.parse('2026-11-20T11:00:00Z'));
    assert.equal(missed.trigger, 'service');
    assert.match(missed.firstError!, /no run of hourly has ended since it was due at 2026-11-20 11:00 UTC/);
    assert.deepEqual(kinds(t.peer), ['backup.missed']);
    assert.match(t.peer.received[0]!.parsed.subject!, /hourly/);

    // Still silent: the watchdog records it again one grace period later, but the alert is not repeated.
    t.clock.set(Date.parse('2026-11-20T12:40:00Z'));
    assert.deepEqual((await t.admin.watchdog.check()).missed, []);
    t.clock.set(Date.parse('2026-11-20T14:31:00Z'));
    assert.deepEqual((await t.admin.watchdog.check()).missed, ['hourly']);
    await t.deliver();
    assert.deepEqual(kinds(t.peer), ['backup.missed'], 'alert once on the transition');
    assert.equal((await t.app.store.activity.list({ set: 'hourly', statuses: ['missed'] })).length, 2);

    // It runs again (a real /bin/true): the streak ends with a recovery notice.
    t.clock.set(Date.parse('2026-11-20T15:00:05Z'));
    const run = await t.app.runner.run('hourly', { trigger: 'schedule' });
    assert.equal(run.status, 'completed');
    await t.deliver();
    assert.deepEqual(kinds(t.peer), ['backup.missed', 'backup.recovered']);
    t.clock.set(Date.parse('2026-11-20T15:30:00Z'));
    assert.deepEqual((await t.admin.watchdog.check()).missed, [], 'a completed run is the new reference');
  } finally {
    await t.close();
  }
});

test('runs that keep happening are never missed, whatever their status; a changed schedule starts afresh', async () => {
  const t = await setup();
  try {
    await t.admin.watchdog.check();
    for (let hour = 11; hour <= 16; hour++) {
      t.clock.set(Date.parse(`2026-11-20T${hour}:00:30Z`));
      await t.app.runner.run('hourly', { trigger: 'schedule' });
      t.clock.advance(50 * MIN);
      assert.deepEqual((await t.admin.watchdog.check()).missed, []);
    }
    await t.app.store.watchdog.put({ set: 'hourly', schedule: 'something else', since: 0 });
    t.clock.advance(10 * 60 * MIN);
    assert.deepEqual((await t.admin.watchdog.check()).missed, [], 'a new schedule is watched from now');
    assert.equal((await t.app.store.watchdog.get('hourly'))!.since, t.clock.now());
  } finally {
    await t.close();
  }
});

test('an Outbox message pending longer than mail.stuckAfter is reported once', async () => {
  const t = await setup();
  try {
    await t.peer.stop(); // nothing will accept it
    const { id } = await t.app.outbox.enqueue({ kind: 'mail.test', severity: 'info', profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'stuck?', text: 'x' });
    t.clock.advance(30 * MIN);
    assert.deepEqual((await t.admin.watchdog.check()).newlyStuck, []);
    t.clock.advance(31 * MIN);
    assert.deepEqual((await t.admin.watchdog.check()).newlyStuck.map((m) => m.id), [id]);
    assert.deepEqual((await t.admin.watchdog.check()).newlyStuck, [], 'once');
    const health = await t.app.store.summary.delivery(T0, t.clock.now(), t.clock.now() - 3_600_000);
    assert.equal(health.stuck, 1);
  } finally {
    await t.close();
  }
});
