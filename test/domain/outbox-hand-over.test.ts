import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handsOver, handsOverFrom } from '../../src/domain/outbox-hand-over.js';

const MIN = 60_000;

test('a silent host hands its messages over; a live one never does', () => {
  assert.equal(handsOver({ kind: 'silent', since: 0 }, 10 * MIN, 10 * MIN), true);
  assert.equal(handsOver({ kind: 'ok' }, 10 * MIN, 10 * MIN), false);
});

test('a cleanly stopped host keeps its messages for silentAfter (a restart delivers them), then hands them over', () => {
  assert.equal(handsOver({ kind: 'stopped', since: 0 }, 10 * MIN - 1, 10 * MIN), false);
  assert.equal(handsOver({ kind: 'stopped', since: 0 }, 10 * MIN, 10 * MIN), true);
});

test('a host could hand over from silentAfter after its last beat, or its clean stop', () => {
  assert.equal(handsOverFrom({ lastSeen: 5_000, stoppedAt: null }, 10 * MIN), 5_000 + 10 * MIN);
  assert.equal(handsOverFrom({ lastSeen: 5_000, stoppedAt: 7_000 }, 10 * MIN), 7_000 + 10 * MIN);
});
