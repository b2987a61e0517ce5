import assert from 'node:assert/strict';
import { storeCase, type OpenStore } from './harness.js';

/** The contract of WatchdogStateStore (src/storage/ports.ts). */
export function watchdogStateConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'watchdog', open);

  withStore('put upserts per set, idempotently; get returns the last put', async (store) => {
    assert.equal(await store.watchdog.get('docs'), undefined);
    const state = { set: 'docs', schedule: '0 2 * * *', since: 1_000 };
    await store.watchdog.put(state);
    await store.watchdog.put(state);
    assert.deepEqual(await store.watchdog.get('docs'), state);
    await store.watchdog.put({ set: 'docs', schedule: '0 4 * * *', since: 2_000 });
    assert.deepEqual(await store.watchdog.get('docs'), { set: 'docs', schedule: '0 4 * * *', since: 2_000 });
    assert.equal(await store.watchdog.get('photos'), undefined);
  });
}
