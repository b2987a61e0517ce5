import assert from 'node:assert/strict';
import type { Escalation } from '../../../src/storage/ports/escalation-store.js';
import { storeCase, type OpenStore } from './harness.js';

/** The contract of EscalationStore (src/storage/ports.ts). */
export function escalationConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'escalations', open);
  const escalation = (outboxId: string, escalatedAt: number): Omit<Escalation, 'id' | 'reportedAt'> => ({
    outboxId,
    kind: 'backup.failed',
    subject: `failed ${outboxId}`,
    profile: 'office',
    trigger: 'failed',
    reason: '550 mailbox unavailable',
    messageAt: escalatedAt - 100,
    escalatedAt,
  });

  withStore('each message escalates once: a second record writes nothing', async (store) => {
    const first = await store.escalations.record(escalation('m1', 1_000));
    assert.ok(first);
    assert.equal(first.reportedAt, null);
    assert.equal(first.outboxId, 'm1');
    assert.equal(await store.escalations.record({ ...escalation('m1', 2_000), trigger: 'overdue' }), undefined);
    assert.deepEqual((await store.escalations.since(0)).map((e) => e.id), [first.id]);
  });

  withStore('unreported and since list oldest first; markReported takes them out of unreported', async (store) => {
    const late = await store.escalations.record(escalation('m2', 3_000));
    const early = await store.escalations.record(escalation('m1', 1_000));
    const mid = await store.escalations.record(escalation('m3', 2_000));
    assert.deepEqual((await store.escalations.unreported()).map((e) => e.outboxId), ['m1', 'm3', 'm2']);
    await store.escalations.markReported([early!.id, late!.id], 5_000);
    assert.deepEqual((await store.escalations.unreported()).map((e) => e.id), [mid!.id]);
    const since = await store.escalations.since(2_000);
    assert.deepEqual(since.map((e) => [e.outboxId, e.reportedAt]), [['m3', null], ['m2', 5_000]]);
    await store.escalations.markReported([], 6_000); // nothing to do, no error
  });

  withStore('two handles escalating the same message: it is recorded once', async (store, opened) => {
    const other = await opened.another();
    const results = await Promise.all([store.escalations.record(escalation('m1', 1_000)), other.escalations.record(escalation('m1', 1_000))]);
    assert.equal(results.filter((r) => r !== undefined).length, 1);
    assert.equal((await other.escalations.unreported()).length, 1);
  });
}
