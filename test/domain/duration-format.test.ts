import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration } from '../../src/domain/units.js';
import { parseDuration } from '../../src/config/duration.js';

test('config style: exact, in the form vigil.yaml accepts back', () => {
  for (const [ms, text] of [
    [250, '250ms'],
    [1_000, '1s'],
    [5_400_000, '1h30m'],
    [187_200_000, '2d4h'],
    [30 * 86_400_000, '30d'],
  ] as const) {
    assert.equal(formatDuration(ms), text);
    assert.equal(parseDuration(text), ms, `${text} parses back`);
  }
});

test('summary style: rounded to two units, hours at most, for a person', () => {
  assert.equal(formatDuration(-5, 'summary'), '0s');
  assert.equal(formatDuration(45_400, 'summary'), '45s');
  assert.equal(formatDuration(125_000, 'summary'), '2m 5s');
  assert.equal(formatDuration(3_600_000, 'summary'), '1h 0m');
  assert.equal(formatDuration(93_780_000, 'summary'), '26h 3m');
});
