import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextRun } from '../../src/console/data/sets.js';

// The Overview keeps each schedule's next run (not the parsed schedule: ~80 KB each) until that
// run is due: it must move on at the due time, and follow a clock that goes back.
test('a set’s next run moves on when it is due and follows the clock backwards', () => {
  const day = 86_400_000;
  const t0 = Date.parse('2026-11-20T10:00:00Z');
  const first = Date.parse('2026-11-21T02:30:00Z');
  assert.equal(nextRun('30 2 * * *', 'UTC', t0), first);
  assert.equal(nextRun('30 2 * * *', 'UTC', first - 1), first, 'not yet due');
  assert.equal(nextRun('30 2 * * *', 'UTC', first), first + day, 'due: the one after');
  assert.equal(nextRun('30 2 * * *', 'UTC', t0 - 2 * day), first - 2 * day, 'the clock went back');
  assert.equal(nextRun('30 2 * * *', 'Europe/Berlin', t0), first - 3_600_000, 'another zone is another schedule');
  assert.equal(nextRun('not a schedule', 'UTC', t0), null);
});
