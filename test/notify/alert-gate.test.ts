import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { silentLogger } from '../../src/domain/logger.js';
import { AlertGate } from '../../src/notify/alert-gate.js';
import { FakeClock } from '../helpers/fake-clock.js';

function withGate(work: (gate: AlertGate, store: ReturnType<typeof openSqliteStore>, clock: FakeClock) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-alert-gate-'));
    const store = openSqliteStore(dir);
    const clock = new FakeClock();
    try {
      await work(new AlertGate({ pauses: store.alertPauses, clock, log: silentLogger }), store, clock);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('a --for pause holds the set until its end, on the injected clock; other sets and set-less faults pass', withGate(async (gate, store, clock) => {
  await store.alertPauses.pause(['alpha'], clock.now(), clock.now() + 2 * 3_600_000);
  assert.equal(await gate.suppress('alpha', 'backup alpha failed (activity 1)'), true);
  assert.equal(await gate.suppress('beta', 'backup beta failed (activity 2)'), false);
  assert.equal(await gate.suppress(null, 'service fault mail-undeliverable'), false);
  clock.advance(2 * 3_600_000 - 1);
  assert.equal(await gate.suppress('alpha', 'backup alpha failed (activity 3)'), true);
  clock.advance(1);
  assert.equal(await gate.suppress('alpha', 'backup alpha failed (activity 4)'), false, 'the pause ends by itself');
  assert.deepEqual(await store.alertPauses.active(clock.now()), []);
}));

test('a pause of every set holds every set; resume lists what was held, oldest first, and ends it', withGate(async (gate, store, clock) => {
  await store.alertPauses.pause(['*'], clock.now(), null);
  assert.equal(await gate.suppress('alpha', 'first'), true);
  clock.advance(1000);
  assert.equal(await gate.suppress('beta', 'second'), true);
  const held = await store.alertPauses.resume(['*']);
  assert.deepEqual(held.map((h) => [h.set, h.what]), [['alpha', 'first'], ['beta', 'second']]);
  assert.equal(await gate.suppress('alpha', 'third'), false);
  // What an earlier pause held is not listed again by the next one's resume.
  clock.advance(1000);
  await store.alertPauses.pause(['alpha'], clock.now(), null);
  assert.deepEqual(await store.alertPauses.resume(['alpha']), []);
}));

test('a pause that cannot be read does not silence the alert (fail open)', withGate(async (gate, store) => {
  await store.close();
  assert.equal(await gate.suppress('alpha', 'backup alpha failed'), false);
}));
