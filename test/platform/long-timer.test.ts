import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_TIMER_DELAY_MS, setLongInterval, setLongTimeout, type TimerHost } from '../../src/platform/long-timer.js';
import { Workspace } from '../helpers/workspace.js';

const DAY = 86_400_000;

/**
 * A TimerHost that only records what was armed: the test fires the pending timer by hand, so
 * 30 days pass without waiting and without touching Node's timers.
 */
class ManualTimers implements TimerHost<number> {
  armed: { id: number; fn: () => void; ms: number }[] = [];
  requested: number[] = [];
  private next = 1;
  set(fn: () => void, ms: number): number {
    const id = this.next++;
    this.armed.push({ id, fn, ms });
    this.requested.push(ms);
    return id;
  }
  clear(id: number): void {
    this.armed = this.armed.filter((t) => t.id !== id);
  }
  /** Fires the one pending timer; returns its delay. */
  fire(): number {
    assert.equal(this.armed.length, 1, 'exactly one timer is pending');
    const timer = this.armed.shift()!;
    timer.fn();
    return timer.ms;
  }
}

describe('setLongTimeout: delays past 2^31-1 ms are chained, never fired early', () => {
  it('never asks the host for more than MAX_TIMER_DELAY_MS, and fires once, after the whole delay', () => {
    const timers = new ManualTimers();
    let fired = 0;
    setLongTimeout(() => fired++, 30 * DAY, timers);
    let elapsed = 0;
    while (fired === 0) elapsed += timers.fire();
    assert.equal(elapsed, 30 * DAY);
    assert.equal(fired, 1);
    assert.ok(timers.requested.every((ms) => ms <= MAX_TIMER_DELAY_MS && ms >= 0), timers.requested.join(', '));
    assert.equal(timers.requested.length, 2, '30 days is one full step and the rest');
    assert.equal(timers.armed.length, 0);
  });

  it('a short delay is one timer of that length', () => {
    const timers = new ManualTimers();
    let fired = 0;
    setLongTimeout(() => fired++, 1_500, timers);
    assert.deepEqual(timers.requested, [1_500]);
    timers.fire();
    assert.equal(fired, 1);
  });

  it('cancel stops the chain wherever it is', () => {
    const timers = new ManualTimers();
    let fired = 0;
    const handle = setLongTimeout(() => fired++, 60 * DAY, timers);
    timers.fire();
    handle.cancel();
    assert.equal(timers.armed.length, 0);
    assert.equal(fired, 0);
  });

  it('Infinity and NaN never fire (Node would fire them after 1 ms); negative fires at once', () => {
    const timers = new ManualTimers();
    let fired = 0;
    setLongTimeout(() => fired++, Infinity, timers);
    for (let i = 0; i < 5; i++) assert.equal(timers.fire(), MAX_TIMER_DELAY_MS);
    assert.equal(fired, 0);
    const nan = new ManualTimers();
    setLongTimeout(() => fired++, Number.NaN, nan);
    assert.equal(nan.fire(), MAX_TIMER_DELAY_MS);
    assert.equal(fired, 0);
    const negative = new ManualTimers();
    setLongTimeout(() => fired++, -5, negative);
    assert.deepEqual(negative.requested, [0]);
  });
});

describe('setLongInterval: a 30-day period does not spin', () => {
  it('each tick comes a whole period after the last, however long the period', () => {
    const timers = new ManualTimers();
    let ticks = 0;
    const handle = setLongInterval(() => ticks++, 30 * DAY, timers);
    let elapsed = 0;
    while (ticks < 3) elapsed += timers.fire();
    assert.equal(elapsed, 90 * DAY);
    assert.ok(timers.requested.every((ms) => ms <= MAX_TIMER_DELAY_MS));
    handle.cancel();
    assert.equal(timers.armed.length, 0);
  });

  it('a period of 0 is raised to 1 ms rather than a busy loop of 0 ms timers', () => {
    const timers = new ManualTimers();
    setLongInterval(() => {}, 0, timers);
    assert.deepEqual(timers.requested, [1]);
  });
});

describe('Node timers as the default host', () => {
  it('a real 30-day timer is pending, not fired, after a moment (Node alone fires it after 1 ms)', async () => {
    let fired = false;
    const handle = setLongTimeout(() => (fired = true), 30 * DAY);
    await new Promise((resolve) => setTimeout(resolve, 50));
    handle.cancel();
    assert.equal(fired, false);
  });
});

describe('`timeout: 30d` from vigil.yaml (real process)', () => {
  const ws = new Workspace();
  after(() => ws.cleanup());

  it('a run with a 30-day timeout runs to the end instead of "incomplete" at once', async () => {
    const script = path.join(ws.dir, 'slow.sh');
    writeFileSync(script, '#!/bin/sh\nsleep 1\necho "dump finished"\n');
    chmodSync(script, 0o755);
    ws.write(`dataDir: ./var\nsets:\n  db: { engine: command, command: [${script}], timeout: 30d }\n`);
    const result = await ws.vigil(['run', 'db']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.doesNotMatch(result.stdout + result.stderr, /incomplete|did not finish within/);
  });
});
