import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectFleetSummaryInput } from '../../src/admin/fleet-summary-source.js';
import { AdminSchedule } from '../../src/admin/period.js';
import { ZERO_COUNTERS } from '../../src/domain/activity.js';
import { buildFleetSummary } from '../../src/domain/fleet-summary.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { adminConfig, AdminHarness } from './helpers.js';

const DUE = Date.parse('2026-11-27T20:00:00Z'); // a Friday
const HOUR = 3_600_000;

// Each host of a fleet checks its own vaults at its weekly time; the leader's weekly fleet
// summary lists every host's checks of the week in that host's section, read from the store.
test('the weekly fleet summary reads each host’s vault checks of the week from the store', async () => {
  const h = new AdminHarness(adminConfig({ weekly: 'fri 20:00', timezone: 'UTC' }), new FakeClock(DUE));
  try {
    const week = new AdminSchedule('weekly', 'fri 20:00', 'UTC').periodEndingAt(DUE);
    for (const name of ['fs01', 'web02']) await h.store.hosts.register({ name, version: '1', startedAt: DUE - HOUR, sets: [] }, DUE);
    const check = async (host: string, set: string, status: 'completed' | 'failed', endedAt: number) =>
      h.store.activity.record(
        { kind: 'validation', set, engine: 'restic', trigger: 'schedule', startedAt: endedAt - 60_000, host },
        { status, endedAt, counters: ZERO_COUNTERS, log: [], logDropped: 0 },
      );
    await check('fs01', 'documents', 'failed', DUE - 2 * HOUR);
    await check('web02', 'www', 'completed', DUE - 3 * HOUR);
    await check('web02', 'www', 'completed', DUE - 9 * 24 * HOUR); // the week before: not this summary's

    const input = await collectFleetSummaryInput({ config: h.config, store: h.store, host: 'fs01', checkName: () => 'restic check' }, week, DUE);
    const s = buildFleetSummary(input);
    assert.deepEqual(s.hosts.map((x) => [x.name, x.checks.map((c) => `${c.what} ${c.set}: ${c.status}`)]), [['fs01', ['restic check documents: failed']], ['web02', ['restic check www: completed']]]);
    assert.deepEqual(input.missing, []);

    const daily = new AdminSchedule('daily', '20:00', 'UTC').periodEndingAt(DUE);
    assert.deepEqual((await collectFleetSummaryInput({ config: h.config, store: h.store, host: 'fs01' }, daily, DUE)).checks, [], 'the daily summary has none');
  } finally {
    await h.close();
  }
});
