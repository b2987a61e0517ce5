import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BackupRunner } from '../../src/backup/runner.js';
import { Scheduler } from '../../src/backup/scheduler.js';
import type { BackupEngine, EngineRunRequest, EngineRunResult } from '../../src/backup/engine.js';
import type { BackupSetConfig } from '../../src/config/schema/index.js';
import { backupSet } from '../../src/config/schema/sets.js';
import type { VigilEvent } from '../../src/domain/events.js';
import { silentLogger } from '../../src/domain/logger.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import type { Store } from '../../src/storage/ports/store.js';
import { FakeClock } from '../helpers/fake-clock.js';

const MIN = 60_000;
const T0 = Date.parse('2026-11-20T10:00:30Z');

/**
 * An engine whose runs the test ends by hand: the one fake here, because what is under test is
 * the scheduler's bookkeeping, not a backup (the engines have their own suites with real peers).
 */
class ManualEngine implements BackupEngine {
  readonly kind = 'command';
  readonly started: Array<{ request: EngineRunRequest; finish: (r?: Partial<EngineRunResult>) => void }> = [];
  async run(request: EngineRunRequest): Promise<EngineRunResult> {
    return new Promise((resolve) => {
      const finish = (r: Partial<EngineRunResult> = {}) => resolve({ status: 'completed', counters: { files: 1, bytesScanned: 1, bytesNew: 1, errors: 0, warnings: 0 }, log: [], ...r });
      request.signal.addEventListener('abort', () => finish({ status: 'incomplete', log: [{ severity: 'error', message: String(request.signal.reason) }] }), { once: true });
      this.started.push({ request, finish });
    });
  }
  finishAll(): void {
    for (const s of this.started.splice(0)) s.finish();
  }
}

let dir: string;
let store: Store;
let clock: FakeClock;
let engine: ManualEngine;
let events: VigilEvent[];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-sched-'));
  store = openSqliteStore(dir);
  clock = new FakeClock(T0);
  engine = new ManualEngine();
  events = [];
});
afterEach(async () => {
  engine.finishAll();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function sets(schedules: Record<string, string>): Record<string, BackupSetConfig> {
  return Object.fromEntries(Object.entries(schedules).map(([name, schedule]) => [name, backupSet.parse({ engine: 'command', command: ['/bin/true'], schedule })]));
}

function makeScheduler(config: Record<string, BackupSetConfig>, pid = process.pid) {
  const runner = new BackupRunner({
    sets: config,
    dataDir: dir,
    engines: new Map([['command', engine]]),
    activity: store.activity,
    events: { emit: (e) => events.push(e) },
    clock,
    log: silentLogger,
    owner: { host: 'test-host', pid },
  });
  return new Scheduler({ sets: config, runner, state: store.schedules, clock, log: silentLogger, catchUpWindowMs: 5 * MIN });
}

/** Lets started runs reach the engine (they pass through the store first). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** The kinds of the events that tell how runs ended (`backup.started` is each run's beginning). */
function endings(): string[] {
  return events.map((e) => e.kind).filter((kind) => kind !== 'backup.started');
}

async function statuses(set?: string): Promise<string[]> {
  return (await store.activity.list(set ? { set } : {})).reverse().map((a) => a.status);
}

describe('scheduler (fake clock, real SQLite store)', () => {
  it('runs a set when it is due, once per due time', async () => {
    const scheduler = makeScheduler(sets({ db: '*/5 * * * *' }));
    await scheduler.recover(); // first start: nothing was promised before now
    assert.equal(engine.started.length, 0);

    clock.set(Date.parse('2026-11-20T10:04:59Z'));
    await scheduler.tick();
    await settle();
    assert.equal(engine.started.length, 0, 'not due yet');

    clock.set(Date.parse('2026-11-20T10:05:01Z'));
    await scheduler.tick();
    await settle();
    await scheduler.tick();
    await settle();
    assert.equal(engine.started.length, 1, 'due once, started once');
    engine.finishAll();
    await scheduler.idle();

    const [activity] = await store.activity.list({ set: 'db' });
    assert.equal(activity!.status, 'completed');
    assert.equal(activity!.trigger, 'schedule');
    assert.equal(activity!.scheduledFor, Date.parse('2026-11-20T10:05:00Z'));
    assert.deepEqual(endings(), ['backup.completed']);
  });

  it('records a due run as skipped while the previous run of the set is still going', async () => {
    const scheduler = makeScheduler(sets({ db: '* * * * *' }));
    await scheduler.recover();
    clock.advance(MIN);
    await scheduler.tick();
    await settle();
    assert.equal(engine.started.length, 1);
    clock.advance(MIN);
    await scheduler.tick();
    await settle();
    await settle();
    assert.equal(engine.started.length, 1, 'no second run started');
    engine.finishAll();
    await scheduler.idle();
    assert.deepEqual((await statuses('db')).sort(), ['completed', 'skipped']);
    const skipped = (await store.activity.list({ statuses: ['skipped'] }))[0]!;
    assert.match(skipped.firstError ?? (await store.activity.log(skipped.id))[0]!.message, /previous run \(activity \d+, started .*\) was still running/);
    assert.ok(events.some((e) => e.kind === 'backup.skipped'));
  });

  it('records runs due while the service was down as missed at start, and runs one within the catch-up window', async () => {
    const config = sets({ db: '0 * * * *', logs: '30 10 * * *' });
    const first = makeScheduler(config);
    await first.recover();
    await first.stop();

    // Down from 10:00:30 to 14:02: db was due at 11:00, 12:00, 13:00, 14:00; logs at 10:30.
    clock.set(Date.parse('2026-11-20T14:02:00Z'));
    const second = makeScheduler(config);
    await second.recover();
    await settle();
    assert.equal(engine.started.length, 1, 'the 14:00 run is within the 5-minute catch-up window');
    assert.equal(engine.started[0]!.request.name, 'db');
    engine.finishAll();
    await second.idle();

    const missed = await store.activity.list({ statuses: ['missed'] });
    assert.equal(missed.length, 2);
    const db = missed.find((a) => a.set === 'db')!;
    assert.match(db.firstError!, /3 runs due between 2026-11-20 11:00 UTC and 2026-11-20 13:00 UTC did not run: the service was not running/);
    const logs = missed.find((a) => a.set === 'logs')!;
    assert.match(logs.firstError!, /due at 2026-11-20 10:30 UTC did not run/);
    assert.ok(events.some((e) => e.kind === 'backup.missed' && e.set === 'logs'));

    // A restart now finds nothing new.
    const third = makeScheduler(config);
    await third.recover();
    await settle();
    assert.equal((await store.activity.list({ statuses: ['missed'] })).length, 2);
    assert.equal(engine.started.length, 0);
  });

  it('never runs a due time twice when the clock moves backwards, and carries on after', async () => {
    const scheduler = makeScheduler(sets({ db: '*/10 * * * *' }));
    await scheduler.recover();
    clock.set(Date.parse('2026-11-20T10:10:05Z'));
    await scheduler.tick();
    await settle();
    engine.finishAll();
    await scheduler.idle();
    assert.equal((await statuses('db')).length, 1);

    // NTP steps the clock back 15 minutes: 10:00 and 10:10 were handled; nothing runs again.
    clock.set(Date.parse('2026-11-20T09:55:05Z'));
    await scheduler.tick();
    await settle();
    clock.set(Date.parse('2026-11-20T10:10:01Z'));
    await scheduler.tick();
    await settle();
    assert.equal(engine.started.length, 0);

    clock.set(Date.parse('2026-11-20T10:20:01Z'));
    await scheduler.tick();
    await settle();
    assert.equal(engine.started.length, 1, 'the next due time runs');
    engine.finishAll();
    await scheduler.idle();
    assert.deepEqual(await statuses('db'), ['completed', 'completed']);
  });

  it('starts afresh when the clock moves back by more than a day (state from a wrong clock)', async () => {
    const scheduler = makeScheduler(sets({ db: '0 * * * *' }));
    await scheduler.recover();
    clock.set(Date.parse('2027-06-01T12:00:10Z')); // a clock far ahead…
    await scheduler.tick();
    await settle();
    engine.finishAll();
    await scheduler.idle();
    clock.set(Date.parse('2026-11-20T10:30:00Z')); // …corrected
    await scheduler.tick();
    await settle();
    clock.set(Date.parse('2026-11-20T11:00:05Z'));
    await scheduler.tick();
    await settle();
    assert.equal(engine.started.length, 1, 'runs on schedule again instead of waiting until June');
  });

  it('stop() aborts running backups: they are recorded interrupted with the reason, and nobody is alerted', async () => {
    const scheduler = makeScheduler(sets({ db: '* * * * *' }));
    await scheduler.recover();
    clock.advance(MIN);
    await scheduler.tick();
    await settle();
    assert.equal(engine.started.length, 1);
    await scheduler.stop('the service was stopped (SIGTERM) while the backup was running');
    const [activity] = await store.activity.list({});
    assert.equal(activity!.status, 'interrupted');
    assert.match(activity!.firstError!, /SIGTERM/);
    assert.deepEqual(endings(), ['backup.interrupted']);
  });

  it('a run interrupted by a service stop is retried at the next start within the catch-up window, for the same due time', async () => {
    const config = sets({ db: '0 * * * *' });
    const first = makeScheduler(config);
    await first.recover();
    clock.set(Date.parse('2026-11-20T11:00:05Z'));
    await first.tick();
    await settle();
    assert.equal(engine.started.length, 1);
    engine.started.splice(0);
    await first.stop('the service was stopped (SIGTERM) while the backup was running');

    clock.set(Date.parse('2026-11-20T11:03:00Z')); // a three-minute restart
    const second = makeScheduler(config);
    await second.recover();
    await settle();
    assert.equal(engine.started.length, 1, 'the interrupted run is retried');
    engine.finishAll();
    await second.idle();
    const runs = (await store.activity.list({ set: 'db' })).reverse();
    assert.deepEqual(runs.map((a) => a.status), ['interrupted', 'completed']);
    assert.equal(runs[1]!.scheduledFor, Date.parse('2026-11-20T11:00:00Z'));
    assert.deepEqual(endings(), ['backup.interrupted', 'backup.completed'], 'no missed, no incomplete');

    // Handled once: another restart does not retry it again.
    const third = makeScheduler(config);
    await third.recover();
    await settle();
    assert.equal(engine.started.length, 0);
  });

  it('a run interrupted by a service stop is reported missed once when the service comes back after the catch-up window', async () => {
    const config = sets({ db: '0 3 * * *' });
    const first = makeScheduler(config);
    await first.recover();
    clock.set(Date.parse('2026-11-21T03:00:05Z'));
    await first.tick();
    await settle();
    engine.started.splice(0);
    await first.stop('the service was stopped (SIGTERM) while the backup was running');

    clock.set(Date.parse('2026-11-21T05:00:00Z')); // two hours later: past the 5-minute window
    const second = makeScheduler(config);
    await second.recover();
    await settle();
    assert.equal(engine.started.length, 0, 'not retried');
    const missed = await store.activity.list({ set: 'db', statuses: ['missed'] });
    assert.equal(missed.length, 1);
    assert.match(missed[0]!.firstError!, /interrupted by the service stop/);
    assert.equal(missed[0]!.scheduledFor, Date.parse('2026-11-21T03:00:00Z'));

    const third = makeScheduler(config);
    await third.recover();
    await settle();
    assert.equal((await store.activity.list({ set: 'db', statuses: ['missed'] })).length, 1, 'reported once');
  });

  it('a newer due time caught up at start supersedes the interrupted run: it runs once, nothing is retried twice', async () => {
    const config = sets({ db: '*/10 * * * *' });
    const first = makeScheduler(config);
    await first.recover();
    clock.set(Date.parse('2026-11-20T10:10:05Z'));
    await first.tick();
    await settle();
    engine.started.splice(0);
    await first.stop('the service was stopped (SIGTERM) while the backup was running');

    clock.set(Date.parse('2026-11-20T10:21:00Z')); // 10:20 passed while down, within the window
    const second = makeScheduler(config);
    await second.recover();
    await settle();
    await settle();
    assert.equal(engine.started.length, 1, 'one run: the 10:20 one');
    engine.finishAll();
    await second.idle();
    const runs = (await store.activity.list({ set: 'db' })).reverse();
    assert.deepEqual(runs.map((a) => a.status), ['interrupted', 'completed']);
    assert.equal(runs[1]!.scheduledFor, Date.parse('2026-11-20T10:20:00Z'));
  });

  it('ends runs left running by a dead process as incomplete at start', async () => {
    const config = sets({ db: '0 3 * * *' });
    const id = await store.activity.start({ kind: 'backup', set: 'db', engine: 'command', trigger: 'schedule', startedAt: T0 - MIN, owner: { host: 'test-host', pid: 2 ** 22 + 12345 } });
    const scheduler = makeScheduler(config);
    await scheduler.recover();
    const activity = await store.activity.get(id);
    assert.equal(activity!.status, 'incomplete');
    assert.match(activity!.firstError!, /stopped before it finished/);
    assert.ok(events.some((e) => e.kind === 'backup.incomplete' && e.activityId === id));
  });

  it('keeps going when a set is misconfigured: that run fails with the reason, others run', async () => {
    const config = { ...sets({ good: '* * * * *' }), bad: backupSet.parse({ engine: 'restic', repository: '/nonexistent', password: { env: 'NOPE_NOT_SET' }, paths: ['/x'], schedule: '* * * * *' }) };
    const scheduler = makeScheduler(config); // no restic engine registered in this runner
    await scheduler.recover();
    clock.advance(MIN);
    await scheduler.tick();
    await settle();
    engine.finishAll();
    await scheduler.idle();
    const bad = (await store.activity.list({ set: 'bad' }))[0]!;
    assert.equal(bad.status, 'failed');
    assert.equal(bad.firstError, 'engine restic is not available in this build');
    assert.equal((await store.activity.list({ set: 'good' }))[0]!.status, 'completed');
  });
});
