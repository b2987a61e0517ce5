import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Chunker, DATA_CHUNKER, gearTable } from '../../src/backup/engines/builtin/chunker.js';

function cuts(data: Buffer, seed: Buffer, pieces: number): number[] {
  const chunker = new Chunker(gearTable(seed), DATA_CHUNKER);
  const out: number[] = [];
  const step = Math.ceil(data.length / pieces);
  for (let from = 0; from < data.length; from += step) {
    const end = Math.min(from + step, data.length);
    let at = from;
    for (;;) {
      const cut = chunker.next(data, at, end);
      if (cut < 0) break;
      out.push(cut);
      at = cut;
    }
  }
  return out;
}

test('boundaries depend on content only, not on how the stream is fed, and respect min/max', () => {
  const seed = randomBytes(32);
  const data = randomBytes(24 * 1024 * 1024);
  const whole = cuts(data, seed, 1);
  assert.deepEqual(cuts(data, seed, 37), whole);
  let previous = 0;
  for (const cut of whole) {
    assert.ok(cut - previous >= DATA_CHUNKER.minSize && cut - previous <= DATA_CHUNKER.maxSize, `chunk of ${cut - previous} bytes`);
    previous = cut;
  }
  const average = whole.at(-1)! / whole.length;
  assert.ok(average > 600 * 1024 && average < 2.5 * 1024 * 1024, `average chunk ${average}`);
  assert.notDeepEqual(cuts(data, randomBytes(32), 1), whole, 'another vault seed cuts elsewhere');
});

test('zeros (no content to anchor on) are cut at maxSize', () => {
  const data = Buffer.alloc(20 * 1024 * 1024);
  assert.deepEqual(cuts(data, randomBytes(32), 3), [8 * 1024 * 1024, 16 * 1024 * 1024]);
});
