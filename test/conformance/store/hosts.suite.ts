import assert from 'node:assert/strict';
import { storeCase, type OpenStore } from './harness.js';

const FS01 = { name: 'fs01', version: '1.2.0', startedAt: 1_000, sets: [{ name: 'docs', schedule: '0 2 * * *', timezone: 'UTC' }, { name: 'adhoc', schedule: null }] };

/** The contract of HostStore (src/storage/ports/host-store.ts). */
export function hostStoreConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'hosts', open);

  withStore('register upserts a host with its sets; list is by name; get finds one', async (store) => {
    assert.deepEqual(await store.hosts.list(), []);
    assert.equal(await store.hosts.get('fs01'), undefined);
    await store.hosts.register({ ...FS01, name: 'web02' }, 1_500);
    await store.hosts.register(FS01, 1_200);
    const hosts = await store.hosts.list();
    assert.deepEqual(hosts.map((h) => h.name), ['fs01', 'web02']);
    assert.deepEqual(hosts[0], { ...FS01, lastSeen: 1_200, stoppedAt: null, silentAlertedSince: null });
    await store.hosts.register({ ...FS01, version: '1.3.0', startedAt: 2_000, sets: [] }, 2_000);
    assert.deepEqual(await store.hosts.get('fs01'), { ...FS01, version: '1.3.0', startedAt: 2_000, sets: [], lastSeen: 2_000, stoppedAt: null, silentAlertedSince: null });
  });

  withStore('register keeps the anomaly rules the host published, and forgets them when it registers without', async (store) => {
    await store.hosts.register({ ...FS01, anomalies: 'off' }, 1_000);
    await store.hosts.register({ ...FS01, name: 'web02', anomalies: 'summary' }, 1_000);
    assert.deepEqual((await store.hosts.list()).map((h) => [h.name, h.anomalies]), [['fs01', 'off'], ['web02', 'summary']]);
    // A host that runs a version from before the rules were published registers without them.
    await store.hosts.register(FS01, 2_000);
    assert.deepEqual(await store.hosts.get('fs01'), { ...FS01, lastSeen: 2_000, stoppedAt: null, silentAlertedSince: null });
  });

  withStore('heartbeat moves last seen forward only, and is false for an unknown host', async (store) => {
    await store.hosts.register(FS01, 1_000);
    assert.equal(await store.hosts.heartbeat('fs01', 5_000), true);
    assert.equal((await store.hosts.get('fs01'))?.lastSeen, 5_000);
    assert.equal(await store.hosts.heartbeat('fs01', 4_000), true, 'a late heartbeat is not an error');
    assert.equal((await store.hosts.get('fs01'))?.lastSeen, 5_000, 'but it does not move last seen back');
    assert.equal(await store.hosts.heartbeat('nobody', 5_000), false);
  });

  withStore('markStopped records a clean stop; registering again clears it', async (store) => {
    await store.hosts.register(FS01, 1_000);
    await store.hosts.markStopped('fs01', 3_000);
    assert.deepEqual(await store.hosts.get('fs01'), { ...FS01, lastSeen: 3_000, stoppedAt: 3_000, silentAlertedSince: null });
    await store.hosts.register({ ...FS01, startedAt: 9_000 }, 9_000);
    assert.equal((await store.hosts.get('fs01'))?.stoppedAt, null);
  });

  withStore('forget removes a host, once; a heartbeat of a forgotten host is false (it registers again)', async (store) => {
    await store.hosts.register(FS01, 1_000);
    await store.hosts.register({ ...FS01, name: 'old-name' }, 1_000);
    assert.equal(await store.hosts.forget('old-name'), true);
    assert.equal(await store.hosts.forget('old-name'), false);
    assert.deepEqual((await store.hosts.list()).map((h) => h.name), ['fs01']);
    assert.equal(await store.hosts.heartbeat('old-name', 2_000), false);
  });

  withStore('the silent alert is marked once and cleared once; registering again keeps it for the recovery', async (store) => {
    assert.equal(await store.hosts.markSilentAlerted('fs01', 1_000), false, 'unknown host');
    await store.hosts.register(FS01, 1_000);
    assert.equal(await store.hosts.clearSilentAlerted('fs01'), false, 'no alert stands');
    assert.equal(await store.hosts.markSilentAlerted('fs01', 1_000), true);
    assert.equal(await store.hosts.markSilentAlerted('fs01', 1_000), false, 'the same silence is alerted once');
    await store.hosts.register(FS01, 900_000);
    assert.equal((await store.hosts.get('fs01'))?.silentAlertedSince, 1_000);
    assert.equal(await store.hosts.clearSilentAlerted('fs01'), true);
    assert.equal(await store.hosts.clearSilentAlerted('fs01'), false, 'the recovery is told once');
    assert.equal((await store.hosts.get('fs01'))?.silentAlertedSince, null);
  });

  withStore('two handles racing to alert the same silence: exactly one wins, and one clears it', async (store, opened) => {
    const other = await opened.another();
    await store.hosts.register(FS01, 1_000);
    assert.deepEqual((await Promise.all([store.hosts.markSilentAlerted('fs01', 1_000), other.hosts.markSilentAlerted('fs01', 1_000)])).sort(), [false, true]);
    assert.equal((await other.hosts.get('fs01'))?.silentAlertedSince, 1_000);
    assert.deepEqual((await Promise.all([store.hosts.clearSilentAlerted('fs01'), other.hosts.clearSilentAlerted('fs01')])).sort(), [false, true]);
  });
}
