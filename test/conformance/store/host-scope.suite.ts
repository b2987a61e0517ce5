import assert from 'node:assert/strict';
import type { Store } from '../../../src/storage/ports/store.js';
import { storeCase, type OpenStore, type OpenedStore } from './harness.js';
import { ended, newBackup } from './fixtures.js';

/**
 * Hosts sharing one store (a PostgreSQL fleet) each keep their own state, keyed by set or profile
 * NAME: every host of a fleet may have a set called `system` and a profile called `office`, and
 * they are different sets and different relays. A handle opened for a host sees and changes only
 * that host's state — one host's run, failure streak, pause or storm must never make another skip
 * a backup, stay silent about a failure or raise an alarm that is not its own.
 */
export function hostScopeConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'host scope', open);
  const hosts = async (opened: OpenedStore): Promise<[Store, Store]> => [await opened.another({ host: 'fs01' }), await opened.another({ host: 'web02' })];

  withStore('schedule state: the same set name on two hosts has two last due times', async (_store, opened) => {
    const [fs01, web02] = await hosts(opened);
    await fs01.schedules.put({ set: 'system', schedule: 's', lastDueAt: 1_000 });
    await web02.schedules.put({ set: 'system', schedule: 's', lastDueAt: 1_000 });
    assert.equal(await fs01.schedules.advance('system', 's', 1_000, 2_000), true);
    assert.equal(await web02.schedules.advance('system', 's', 1_000, 2_000), true, 'web02 handles its own window: fs01 moving its own does not');
    await fs01.schedules.put({ set: 'docs', schedule: 's', lastDueAt: 5 });
    assert.equal(await web02.schedules.get('docs'), undefined);
  });

  withStore('failure streaks are per host', async (_store, opened) => {
    const [fs01, web02] = await hosts(opened);
    await fs01.notifyState.put({ set: 'system', failures: 3, failingSince: 1_000, signature: 'failed', alertedAt: 1_000, lastStatus: 'failed' });
    assert.equal(await web02.notifyState.get('system'), undefined, 'web02’s system is not failing');
    assert.equal((await fs01.notifyState.get('system'))?.failures, 3);
  });

  withStore('unnotified runs are the host’s own', async (_store, opened) => {
    const [fs01, web02] = await hosts(opened);
    const own = await fs01.activity.record(newBackup('system', 1_000, { host: 'fs01' }), ended('failed', 2_000));
    const other = await web02.activity.record(newBackup('system', 1_000, { host: 'web02' }), ended('failed', 2_000));
    assert.deepEqual((await fs01.notifyState.unnotified(0)).map((r) => r.activityId), [own.id]);
    assert.deepEqual((await web02.notifyState.unnotified(0)).map((r) => r.activityId), [other.id]);
  });

  withStore('a profile paused on one host is not paused on another', async (_store, opened) => {
    const [fs01, web02] = await hosts(opened);
    await fs01.profiles.pause('office', 9_000, 'authentication refused');
    await fs01.profiles.markVerified('office', 'fp-fs01', 1_000);
    assert.equal((await web02.profiles.get('office')).pausedUntil, null);
    assert.deepEqual(await web02.profiles.all(), []);
    assert.equal((await fs01.profiles.get('office')).pausedUntil, 9_000);
    await web02.profiles.resume('office');
    assert.equal((await fs01.profiles.get('office')).pausedUntil, 9_000, 'web02 resuming its own office leaves fs01’s paused');
  });

  withStore('maintenance pauses and what they suppressed are per host', async (_store, opened) => {
    const [fs01, web02] = await hosts(opened);
    await fs01.alertPauses.pause(['*'], 1_000, null);
    assert.deepEqual(await web02.alertPauses.active(2_000), []);
    await fs01.alertPauses.recordSuppressed({ set: 'system', at: 1_500, what: 'failure alert' });
    assert.deepEqual(await web02.alertPauses.resume(['*']), []);
    assert.equal((await fs01.alertPauses.active(2_000)).length, 1, 'web02’s resume did not end fs01’s pause');
    assert.deepEqual((await fs01.alertPauses.resume(['*'])).map((s) => s.what), ['failure alert']);
  });

  withStore('a storm window on one host holds none of another’s failures', async (_store, opened) => {
    const [fs01, web02] = await hosts(opened);
    const failure = (activityId: number) => ({ set: 'system', status: 'failed', firstError: 'x', activityId, endedAt: 1_000 });
    assert.equal(await fs01.storm.admit(failure(1), 1_000, 60_000), 'opened');
    assert.equal(await web02.storm.admit(failure(2), 1_000, 60_000), 'opened', 'web02’s first failure is alerted at once');
    assert.deepEqual((await fs01.storm.ended(61_000)).map((w) => w.first.activityId), [1]);
    assert.deepEqual((await web02.storm.ended(61_000)).map((w) => w.first.activityId), [2]);
  });

  withStore('vault check rotation is per host', async (_store, opened) => {
    const [fs01, web02] = await hosts(opened);
    await fs01.vaultChecks.done('builtin:/srv/vault', 4, 1, 1_000);
    assert.equal(await fs01.vaultChecks.next('builtin:/srv/vault', 4), 2);
    assert.equal(await web02.vaultChecks.next('builtin:/srv/vault', 4), 1, 'web02’s /srv/vault is another disk');
  });

  withStore('a set running on one host is not running on another; last runs and successes are the host’s', async (_store, opened) => {
    const [fs01, web02] = await hosts(opened);
    const running = await fs01.activity.start(newBackup('system', 1_000, { owner: { host: 'fs01', pid: 1 } }));
    assert.deepEqual((await fs01.activity.running('system')).map((a) => a.id), [running]);
    assert.deepEqual(await web02.activity.running('system'), [], 'web02 may start its own system');
    const done = await fs01.activity.record(newBackup('docs', 1_000, { host: 'fs01' }), ended('completed', 2_000));
    assert.equal(await web02.summary.lastEnded('docs'), undefined, 'fs01’s run is not web02’s: the watchdog must still see web02’s missing');
    assert.equal(await fs01.summary.lastEnded('docs'), 2_000);
    assert.deepEqual(await web02.summary.lastRuns(['docs']), []);
    assert.deepEqual((await fs01.summary.lastRuns(['docs'])).map((r) => r.activityId), [done.id]);
    assert.deepEqual(await web02.summary.successSamples(['docs'], 5), { docs: [] });
    assert.deepEqual((await fs01.summary.successSamples(['docs'], 5)).docs?.map((s) => s.activityId), [done.id]);
  });
}
