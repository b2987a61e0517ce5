import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newMessageId } from '../../src/outbox/ids.js';

// enqueueMany gives every message of a batch the same `now`: a fleet bench's host enqueued 5,000
// in one millisecond, and two of them drew the same 30 random bits (PostgreSQL refused the
// batch: duplicate key messages_pkey). Within one process, ids of the same millisecond continue
// from the last one instead of drawing again.
describe('Outbox ids', () => {
  it('are unique and in creation order within one millisecond, however many are made in it', () => {
    const now = Date.parse('2026-11-30T08:40:00Z');
    const ids = Array.from({ length: 200_000 }, () => newMessageId(now));
    assert.equal(new Set(ids).size, ids.length, 'no id twice');
    const sorted = [...ids].sort();
    assert.ok(ids.every((id, i) => id === sorted[i]), 'sorted as they were made');
    assert.ok(ids.every((id) => /^[0-9a-hjkmnp-tv-z]{16}$/.test(id)), 'still 16 characters of Crockford base32');
  });

  it('sort by time across milliseconds, and start afresh (random) in each', () => {
    const t = Date.parse('2026-11-30T08:41:00Z');
    const [a, b, c] = [newMessageId(t), newMessageId(t + 1), newMessageId(t + 2)];
    assert.ok(a! < b! && b! < c!, `${a} < ${b} < ${c}`);
    assert.notEqual(a!.slice(10), b!.slice(10));
  });
});
