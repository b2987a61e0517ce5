import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminProcess } from '../../src/admin/admin-process.js';
import { Housekeeper } from '../../src/admin/housekeeping.js';
import { createEngines } from '../../src/backup/engines/index.js';
import { manualPeriod } from '../../src/admin/period.js';
import { silentLogger } from '../../src/domain/logger.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { adminConfig, AdminHarness } from './helpers.js';

const NOW = Date.parse('2026-11-22T20:00:00Z');

test('a part of the summary that cannot be read is named in it; the summary still goes out', async () => {
  const h = new AdminHarness(adminConfig({ timezone: 'UTC' }));
  h.clock.set(NOW);
  try {
    // The real SQLite summary store, except that its delivery query fails (a locked Outbox table).
    const summary = Object.create(h.store.summary) as typeof h.store.summary;
    summary.delivery = () => Promise.reject(new Error('database table is locked: messages'));
    const store = { ...h.store, summary };
    const owner = { host: 'test-host', pid: process.pid };
    const admin = new AdminProcess({
      config: h.config,
      store,
      outbox: new Outbox({ store: h.store.outbox, clock: h.clock, messageIdDomain: 'test.vigil.invalid' }),
      events: { emit: (e) => h.events.push(e) },
      clock: h.clock,
      log: silentLogger,
      host: 'fileserver',
      owner,
      housekeeper: new Housekeeper({ engines: createEngines(), config: h.config, store: h.store, clock: h.clock, log: silentLogger, owner, isBusy: async () => false }),
      credentials: () => {
        throw new Error('cannot read /etc/vigil/secret-expiry');
      },
    });
    const outcome = await admin.run(manualPeriod('daily', NOW, 'UTC'), 'manual');
    assert.ok(outcome.result === 'sent', JSON.stringify(outcome));
    assert.equal((await h.summaries()).length, 1, 'the summary is in the Outbox');
    const { text, html } = outcome.rendered;
    assert.match(text, /NOT READ +delivery health could not be read, so this summary leaves it out: database table is locked: messages/);
    assert.match(text, /NOT READ +credential expiry could not be read/);
    assert.match(html, /NOT READ.*delivery health could not be read/);
    assert.doesNotMatch(text, /Nothing: every backup that ended in the period completed/, 'a summary with a hole is not "all well"');
    const activity = await h.store.activity.get(outcome.activityId);
    assert.equal(activity?.status, 'completed-with-errors');
    assert.equal(h.events.length, 0, 'not an Admin failure: the summary went out');
  } finally {
    await h.close();
  }
});
