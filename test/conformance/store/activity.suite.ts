import assert from 'node:assert/strict';
import { storeCase, type OpenStore } from './harness.js';
import { ended, newBackup } from './fixtures.js';

/** The contract of ActivityStore (src/storage/ports.ts). */
export function activityConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'activity', open);
  const owner = { host: 'backup-host', pid: 4242 };

  withStore('an activity records its host (given, else its owner’s); list narrows by host', async (store) => {
    const a = await store.activity.start(newBackup('docs', 1_000, { owner: { host: 'fs01', pid: 1 } }));
    const b = (await store.activity.record(newBackup('docs', 2_000, { host: 'web02' }), ended('missed', 2_000))).id;
    const c = (await store.activity.record(newBackup('docs', 3_000), ended('skipped', 3_000))).id;
    assert.equal((await store.activity.get(a))?.host, 'fs01');
    assert.equal((await store.activity.get(b))?.host, 'web02');
    assert.equal((await store.activity.get(c))?.host, null, 'no host given, no owner');
    assert.deepEqual((await store.activity.list({ host: 'web02' })).map((x) => x.id), [b]);
    assert.deepEqual((await store.activity.list({ host: 'fs01', set: 'docs' })).map((x) => x.id), [a]);
    assert.equal((await store.activity.list({})).length, 3);
  });

  withStore('idBounds: the lowest and highest ids, raised by a new row and by a prune', async (store) => {
    assert.deepEqual(await store.activity.idBounds(), { lowest: 0, highest: 0, pruned: 0 }, 'none yet');
    const first = (await store.activity.record(newBackup('docs', 1_000), ended('completed', 1_500))).id;
    const second = await store.activity.start(newBackup('docs', 2_000, { owner }));
    assert.deepEqual(await store.activity.idBounds(), { lowest: first, highest: second, pruned: 0 });
    await store.housekeeping.pruneActivities(1_800);
    assert.deepEqual(await store.activity.idBounds(), { lowest: second, highest: second, pruned: 1 }, 'the pruned row is gone; the running one stays');
  });

  // A run that started first and ended last keeps the lowest id through a prune of the runs
  // after it: the console's caches (keyed on these) must still see that rows went.
  withStore('idBounds: a prune that spares the lowest id still changes them', async (store) => {
    const long = (await store.activity.record(newBackup('long', 1_000), ended('completed', 9_000))).id;
    await store.activity.record(newBackup('docs', 2_000), ended('completed', 2_500));
    const newest = (await store.activity.record(newBackup('docs', 3_000), ended('completed', 3_500))).id;
    const before = await store.activity.idBounds();
    assert.equal(await store.housekeeping.pruneActivities(3_000), 1, 'the middle run only');
    const after = await store.activity.idBounds();
    assert.deepEqual([after.lowest, after.highest], [long, newest], 'both ends kept');
    assert.notDeepEqual(after, before, 'the prune is seen all the same');
    assert.deepEqual(await store.activity.idBounds(), after, 'and is stable until the next change');
  });

  withStore('start records a running activity; finish ends it with counters, log and first error', async (store) => {
    const id = await store.activity.start(newBackup('docs', 1_000, { owner, scheduledFor: 900 }));
    const running = await store.activity.get(id);
    assert.equal(running?.status, 'running');
    assert.equal(running?.endedAt, null);
    assert.deepEqual(running?.owner, owner);
    assert.equal(running?.scheduledFor, 900);
    assert.deepEqual((await store.activity.running('docs')).map((a) => a.id), [id]);
    const log = [
      { severity: 'warning' as const, message: 'file changed while read', path: '/a' },
      { severity: 'error' as const, message: 'permission denied', path: '/b' },
      { severity: 'critical' as const, message: 'vault unreachable', path: null },
    ];
    const counters = { files: 10, bytesScanned: 1_000, bytesNew: 100, errors: 1, warnings: 1 };
    const done = await store.activity.finish(id, ended('completed-with-errors', 5_000, { counters, log, logDropped: 3, snapshotId: 'snap-1' }));
    assert.equal(done.status, 'completed-with-errors');
    assert.equal(done.endedAt, 5_000);
    assert.deepEqual(done.counters, counters);
    assert.equal(done.firstError, 'permission denied', 'the first error-or-worse entry');
    assert.equal(done.snapshotId, 'snap-1');
    assert.equal(done.logDropped, 3);
    assert.deepEqual(await store.activity.log(id), log.map((e, seq) => ({ seq, ...e })));
    assert.deepEqual(await store.activity.running('docs'), []);
    assert.deepEqual(await store.activity.get(id), done);
  });

  withStore('an activity ends exactly once: a second finish is refused and changes nothing', async (store) => {
    const id = await store.activity.start(newBackup('docs', 1_000));
    await store.activity.finish(id, ended('completed', 2_000));
    await assert.rejects(store.activity.finish(id, ended('failed', 3_000)), { code: 'ERR_STORE' });
    assert.equal((await store.activity.get(id))?.status, 'completed');
    assert.equal((await store.activity.get(id))?.endedAt, 2_000);
    assert.equal(await store.activity.get(id + 1_000), undefined);
  });

  withStore('an end before the start (the clock moved back) is recorded at the start', async (store) => {
    const id = await store.activity.start(newBackup('docs', 5_000));
    assert.equal((await store.activity.finish(id, ended('completed', 4_000))).endedAt, 5_000);
  });

  withStore('record writes a run that never ran in one step', async (store) => {
    const missed = await store.activity.record(newBackup('docs', 1_000, { scheduledFor: 1_000 }), ended('missed', 1_000, { log: [{ severity: 'error', message: 'the machine was off', path: null }] }));
    assert.equal(missed.status, 'missed');
    assert.equal(missed.scheduledFor, 1_000);
    assert.equal(missed.firstError, 'the machine was off');
    assert.deepEqual(await store.activity.running('docs'), []);
  });

  withStore('abandonRunning ends only runs whose owner is dead, once, as incomplete with the reason', async (store) => {
    const deadRun = await store.activity.start(newBackup('docs', 1_000, { owner: { host: 'h', pid: 1 } }));
    const liveRun = await store.activity.start(newBackup('photos', 1_000, { owner: { host: 'h', pid: 2 } }));
    const ownerless = await store.activity.start(newBackup('mail', 1_000));
    const isAlive = (o: { host: string; pid: number } | null) => o?.pid === 2;
    const abandoned = await store.activity.abandonRunning(9_000, 'the process running it died', isAlive);
    assert.deepEqual(abandoned.map((a) => a.id).sort(), [deadRun, ownerless].sort());
    for (const a of abandoned) {
      assert.equal(a.status, 'incomplete');
      assert.equal(a.endedAt, 9_000);
      assert.equal(a.firstError, 'the process running it died');
    }
    assert.equal((await store.activity.get(liveRun))?.status, 'running');
    assert.deepEqual(await store.activity.abandonRunning(10_000, 'again', isAlive), [], 'already ended');
  });

  withStore('two handles abandoning the same dead run: it is ended once', async (store, opened) => {
    const other = await opened.another();
    const id = await store.activity.start(newBackup('docs', 1_000, { owner }));
    const [a, b] = await Promise.all([store.activity.abandonRunning(2_000, 'died', () => false), other.activity.abandonRunning(2_000, 'died', () => false)]);
    assert.equal(a.length + b.length, 1);
    assert.equal((await store.activity.log(id)).length, 1, 'one reason logged');
  });

  withStore('list: newest first, filtered by since, set, statuses and kind, at most limit', async (store) => {
    const a = await store.activity.record(newBackup('docs', 1_000), ended('completed', 1_100));
    const b = await store.activity.record(newBackup('photos', 2_000), ended('failed', 2_100));
    const c = await store.activity.record(newBackup('docs', 3_000), ended('failed', 3_100));
    const restore = await store.activity.record({ kind: 'restore', set: 'docs', engine: 'builtin', trigger: 'manual', startedAt: 4_000 }, ended('completed', 4_100));
    const ids = async (f: Parameters<typeof store.activity.list>[0]) => (await store.activity.list(f)).map((x) => x.id);
    assert.deepEqual(await ids({}), [restore.id, c.id, b.id, a.id]);
    assert.deepEqual(await ids({ since: 2_000 }), [restore.id, c.id, b.id]);
    assert.deepEqual(await ids({ set: 'docs', kind: 'backup' }), [c.id, a.id]);
    assert.deepEqual(await ids({ statuses: ['failed'] }), [c.id, b.id]);
    assert.deepEqual(await ids({ limit: 2 }), [restore.id, c.id]);
  });
}
