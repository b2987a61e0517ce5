import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRanges, type WantedChunk } from '../../src/backup/engines/builtin/remote-chunks.js';

function want(pack: string, offset: number, length: number, fid = 0): WantedChunk {
  return { pack, fid, chunk: { id: `${pack}-${offset}`, packPath: pack, offset, length, comp: 0, rawLength: length } };
}
const shape = (ranges: ReturnType<typeof planRanges>) => ranges.map((r) => [r.pack, r.offset, r.length, r.members.length]);

test('planRanges merges chunks of one pack that touch, overlap or lie within the gap; never across packs', () => {
  const ranges = planRanges([want('b', 0, 10), want('a', 100, 50), want('a', 0, 100), want('a', 160, 40), want('a', 100, 50), want('a', 1000, 10)], 20, 1 << 20);
  assert.deepEqual(shape(ranges), [
    ['b', 0, 10, 1],
    ['a', 0, 200, 4], // 0–100, 100–150 (twice), a gap of 10, 160–200
    ['a', 1000, 10, 1], // 800 bytes away: a range of its own
  ]);
});

test('planRanges keeps each range within the size limit; a larger chunk is a range of its own', () => {
  const ranges = planRanges([want('a', 0, 60), want('a', 60, 60), want('a', 120, 500), want('a', 620, 10)], 0, 100);
  assert.deepEqual(shape(ranges), [
    ['a', 0, 60, 1],
    ['a', 60, 60, 1],
    ['a', 120, 500, 1],
    ['a', 620, 10, 1],
  ]);
});
