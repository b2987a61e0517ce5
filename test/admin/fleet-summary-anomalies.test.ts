import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFleetSummary } from '../../src/admin/fleet-summary-source.js';
import { AdminSchedule } from '../../src/admin/period.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { adminConfig, AdminHarness } from './helpers.js';

const DUE = Date.parse('2026-11-27T20:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// A host with `notification.anomalies: summary` leaves its anomalies to the summary; in a fleet
// only the leader sends one, so the fleet summary must list every host's anomalies — judged as
// the single-host summary judges them — or they are reported nowhere.
test('the fleet summary lists an anomaly of another host’s set, read from the store, in that host’s section', async () => {
  const h = new AdminHarness(adminConfig({ daily: '20:00', timezone: 'UTC' }), new FakeClock(DUE));
  try {
    const sets = [{ name: 'www', schedule: null }];
    for (const name of ['fs01', 'web02']) await h.store.hosts.register({ name, version: '1', startedAt: DUE - HOUR, sets: name === 'web02' ? sets : [] }, DUE);
    const backup = async (host: string, set: string, files: number, bytesScanned: number, endedAt: number) =>
      h.store.activity.record(
        { kind: 'backup', set, engine: 'restic', trigger: 'schedule', startedAt: endedAt - 60_000, host },
        { status: 'completed', endedAt, counters: { files, bytesScanned, bytesNew: 0, errors: 0, warnings: 0 }, log: [], logDropped: 0 },
      );
    // web02's www: ten days of 5,000 files and 2 GB, then today's run backed up 3 files (the mount vanished).
    for (let d = 10; d >= 1; d--) await backup('web02', 'www', 5_000, 2e9, DUE - d * DAY);
    await backup('web02', 'www', 3, 4_096, DUE - 2 * HOUR);
    // The same set name on fs01 is usual there: a host's runs are judged against its own only.
    for (let d = 10; d >= 0; d--) await backup('fs01', 'www', 3, 4_096, DUE - d * DAY - 3 * HOUR);

    const day = new AdminSchedule('daily', '20:00', 'UTC').periodEndingAt(DUE);
    const { summary, text, html } = await renderFleetSummary({ config: h.config, store: h.store, host: 'fs01' }, day, DUE);
    const web02 = summary.hosts.find((x) => x.name === 'web02')!;
    const fs01 = summary.hosts.find((x) => x.name === 'fs01')!;
    assert.deepEqual(web02.anomalies.map((a) => [a.set, a.metric, a.value, a.usual]), [['www', 'files', 3, 5_000], ['www', 'bytes', 4_096, 2e9]]);
    assert.deepEqual(fs01.anomalies, []);
    assert.equal(web02.healthy, false);
    assert.equal(summary.healthy, false);
    assert.match(summary.subject, /1 anomaly/);

    const section = text.slice(text.indexOf('HOST web02'));
    assert.match(section.slice(0, section.indexOf('\n\n')), /ANOMALY +www: backed up 3 files, usually 5000/, text);
    assert.ok(!text.slice(text.indexOf('HOST fs01'), text.indexOf('HOST web02')).includes('ANOMALY'), 'fs01 has none');
    const htmlSection = html.slice(html.indexOf('web02: ok'));
    assert.match(htmlSection, /ANOMALY.*www: backed up 3 files, usually 5000/s);
    assert.match(htmlSection, new RegExp(`vigil activity show ${web02.anomalies[0]!.activityId}`));
  } finally {
    await h.close();
  }
});
