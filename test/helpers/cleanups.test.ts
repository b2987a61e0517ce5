import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCleanups } from './cleanups.js';

// The test files' cleanups: a cluster registered first is stopped last, and still stopped when a
// cleanup before it throws or hangs (before, the loop stopped at the first that threw).

test('cleanups run last first, every one of them even after one throws or hangs; then the failures are named', async () => {
  const ran: string[] = [];
  const list = [
    () => void ran.push('cluster'),
    () => new Promise<void>(() => ran.push('hung peer')), // never settles
    async () => {
      ran.push('throwing peer');
      throw new Error('peer refused to stop');
    },
    () => void ran.push('workspace'),
  ];
  await assert.rejects(runCleanups(list, 200), (error: Error) => {
    assert.ok(error instanceof AggregateError);
    assert.equal(error.errors.length, 2);
    // Each named by its source (as the loader compiled it).
    assert.match(error.message, /cleanup `[^`]*throwing peer[^`]*`: peer refused to stop/);
    assert.match(error.message, /cleanup `[^`]*hung peer[^`]*`: did not finish within 200 ms/);
    return true;
  });
  assert.deepEqual(ran, ['workspace', 'throwing peer', 'hung peer', 'cluster']);
});

test('cleanups that all succeed: nothing thrown', async () => {
  const ran: number[] = [];
  await runCleanups([() => ran.push(1), async () => void ran.push(2)]);
  assert.deepEqual(ran, [2, 1]);
});

test('a cleanup that rejects with no Error (undefined, a string) still lets the others run, and is named', async () => {
  const ran: string[] = [];
  const list = [
    () => void ran.push('cluster'),
    () => Promise.reject(undefined),
    () => Promise.reject(new Error('x').message),
  ];
  await assert.rejects(runCleanups(list, 200), (error: Error) => {
    assert.ok(error instanceof AggregateError, `an AggregateError, not ${String(error)}`);
    assert.match(error.message, /: x; .*: undefined$/);
    return true;
  });
  assert.deepEqual(ran, ['cluster']);
});
