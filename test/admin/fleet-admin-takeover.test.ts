import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdminProcess } from '../../src/admin/admin-process.js';
import { renderFleetSummary, type RenderedFleetSummary } from '../../src/admin/fleet-summary-source.js';
import { AdminSchedule } from '../../src/admin/period.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { silentLogger } from '../../src/domain/logger.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { adminConfig, AdminHarness } from './helpers.js';

const DUE = Date.parse('2026-11-22T20:00:00Z');
const HOUR = 3_600_000;

/** The fleet leader's Admin process as src/app/admin-wiring.ts builds it: the fleet summary, claims before `tenure` taken over. */
function leaderProcess(h: AdminHarness, name: string, tenure: number | undefined): AdminProcess<RenderedFleetSummary> {
  const outbox = new Outbox({ store: h.store.outbox, clock: h.clock, messageIdDomain: 'test.vigil.invalid' });
  return new AdminProcess<RenderedFleetSummary>({
    config: h.config,
    store: h.store,
    outbox,
    events: { emit: () => undefined },
    clock: h.clock,
    log: silentLogger,
    host: name,
    owner: { host: name, pid: 2 },
    housekeeper: { prune: async () => ({ activities: 0, messages: 0, ledger: 0, escalations: 0 }), checkVaults: async () => [] },
    render: (period, now, housekeeping) => renderFleetSummary({ config: h.config, store: h.store, host: name }, period, now, housekeeping),
    ...(tenure === undefined ? {} : { staleClaimBefore: (now: number) => Math.max(now - HOUR, tenure) }),
  });
}

test('a leader killed mid-summary: the next leader takes its claim over at once and sends the fleet summary, once', async () => {
  const h = new AdminHarness(adminConfig({ daily: '20:00', timezone: 'UTC' }), new FakeClock(DUE));
  try {
    const period = new AdminSchedule('daily', '20:00', 'UTC').periodEndingAt(DUE);
    await h.store.hosts.register({ name: 'fs01', version: '1', startedAt: DUE - HOUR, sets: [] }, DUE - HOUR);
    await h.store.hosts.register({ name: 'web02', version: '1', startedAt: DUE - HOUR, sets: [] }, DUE);
    // fs01 led, claimed the period at 20:00 and was killed before it enqueued anything.
    assert.equal(await h.store.adminRuns.claim({ key: period.key, kind: 'daily', dueAt: DUE, startedAt: DUE, owner: 'fs01:1' }, DUE - HOUR), true);
    h.clock.set(DUE + 30_000);

    // Without the tenure rule a dead process's claim waits an hour: the summary would be an hour late.
    assert.equal((await leaderProcess(h, 'web02', undefined).run(period, 'schedule')).result, 'already-done');

    // web02 leads from 20:00:25: the claim was made before, by a leader that lost the lease.
    const outcome = await leaderProcess(h, 'web02', DUE + 25_000).run(period, 'schedule');
    assert.equal(outcome.result, 'sent');
    assert.match(outcome.result === 'sent' ? outcome.rendered.summary.subject : '', /^Vigil daily — fleet of 2 hosts: 0 completed/);
    assert.equal((await h.summaries()).length, 1);

    // And never twice: neither the same leader again, nor another one later.
    assert.equal((await leaderProcess(h, 'web02', DUE + 25_000).run(period, 'schedule')).result, 'already-done');
    h.clock.set(DUE + 2 * HOUR);
    assert.equal((await leaderProcess(h, 'fs01', DUE + 2 * HOUR - 1).run(period, 'schedule')).result, 'already-done');
    assert.equal((await h.summaries()).length, 1);
  } finally {
    await h.close();
  }
});
