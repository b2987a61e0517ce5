import assert from 'node:assert/strict';
import { storeCase, type OpenStore } from './harness.js';

/** The contract of AlertPauseStore (src/storage/ports.ts). */
export function alertPauseConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'alertPauses', open);

  withStore('pauses are active until their end; pausing again replaces the end', async (store) => {
    await store.alertPauses.pause(['docs', 'photos'], 1_000, 5_000);
    await store.alertPauses.pause(['mail'], 1_000, null);
    const sets = async (now: number) => (await store.alertPauses.active(now)).map((p) => p.set).sort();
    assert.deepEqual(await sets(1_000), ['docs', 'mail', 'photos']);
    assert.deepEqual(await sets(5_000), ['mail'], 'a --for pause has ended at its until');
    await store.alertPauses.pause(['docs'], 2_000, 9_000);
    await store.alertPauses.pause(['docs'], 2_000, 9_000); // idempotent
    const docs = (await store.alertPauses.active(6_000)).find((p) => p.set === 'docs');
    assert.deepEqual(docs, { set: 'docs', since: 1_000, until: 9_000 }, 'a pause in force keeps its start');
  });

  withStore('resume ends the pauses and returns what they suppressed, oldest first', async (store) => {
    await store.alertPauses.pause(['docs', 'photos'], 1_000, null);
    await store.alertPauses.recordSuppressed({ set: 'docs', at: 3_000, what: 'failed again' });
    await store.alertPauses.recordSuppressed({ set: 'docs', at: 2_000, what: 'failed' });
    await store.alertPauses.recordSuppressed({ set: 'photos', at: 2_500, what: 'missed' });
    assert.deepEqual(await store.alertPauses.resume(['docs']), [
      { set: 'docs', at: 2_000, what: 'failed' },
      { set: 'docs', at: 3_000, what: 'failed again' },
    ]);
    assert.deepEqual((await store.alertPauses.active(4_000)).map((p) => p.set), ['photos']);
    assert.deepEqual(await store.alertPauses.resume(['docs']), [], 'nothing left to resume');
  });

  withStore("'*' pauses every set and resumes every pause", async (store) => {
    await store.alertPauses.pause(['*'], 1_000, null);
    await store.alertPauses.pause(['docs'], 1_000, null);
    await store.alertPauses.recordSuppressed({ set: 'photos', at: 2_000, what: 'failed' });
    assert.deepEqual((await store.alertPauses.active(2_000)).map((p) => p.set).sort(), ['*', 'docs']);
    assert.deepEqual(await store.alertPauses.resume(['*']), [{ set: 'photos', at: 2_000, what: 'failed' }]);
    assert.deepEqual(await store.alertPauses.active(3_000), []);
  });
}
