import assert from 'node:assert/strict';
import { storeCase, type OpenStore } from './harness.js';

/** The contract of ScheduleStateStore (src/storage/ports.ts). */
export function scheduleStateConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'schedules', open);

  withStore('put upserts per set; get returns the last put', async (store) => {
    assert.equal(await store.schedules.get('docs'), undefined);
    await store.schedules.put({ set: 'docs', schedule: '0 2 * * *|UTC', lastDueAt: 1_000 });
    await store.schedules.put({ set: 'docs', schedule: '0 3 * * *|UTC', lastDueAt: 2_000 });
    await store.schedules.put({ set: 'photos', schedule: '@daily', lastDueAt: 7 });
    assert.deepEqual(await store.schedules.get('docs'), { set: 'docs', schedule: '0 3 * * *|UTC', lastDueAt: 2_000 });
    assert.deepEqual(await store.schedules.get('photos'), { set: 'photos', schedule: '@daily', lastDueAt: 7 });
  });

  withStore('advance moves lastDueAt only from the expected value and schedule; a repeat is false', async (store) => {
    await store.schedules.put({ set: 'docs', schedule: 's1', lastDueAt: 1_000 });
    assert.equal(await store.schedules.advance('docs', 's1', 999, 5_000), false, 'wrong from');
    assert.equal(await store.schedules.advance('docs', 's2', 1_000, 5_000), false, 'another schedule');
    assert.equal(await store.schedules.advance('docs', 's1', 1_000, 5_000), true);
    assert.equal(await store.schedules.advance('docs', 's1', 1_000, 5_000), false, 'the same window is handled once');
    assert.deepEqual(await store.schedules.get('docs'), { set: 'docs', schedule: 's1', lastDueAt: 5_000 });
    assert.equal(await store.schedules.advance('unknown', 's1', 0, 5_000), false, 'nothing stored: nothing to move');
  });

  withStore('two handles racing to advance the same window: exactly one wins', async (store, opened) => {
    const other = await opened.another();
    await store.schedules.put({ set: 'docs', schedule: 's', lastDueAt: 1_000 });
    const wins = await Promise.all([store.schedules.advance('docs', 's', 1_000, 2_000), other.schedules.advance('docs', 's', 1_000, 2_000)]);
    assert.deepEqual(wins.sort(), [false, true]);
    assert.equal((await other.schedules.get('docs'))?.lastDueAt, 2_000);
  });
}
