import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Housekeeper } from '../../src/admin/housekeeping.js';
import { createEngines } from '../../src/backup/engines/index.js';
import { ZERO_COUNTERS } from '../../src/domain/activity.js';
import type { VigilEvent } from '../../src/domain/events.js';
import { silentLogger } from '../../src/domain/logger.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { keygen } from '../helpers/sshd-peer.js';
import { adminConfig } from './helpers.js';

const DAY = 86_400_000;

test('housekeeping prunes the notification ledger with the activities and escalations with the Outbox', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-housekeeping-'));
  const store = openSqliteStore(dir);
  try {
    const clock = new FakeClock();
    const config = adminConfig({ retention: { activity: '90d', outbox: '30d' } });
    const housekeeper = new Housekeeper({ engines: createEngines(), config, store, clock, log: silentLogger, owner: { host: 'h', pid: 1 }, isBusy: async () => false });
    const run = async () => {
      const at = clock.now();
      const a = await store.activity.record(
        { kind: 'backup', set: 'documents', engine: 'builtin', trigger: 'schedule', startedAt: at, scheduledFor: at },
        { status: 'failed', endedAt: at, counters: ZERO_COUNTERS, log: [{ severity: 'error', message: 'boom', path: null }], logDropped: 0 },
      );
      await store.notifyState.commit(a.id, undefined, at);
      await store.escalations.record({ outboxId: `m${a.id}`, kind: 'backup.failed', subject: 's', profile: 'office', trigger: 'failed', reason: 'r', messageAt: at, escalatedAt: at });
      return a.id;
    };
    const old = await run();
    clock.advance(60 * DAY);
    const recent = await run();
    clock.advance(40 * DAY); // old: 100 days, recent: 40 days

    const pruned = await housekeeper.prune();
    assert.deepEqual(pruned, { activities: 1, messages: 0, ledger: 1, escalations: 2 });
    assert.equal(await store.notifyState.notified(old), false);
    assert.equal(await store.notifyState.notified(recent), true, 'a ledger row within the activity retention stays');
    assert.deepEqual(await store.escalations.since(0), []);

    // Every activity pruned: SQLite hands out the same ids again. A left-over "notified" row
    // would make the new run look handled, and its alert would never be sent after a crash.
    clock.advance(91 * DAY);
    assert.equal((await housekeeper.prune()).ledger, 1);
    const reused = await store.activity.record(
      { kind: 'backup', set: 'documents', engine: 'builtin', trigger: 'schedule', startedAt: clock.now(), scheduledFor: null },
      { status: 'failed', endedAt: clock.now(), counters: ZERO_COUNTERS, log: [], logDropped: 0 },
    );
    assert.ok(reused.id <= recent, 'the id was reused (the case this guards)');
    assert.equal(await store.notifyState.notified(reused.id), false);
    assert.deepEqual((await store.notifyState.unnotified(0)).map((u) => u.activityId), [reused.id]);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a weekly vault check that fails is a critical service fault naming the set and the activity', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-housekeeping-'));
  const store = openSqliteStore(dir);
  try {
    const clock = new FakeClock();
    // The vault's disk is not mounted: its directory is missing, so verify cannot open it.
    const config = adminConfig({}, { dataDir: dir, sets: { documents: { engine: 'builtin', paths: [dir], vault: path.join(dir, 'unmounted', 'vault') }, dump: { engine: 'command', command: ['true'] } } });
    const events: VigilEvent[] = [];
    const housekeeper = new Housekeeper({ engines: createEngines(), config, store, clock, log: silentLogger, owner: { host: 'h', pid: 1 }, isBusy: async () => false, events: { emit: (e) => events.push(e) } });

    const checks = await housekeeper.checkVaults(new AbortController().signal);
    assert.deepEqual(checks.map((c) => [c.set, c.what, c.status]), [['documents', 'verify', 'failed']]);
    assert.equal(events.length, 1, JSON.stringify(events));
    const fault = events[0]!;
    assert.ok(fault.kind === 'service.fault');
    assert.equal(fault.fault, 'vault-check-failed');
    assert.equal(fault.set, 'documents');
    assert.match(fault.detail, new RegExp(`verify of set documents ended failed \\(vigil activity show ${checks[0]!.activityId}\\)`));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a weekly check of an offsite vault whose host is down is a vault-unreachable fault, not a verdict on the vault', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-housekeeping-'));
  const store = openSqliteStore(dir);
  try {
    // A port nothing listens on: the SFTP connection is refused.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    writeFileSync(path.join(dir, 'known_hosts'), '');
    keygen(path.join(dir, 'id'));
    const config = adminConfig({}, {
      dataDir: dir,
      vaults: { offsite: { url: `sftp://backup@127.0.0.1:${port}/srv/vault`, identityFile: path.join(dir, 'id'), knownHosts: path.join(dir, 'known_hosts'), timeout: '5s' } },
      sets: { documents: { engine: 'builtin', paths: [dir], vault: 'offsite' } },
    });
    const events: VigilEvent[] = [];
    const housekeeper = new Housekeeper({ engines: createEngines(), config, store, clock: new FakeClock(), log: silentLogger, owner: { host: 'h', pid: 1 }, isBusy: async () => false, events: { emit: (e) => events.push(e) } });

    const checks = await housekeeper.checkVaults(new AbortController().signal);
    assert.deepEqual(checks.map((c) => [c.set, c.status]), [['documents', 'failed']]);
    assert.deepEqual(events.map((e) => (e.kind === 'service.fault' ? e.fault : e.kind)), ['vault-unreachable'], JSON.stringify(events));
    assert.match((events[0] as { detail: string }).detail, /verify of set documents stopped .*cannot connect to 127\.0\.0\.1:\d+: ECONNREFUSED/);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
