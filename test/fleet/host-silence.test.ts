import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetRig, MIN } from './helpers.js';

const SILENT_AFTER = 10 * MIN;

test('a host killed without a word raises exactly one host-silent alert, through the leader, and a recovery when it returns', async () => {
  const rig = await FleetRig.start();
  try {
    const fs01 = rig.open('fs01');
    const web02 = rig.open('web02');
    await rig.tick('fs01', 'web02');
    assert.equal(fs01.fleet.leader.isLeader, true, 'the first to look leads');
    assert.equal(web02.fleet.leader.isLeader, false, 'one leader at a time');

    await rig.kill('web02');
    await rig.run(SILENT_AFTER - 5_000, ['fs01'], 30_000);
    await rig.deliver();
    assert.deepEqual(rig.received(), [], 'not before silentAfter');
    await rig.run(5_000, ['fs01']);
    await rig.deliver();
    await rig.run(5 * MIN, ['fs01'], 30_000);
    await rig.deliver();
    const received = rig.received();
    assert.equal(received.length, 1, JSON.stringify(received));
    assert.equal(received[0]!.kind, 'host.silent');
    assert.equal(received[0]!.host, 'web02');
    assert.match(received[0]!.subject, /^\[Vigil\] HOST SILENT: web02 not seen since 2026-11-20 10:00/);
    const text = rig.peer.received[0]!.parsed.text ?? '';
    assert.match(text, /Reported by fs01, the fleet's leader/);

    // The leader restarts (a new handle, the same store): the alert is not sent again.
    await rig.kill('fs01');
    rig.open('fs01');
    await rig.tick('fs01');
    await rig.deliver();
    assert.equal(rig.received().length, 1, 'a restart does not resend');

    // web02 comes back: one recovery notice.
    rig.open('web02');
    await rig.tick('web02', 'fs01');
    await rig.tick('fs01');
    await rig.deliver();
    assert.deepEqual(rig.received().map((m) => m.kind), ['host.silent', 'host.recovered']);
    assert.match(rig.received()[1]!.subject, /^\[Vigil\] web02 is back \(silent since 2026-11-20 10:00/);
  } finally {
    await rig.close();
  }
});

test('the leader killed: another host takes the lease over once it runs out, with a greater token, and does not resend its alerts', async () => {
  const rig = await FleetRig.start();
  try {
    rig.open('fs01');
    const web02 = rig.open('web02');
    rig.open('db03');
    await rig.tick('fs01', 'web02', 'db03');
    const first = await web02.app.store.leases.holder('leader', rig.clock.now());
    assert.match(first!.owner, /^fs01:/);

    // db03 goes silent; fs01 alerts it.
    await rig.kill('db03');
    await rig.run(SILENT_AFTER, ['fs01', 'web02']);
    await rig.deliver();
    assert.deepEqual(rig.received().map((m) => [m.kind, m.host]), [['host.silent', 'db03']]);

    // The leader dies (kill -9: no release). Until its lease runs out nobody else leads.
    await rig.kill('fs01');
    await rig.run(15_000, ['web02']);
    assert.equal(web02.fleet.leader.isLeader, false, 'the lease still runs');
    await rig.run(10_000, ['web02']);
    assert.equal(web02.fleet.leader.isLeader, true, 'taken over within the lease (20 s) and a look');
    const second = await web02.app.store.leases.holder('leader', rig.clock.now());
    assert.match(second!.owner, /^web02:/);
    assert.ok(second!.token > first!.token, 'the fencing token grows');

    // The new leader knows db03 was alerted (the store says so): no second alert. fs01, now
    // silent itself, is alerted once silentAfter has passed.
    await rig.run(12 * MIN, ['web02'], 30_000);
    await rig.deliver();
    assert.deepEqual(rig.received().map((m) => [m.kind, m.host]), [['host.silent', 'db03'], ['host.silent', 'fs01']]);
  } finally {
    await rig.close();
  }
});

test('a leader that died between marking a silence and queueing its alert: the next leader queues it', async () => {
  const rig = await FleetRig.start();
  try {
    const fs01 = rig.open('fs01');
    rig.open('web02');
    await rig.tick('fs01', 'web02');
    await rig.kill('web02');
    await rig.run(SILENT_AFTER - 5_000, ['fs01'], 30_000);
    rig.clock.advance(5_000);
    // As a leader would mark it before the crash that kept it from queueing.
    assert.equal(await fs01.app.store.hosts.markSilentAlerted('web02', (await fs01.app.store.hosts.get('web02'))!.lastSeen), true);
    await rig.tick('fs01');
    await rig.tick('fs01');
    await rig.deliver();
    assert.deepEqual(rig.received().map((m) => [m.kind, m.host]), [['host.silent', 'web02']]);
  } finally {
    await rig.close();
  }
});

test('a host stopped cleanly is stopped, not silent — until it stays down past its next scheduled run', async () => {
  const rig = await FleetRig.start();
  const hourly = '  hourly:\n    engine: command\n    command: [/bin/true]\n    schedule: "0 * * * *"\n';
  try {
    const fs01 = rig.open('fs01');
    const web02 = rig.open('web02', hourly);
    await rig.tick('fs01', 'web02');
    // 10:00 now: systemctl stop. Its next run is 11:00; with the grace, silent from 11:10.
    await web02.fleet.stop();
    await rig.kill('web02');
    await rig.run(70 * MIN - 5_000, ['fs01'], MIN - 1_000);
    await rig.deliver();
    assert.deepEqual(rig.received(), []);
    const stopped = await fs01.app.store.hosts.get('web02');
    assert.equal(stopped?.stoppedAt, Date.parse('2026-11-20T10:00:00Z'));
    await rig.run(5_000, ['fs01']);
    await rig.deliver();
    assert.deepEqual(rig.received().map((m) => [m.kind, m.host]), [['host.silent', 'web02']]);
    assert.match(rig.received()[0]!.subject, /not seen since 2026-11-20 11:00/);
    assert.match(rig.peer.received[0]!.parsed.text ?? '', /stopped cleanly at 2026-11-20 10:00/);
  } finally {
    await rig.close();
  }
});

test('a host stopped cleanly with no scheduled set stays stopped, and the leader releases its lease on a clean stop', async () => {
  const rig = await FleetRig.start();
  try {
    const fs01 = rig.open('fs01');
    const web02 = rig.open('web02');
    await rig.tick('fs01', 'web02');
    await fs01.fleet.stop();
    await rig.kill('fs01');
    await rig.tick('web02');
    assert.equal(web02.fleet.leader.isLeader, true, 'a released lease is taken at the next look');
    rig.clock.advance(30 * 24 * 60 * MIN);
    await rig.tick('web02');
    await rig.tick('web02');
    await rig.deliver();
    assert.deepEqual(rig.received(), []);
  } finally {
    await rig.close();
  }
});
