import assert from 'node:assert/strict';
import type { HeldFailure } from '../../../src/storage/ports/storm-store.js';
import { storeCase, type OpenStore } from './harness.js';

/** The contract of StormStore (src/storage/ports.ts). */
export function stormConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'storm', open);
  const failure = (activityId: number, set = `set${activityId}`): HeldFailure => ({ set, status: 'failed', firstError: `error ${activityId}`, activityId, endedAt: activityId * 10 });

  withStore('the first failure opens a window; later ones inside it are held in arrival order', async (store) => {
    assert.equal(await store.storm.nextEnd(), undefined);
    assert.equal(await store.storm.admit(failure(1), 1_000, 60_000), 'opened');
    assert.equal(await store.storm.admit(failure(3), 2_000, 60_000), 'held');
    assert.equal(await store.storm.admit(failure(2), 3_000, 60_000), 'held');
    assert.equal(await store.storm.nextEnd(), 61_000);
    assert.deepEqual(await store.storm.ended(60_999), [], 'not ended yet');
    const [window] = await store.storm.ended(61_000);
    assert.ok(window);
    assert.equal(window.openedAt, 1_000);
    assert.equal(window.endsAt, 61_000);
    assert.deepEqual(window.first, failure(1));
    assert.deepEqual(window.held, [failure(3), failure(2)]);
  });

  withStore('admitting the same run again returns its first verdict and holds it once', async (store) => {
    assert.equal(await store.storm.admit(failure(1), 1_000, 60_000), 'opened');
    assert.equal(await store.storm.admit(failure(2), 2_000, 60_000), 'held');
    assert.equal(await store.storm.admit(failure(1), 3_000, 60_000), 'opened');
    assert.equal(await store.storm.admit(failure(2), 3_000, 60_000), 'held');
    const [window] = await store.storm.ended(61_000);
    assert.deepEqual(window?.held.map((f) => f.activityId), [2]);
  });

  withStore('after a window ends the next failure opens a new one; flushed windows are not returned', async (store) => {
    await store.storm.admit(failure(1), 1_000, 10_000);
    assert.equal(await store.storm.admit(failure(2), 11_000, 10_000), 'opened', 'the window ended at 11 000');
    const ended = await store.storm.ended(11_000);
    assert.equal(ended.length, 1);
    await store.storm.markFlushed(ended[0]!.id, 11_000);
    assert.deepEqual(await store.storm.ended(11_000), []);
    assert.equal(await store.storm.nextEnd(), 21_000);
    assert.deepEqual((await store.storm.ended(21_000)).map((w) => w.first.activityId), [2]);
  });

  withStore('two handles admitting failures at the same moment open one window, not two', async (store, opened) => {
    const other = await opened.another();
    for (let round = 0; round < 10; round++) {
      const now = (round + 1) * 1_000_000;
      const verdicts = await Promise.all([store.storm.admit(failure(2 * round + 1), now, 60_000), other.storm.admit(failure(2 * round + 2), now, 60_000)]);
      assert.deepEqual(verdicts.sort(), ['held', 'opened'], `round ${round}`);
    }
  });

  withStore('a failure whose clock was read just before another process opened the window joins it', async (store, opened) => {
    const other = await opened.another();
    assert.equal(await store.storm.admit(failure(1), 2_000, 60_000), 'opened');
    assert.equal(await other.storm.admit(failure(2), 1_990, 60_000), 'held', 'one window, not two');
    assert.deepEqual((await store.storm.ended(62_000)).map((w) => [w.first.activityId, w.held.map((f) => f.activityId)]), [[1, [2]]]);
  });
}
