import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetRig, MIN } from './helpers.js';

const HOURLY = '  www:\n    engine: command\n    command: [/bin/true]\n    schedule: "0 * * * *"\n';

test('the leader’s missed-backup watchdog reports a set of a silent host once per window, under that host, and the host’s scheduler does not report it again', async () => {
  const rig = await FleetRig.start();
  try {
    const fs01 = rig.open('fs01');
    const web02 = rig.open('web02', HOURLY);
    await rig.tick('fs01', 'web02');
    // web02's scheduler has handled 10:00 (it ran): its state is what it reads when it is back.
    await web02.app.store.schedules.put({ set: 'www', schedule: '0 * * * *', lastDueAt: Date.parse('2026-11-20T10:00:00Z') });
    assert.equal(fs01.fleet.leader.isLeader, true);
    // Registered at 10:00; due 11:00, missed at 12:30 (grace 1.5 × 1 h). web02 dies at once.
    await rig.kill('web02');
    await rig.run(2 * 60 * MIN + 25 * MIN, ['fs01'], MIN);
    const missedOf = async () => (await rig.hosts.get('fs01')!.app.store.activity.list({ set: 'www', limit: 100 })).filter((a) => a.status === 'missed');
    assert.deepEqual(await missedOf(), [], 'not before the grace period has passed');

    await rig.run(10 * MIN, ['fs01'], MIN);
    const [missed, ...more] = await missedOf();
    assert.equal(more.length, 0, 'one missed window, one record');
    assert.equal(missed!.host, 'web02', 'recorded under the host whose set it is');
    assert.equal(missed!.scheduledFor, Date.parse('2026-11-20T11:00:00Z'));
    await fs01.app.events.drain();
    await rig.deliver();
    const faults = rig.received().filter((m) => m.kind === 'service.fault.backup-missed');
    assert.equal(faults.length, 1, JSON.stringify(rig.received()));
    assert.match(rig.peer.received.find((m) => m.parsed.headers.get('x-vigil-kind') === 'service.fault.backup-missed')!.parsed.text ?? '', /no run of www on web02 has ended since it was due at 2026-11-20 11:00/);

    // Another leader (fs01 restarted) looks again: the window is not reported twice.
    await rig.kill('fs01');
    rig.open('fs01');
    await rig.run(20 * MIN, ['fs01'], MIN);
    assert.equal((await missedOf()).length, 1, 'a new leader does not report the same window');

    // web02 comes back: its scheduler finds the window claimed (not recorded missed a second time).
    const back = rig.open('web02', HOURLY);
    await rig.tick('web02');
    const state = await back.app.store.schedules.get('www');
    assert.ok(state && state.lastDueAt >= Date.parse('2026-11-20T11:00:00Z'), `the window is claimed in web02’s scheduler state: ${JSON.stringify(state)}`);
  } finally {
    await rig.close();
  }
});
