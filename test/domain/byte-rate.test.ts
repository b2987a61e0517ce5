import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseByteRate } from '../../src/domain/units.js';

test('parseByteRate: binary and decimal units, with or without /s and spaces; nonsense and zero are refused', () => {
  assert.equal(parseByteRate('20MiB/s'), 20 * 1024 * 1024);
  assert.equal(parseByteRate('500 KiB/s'), 500 * 1024);
  assert.equal(parseByteRate('1.5MB/s'), 1_500_000);
  assert.equal(parseByteRate('800k'), 800_000);
  assert.equal(parseByteRate('2gib'), 2 * 1024 ** 3);
  assert.equal(parseByteRate(4096), 4096);
  for (const bad of ['fast', '', '0MiB/s', '-1MB/s', '20 MiBps', '1TiB/s/s', 0, Number.NaN]) assert.equal(parseByteRate(bad), undefined, String(bad));
});
