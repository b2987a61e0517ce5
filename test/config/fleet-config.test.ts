import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';

const check = (yaml: string) => checkConfigText(yaml, '/etc/vigil/vigil.yaml');

test('fleet.silentAfter defaults to 10 minutes and takes a duration', () => {
  assert.equal(check('sets: {}\n').config?.fleet.silentAfter, 600_000);
  assert.equal(check('fleet:\n  silentAfter: 90s\n').config?.fleet.silentAfter, 90_000);
  assert.equal(check('fleet:\n  silentAfter: 5s\n').config?.fleet.silentAfter, 5_000, 'the minimum itself is accepted');
});

test('fleet.silentAfter below 5s, or not a duration, is refused at its file:line with what to write', () => {
  const short = check('dataDir: ./var\nfleet:\n  silentAfter: 4s\n');
  assert.equal(short.config, undefined);
  assert.deepEqual(short.problems.map(formatProblem).map((p) => p.replace(/^.*vigil\.yaml/, 'vigil.yaml')), ['vigil.yaml:3: fleet.silentAfter: 4s is shorter than 5s (a host heartbeats every few seconds); write e.g. silentAfter: 10m']);
  const bad = check('fleet:\n  silentAfter: soon\n');
  assert.match(bad.problems.map(formatProblem).join('\n'), /vigil\.yaml:2: fleet\.silentAfter: "soon" is not a duration/);
  assert.match(check('fleet:\n  silentAftr: 5m\n').problems.map(formatProblem).join('\n'), /vigil\.yaml:2: fleet.*silentAftr/);
});
