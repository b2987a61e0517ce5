import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeHostState, hostState } from '../../src/domain/host-state.js';
import { FakeClock } from '../helpers/fake-clock.js';

const MIN = 60_000;
const SILENT_AFTER = 10 * MIN;

test('a host heard from within silentAfter is ok; from silentAfter on it is silent since it was last seen', () => {
  const clock = new FakeClock();
  const lastSeen = clock.now();
  const host = { lastSeen, stoppedAt: null, nextRunAfterStop: undefined };
  assert.deepEqual(hostState(host, clock.now(), SILENT_AFTER), { kind: 'ok' });
  clock.advance(SILENT_AFTER - 1);
  assert.deepEqual(hostState(host, clock.now(), SILENT_AFTER), { kind: 'ok' });
  clock.advance(1);
  assert.deepEqual(hostState(host, clock.now(), SILENT_AFTER), { kind: 'silent', since: lastSeen });
  clock.advance(24 * 60 * MIN);
  assert.deepEqual(hostState(host, clock.now(), SILENT_AFTER), { kind: 'silent', since: lastSeen }, 'the silence counts from the last sighting, however long');
});

test('a heartbeat from the future (another host’s clock ahead) is ok, not an error', () => {
  const clock = new FakeClock();
  assert.deepEqual(hostState({ lastSeen: clock.now() + 5 * MIN, stoppedAt: null, nextRunAfterStop: undefined }, clock.now(), SILENT_AFTER), { kind: 'ok' });
});

test('a cleanly stopped host is stopped, however long, while no scheduled run falls due', () => {
  const clock = new FakeClock();
  const stoppedAt = clock.now();
  const host = { lastSeen: stoppedAt, stoppedAt, nextRunAfterStop: undefined };
  clock.advance(30 * 24 * 60 * MIN);
  assert.deepEqual(hostState(host, clock.now(), SILENT_AFTER), { kind: 'stopped', since: stoppedAt });
});

test('a stopped host that stays down past its next scheduled run becomes silent since that run, after the same grace', () => {
  const clock = new FakeClock();
  const stoppedAt = clock.now();
  const nextRun = stoppedAt + 60 * MIN;
  const host = { lastSeen: stoppedAt, stoppedAt, nextRunAfterStop: nextRun };
  clock.set(nextRun + SILENT_AFTER - 1);
  assert.deepEqual(hostState(host, clock.now(), SILENT_AFTER), { kind: 'stopped', since: stoppedAt }, 'a restart a few minutes late catches the run up');
  clock.set(nextRun + SILENT_AFTER);
  assert.deepEqual(hostState(host, clock.now(), SILENT_AFTER), { kind: 'silent', since: nextRun });
  clock.set(stoppedAt + 10 * MIN);
  assert.deepEqual(hostState(host, clock.now(), SILENT_AFTER), { kind: 'stopped', since: stoppedAt }, 'a clock moved back is read as it is');
});

test('the words of vigil hosts', () => {
  const at = (ms: number) => new Date(ms).toISOString();
  assert.equal(describeHostState({ kind: 'ok' }, at), 'ok');
  assert.equal(describeHostState({ kind: 'silent', since: 0 }, at), 'silent since 1970-01-01T00:00:00.000Z');
  assert.equal(describeHostState({ kind: 'stopped', since: 0 }, at), 'stopped since 1970-01-01T00:00:00.000Z');
});
