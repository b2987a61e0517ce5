import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AttemptResult, NewMessage } from '../../src/storage/ports/outbox-store.js';
import type { Store } from '../../src/storage/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { withCleanups } from '../helpers/cleanups.js';

// Ordered sequences (a run's heartbeat pings): a message is not claimed, nor counted as due,
// while one enqueued before it in its sequence is pending. Ids are chosen so that id order is
// the reverse of enqueue order: the order kept is the enqueue order.

const cleanups = withCleanups();

function open(): Store {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-seq-'));
  const store = openSqliteStore(dir);
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

const message = (id: string, sequence: string | null, over: Partial<NewMessage> = {}): NewMessage => ({
  id,
  messageId: `msg_${id}`,
  kind: 'ping.start',
  severity: 'info',
  priority: 5,
  profile: 'ping:set:db',
  dedupeKey: null,
  envelope: { from: 'vigil', to: ['set:db'] },
  subject: id,
  raw: Buffer.from(id),
  createdAt: 1_000,
  sequence,
  ...over,
});

function result(id: string, owner: string, state: AttemptResult['state'], nextAttemptAt: number): AttemptResult {
  return {
    attempt: { messageId: id, startedAt: 1_000, durationMs: 1, transport: 'test', outcome: state === 'sent' ? { kind: 'accepted', detail: 'ok', transcript: '' } : state === 'failed' ? { kind: 'permanent', detail: 'HTTP 404', transcript: '' } : { kind: 'temporary', detail: 'HTTP 503', transcript: '' } },
    state,
    nextAttemptAt,
    possibleDuplicate: false,
    owner,
  };
}

test('a later message of a sequence waits for the earlier one: not claimed while it is queued, sending or deferred', async () => {
  const store = open();
  await store.outbox.enqueue([message('zz-start', 'run-1'), message('aa-end', 'run-1', { kind: 'ping.success' }), message('mm-other', 'run-2')]);
  const claimed = await store.outbox.claimDue(1_000, 10, 10_000, 'a');
  assert.deepEqual(claimed.map((m) => m.id).sort(), ['mm-other', 'zz-start'], 'the end of run-1 waits; another sequence does not');
  assert.deepEqual(await store.outbox.claimDue(1_000, 10, 10_000, 'b'), [], 'still waiting while the start is being sent');

  // The start is deferred (the checker answered 503): the end must not overtake it.
  await store.outbox.complete([result('zz-start', 'a', 'deferred', 61_000), result('mm-other', 'a', 'sent', 0)], 1_001);
  assert.deepEqual(await store.outbox.claimDue(2_000, 10, 10_000, 'b'), [], 'the end does not overtake a deferred start');
  assert.equal(await store.outbox.nextDueAt(), 61_000, 'due when the start is due again, not now (no busy loop)');

  const retried = await store.outbox.claimDue(61_000, 10, 10_000, 'c');
  assert.deepEqual(retried.map((m) => m.id), ['zz-start']);
  await store.outbox.complete([result('zz-start', 'c', 'sent', 0)], 61_001);
  assert.deepEqual((await store.outbox.claimDue(61_002, 10, 10_000, 'c')).map((m) => m.id), ['aa-end'], 'then the end goes');
});

test('a message whose predecessor failed for good goes on; messages without a sequence are not held', async () => {
  const store = open();
  await store.outbox.enqueue([message('b-start', 'run-1'), message('a-fail', 'run-1', { kind: 'ping.fail' }), message('plain-1', null), message('plain-2', null)]);
  const first = await store.outbox.claimDue(1_000, 10, 10_000, 'a');
  assert.deepEqual(first.map((m) => m.id).sort(), ['b-start', 'plain-1', 'plain-2']);
  await store.outbox.complete([result('b-start', 'a', 'failed', 0)], 1_001);
  assert.deepEqual((await store.outbox.claimDue(1_002, 10, 10_000, 'a')).map((m) => m.id), ['a-fail']);
});
