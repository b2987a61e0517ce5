import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Schedule } from '../../src/backup/schedule.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// The service keeps a Schedule per set for its whole life. croner holds a 10,000-entry year table
// per parsed pattern (~80 KB): kept, 1,000 sets held ~80 MB. Not a timing: the heap a thousand
// distinct schedules keep, with a margin of ten either way (kept: ~80 MB; not kept: well under 1 MB).
test('a thousand schedules keep under 8 MB of heap between questions, and still answer', () => {
  gc();
  const before = process.memoryUsage().heapUsed;
  const schedules = Array.from({ length: 1_000 }, (_, i) => new Schedule(`${i % 60} ${Math.floor(i / 60) % 24} * * *`, 'UTC'));
  const after = Date.UTC(2026, 10, 30, 0, 0, 0);
  const due = schedules.map((s) => s.next(after));
  gc();
  const kept = process.memoryUsage().heapUsed - before;
  assert.ok(kept < 8 * 1024 * 1024, `${(kept / 1024 / 1024).toFixed(1)} MB kept by 1,000 schedules`);
  assert.equal(due[0], Date.UTC(2026, 10, 30, 0, 0, 0) + 86_400_000, 'minute 0, hour 0: the next midnight');
  assert.equal(due[61], Date.UTC(2026, 10, 30, 1, 1, 0), 'minute 1, hour 1');
  assert.equal(schedules.length, 1_000); // keeps them alive until measured
});

test('next() answers the same for the same `after` (memoised) and moves on with it', () => {
  const schedule = new Schedule('30 2 * * *', 'Europe/Zurich');
  const t = Date.UTC(2026, 2, 28, 0, 0, 0); // the night before Zurich's spring-forward
  const first = schedule.next(t);
  assert.equal(schedule.next(t), first);
  assert.ok(first !== undefined && first > t);
  const second = schedule.next(first);
  assert.ok(second !== undefined && second > first);
  assert.deepEqual(schedule.between(t, second!).times, [first, second]);
});
