import assert from 'node:assert/strict';
import type { HandOffStore } from '../../../src/storage/ports/hand-off-store.js';
import type { Store } from '../../../src/storage/ports/store.js';
import { storeCase, type OpenStore } from './harness.js';

/** The contract of HandOffStore (src/storage/ports.ts). */
export function handOffConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'handOffs', open);
  const handOff = (outboxId: string, handedAt: number): Parameters<HandOffStore['record']>[0] => ({
    outboxId,
    messageId: `<${outboxId}@example.com>`,
    client: 'postfix',
    program: '/usr/sbin/sendmail',
    queueListing: 'postqueue-json',
    sender: 'vigil@example.com',
    recipients: ['ops@example.com', 'boss@example.com'],
    handedAt,
  });

  /** A hand-off is of an Outbox message: the message is stored first. */
  const enqueue = (store: Store, ...ids: string[]) =>
    store.outbox.enqueue(ids.map((id) => ({ id, messageId: `<${id}@example.com>`, kind: 'test', severity: 'info', priority: 5, profile: 'local', dedupeKey: null, envelope: { from: 'vigil@example.com', to: ['ops@example.com'] }, subject: id, raw: Buffer.from('x'), createdAt: 500 })));

  withStore('record then get returns the hand-off with nothing yet seen', async (store) => {
    await enqueue(store, 'm1');
    await store.handOffs.record(handOff('m1', 1_000));
    assert.deepEqual(await store.handOffs.get('m1'), { ...handOff('m1', 1_000), queueId: null, lastCheckedAt: null, lastSeenAt: null, leftAt: null, stuckSince: null, lastReason: null });
    assert.equal(await store.handOffs.get('missing'), undefined);
  });

  withStore('update applies only the fields given; a new record of the same message starts afresh', async (store) => {
    await enqueue(store, 'm1');
    await store.handOffs.record(handOff('m1', 1_000));
    await store.handOffs.update('m1', { queueId: 'ABC123', lastCheckedAt: 2_000, lastSeenAt: 2_000 });
    await store.handOffs.update('m1', { stuckSince: 3_000, lastReason: 'connection timed out' });
    const seen = await store.handOffs.get('m1');
    assert.equal(seen?.queueId, 'ABC123');
    assert.equal(seen?.lastSeenAt, 2_000);
    assert.equal(seen?.stuckSince, 3_000);
    assert.equal(seen?.lastReason, 'connection timed out');
    await store.handOffs.record(handOff('m1', 5_000)); // a user retry hands it off again
    assert.deepEqual(await store.handOffs.get('m1'), { ...handOff('m1', 5_000), queueId: null, lastCheckedAt: null, lastSeenAt: null, leftAt: null, stuckSince: null, lastReason: null });
  });

  withStore('watched lists hand-offs not yet gone, oldest first, up to the limit; stuck lists the stuck ones', async (store) => {
    await enqueue(store, 'late', 'early', 'gone');
    await store.handOffs.record(handOff('late', 3_000));
    await store.handOffs.record(handOff('early', 1_000));
    await store.handOffs.record(handOff('gone', 2_000));
    await store.handOffs.update('gone', { leftAt: 4_000 });
    assert.deepEqual((await store.handOffs.watched()).map((h) => h.outboxId), ['early', 'late']);
    assert.deepEqual((await store.handOffs.watched(1)).map((h) => h.outboxId), ['early']);
    await store.handOffs.update('late', { stuckSince: 9_000 });
    await store.handOffs.update('gone', { stuckSince: 9_000 });
    assert.deepEqual((await store.handOffs.stuck()).map((h) => h.outboxId), ['late'], 'one that left its queue is not stuck');
  });
}
