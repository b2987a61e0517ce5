import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ResultWriter } from '../../src/outbox/result-writer.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import type { AttemptResult, OutboxStore } from '../../src/storage/ports/outbox-store.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { withCleanups } from '../helpers/cleanups.js';

// Where claims come in batches (PostgreSQL), the results of a batch share one write: a result
// waits (briefly) for those of the attempts still sending. It was written on the next turn of the
// event loop, alone or with whatever else had finished: ~3 results a statement where 5 were
// claimed together. A count of the store's writes, not a timing.

const cleanups = withCleanups();
const silent = { debug() {}, info() {}, warn() {}, error() {} } as never;
const OWNER = 'h1:1';
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** A real SQLite store with `count` messages claimed, and its writes' sizes recorded. */
async function claimed(count: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-result-writer-'));
  const store = openSqliteStore(dir);
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clock = new FakeClock();
  await store.outbox.enqueue(
    Array.from({ length: count }, (_v, i) => ({
      id: `m${i}`,
      messageId: `<m${i}@test>`,
      kind: 'test',
      severity: 'info' as const,
      priority: 3,
      profile: 'office',
      dedupeKey: null,
      envelope: { from: 'vigil@example.com', to: ['ops@example.com'] },
      subject: `m${i}`,
      raw: Buffer.from(`Subject: m${i}\r\n\r\nx`),
      createdAt: clock.now(),
    })),
  );
  const messages = await store.outbox.claimDue(clock.now(), count, 60_000, OWNER);
  const writes: number[] = [];
  const counting: OutboxStore = Object.assign(Object.create(store.outbox) as OutboxStore, {
    complete: (results: AttemptResult[], now: number) => (writes.push(results.length), store.outbox.complete(results, now)),
  });
  const result = (i: number): AttemptResult => ({
    attempt: { messageId: messages[i]!.id, startedAt: clock.now(), durationMs: 3, transport: 'smtp', outcome: { kind: 'accepted', detail: 'accepted', transcript: '' }, host: null },
    state: 'sent',
    nextAttemptAt: clock.now(),
    possibleDuplicate: false,
    owner: OWNER,
  });
  return { store: counting, clock, writes, result, messages };
}

test('results of attempts sent together share one write: a result waits for those still sending', async () => {
  const { store, clock, writes, result, messages } = await claimed(5);
  assert.equal(messages.length, 5);
  let sending = 5;
  const writer = new ResultWriter(store, clock, silent, { batch: 5, sending: () => sending, lingerMs: 60_000 });
  const written: Array<Promise<void>> = [];
  for (let i = 0; i < 5; i++) {
    sending--;
    written.push(writer.write(result(i)));
    await turns(5); // each result a few turns of the event loop after the last
  }
  await Promise.all(written);
  assert.deepEqual(writes, [5], `the store's writes, by size: ${JSON.stringify(writes)}`);
});

test('a result with no other attempt sending is written at once, and a slow attempt holds the others only up to the linger', async () => {
  const { store, clock, writes, result } = await claimed(3);
  let sending = 1;
  const writer = new ResultWriter(store, clock, silent, { batch: 5, sending: () => sending, lingerMs: 60_000 });
  sending--;
  await writer.write(result(0)); // resolves: nobody else is sending
  assert.deepEqual(writes, [1]);

  // Two results while a third attempt stays stuck: written after the linger, not after the stuck one.
  sending = 3;
  const lingering = new ResultWriter(store, clock, silent, { batch: 5, sending: () => sending, lingerMs: 20 });
  sending -= 2;
  await Promise.all([lingering.write(result(1)), lingering.write(result(2))]);
  assert.deepEqual(writes, [1, 2]);
  assert.equal(sending, 1, 'the stuck attempt never finished');
});

test('flush writes what waits at once, without waiting for the attempts still sending', async () => {
  const { store, clock, writes, result } = await claimed(2);
  const writer = new ResultWriter(store, clock, silent, { batch: 5, sending: () => 4, lingerMs: 60_000 });
  const first = writer.write(result(0));
  await turns(3);
  await writer.flush();
  await first;
  assert.deepEqual(writes, [1]);
});
