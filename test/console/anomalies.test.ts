import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from '../../src/app/context.js';
import { anomalyText } from '../../src/admin/format.js';
import { previewSummary } from '../../src/app/previews.js';
import { loadSets } from '../../src/console/data/sets.js';
import { Workspace } from '../helpers/workspace.js';
import { recordRun } from '../conformance/store/fixtures.js';

// The Overview shows the anomalies the Daily summary lists (domain/anomalies.ts, the summary's
// thresholds, the last 24 hours): a set whose newest run backed up a tenth of its usual files.
test('a set that suddenly backed up far fewer files shows the Daily summary’s anomaly; a steady set shows none', async () => {
  const ws = new Workspace(`dataDir: ./var\nhostname: anomaly-test\nsets:\n  shrunk: { engine: command, command: [/bin/true] }\n  steady: { engine: command, command: [/bin/true] }\n`);
  const app = openApp({ configFile: ws.configFile, logLevel: 'error' });
  try {
    const now = app.clock.now();
    const day = 86_400_000;
    for (let d = 10; d >= 1; d--) {
      for (const set of ['shrunk', 'steady']) {
        const files = set === 'shrunk' && d === 1 ? 100 : 1_000;
        await recordRun(app.store, set, 'completed', now - d * day + 3_600_000, now - d * day + 3_660_000, { counters: { files, bytesScanned: files * 10_000, bytesNew: 0, errors: 0, warnings: 0 } });
      }
    }
    const { sets } = await loadSets(app, { trend: true, anomalies: true });
    const shrunk = sets.find((s) => s.name === 'shrunk')!;
    const steady = sets.find((s) => s.name === 'steady')!;
    assert.deepEqual(steady.anomalies, []);
    assert.deepEqual(shrunk.anomalies.map((a) => [a.metric, a.value, a.usual]), [['files', 100, 1_000], ['bytes', 1_000_000, 10_000_000]]);
    const summary = await previewSummary(app, 'daily');
    assert.deepEqual(shrunk.anomalies.map((a) => anomalyText(a)), summary.summary.anomalies.map((a) => anomalyText(a)), 'the same as the Daily summary');
  } finally {
    await app.close();
    ws.cleanup();
  }
});

// The Overview keeps each set's samples between requests (console/data/success-samples-cache.ts):
// a new success must be seen (it is the set's newest), and so must a prune (the store's lowest id).
test('the Overview’s anomalies follow a new success and a prune, with the samples kept between requests', async () => {
  const ws = new Workspace(`dataDir: ./var\nhostname: anomaly-test\nsets:\n  shrunk: { engine: command, command: [/bin/true] }\n`);
  const app = openApp({ configFile: ws.configFile, logLevel: 'error' });
  try {
    const now = app.clock.now();
    const day = 86_400_000;
    const run = (d: number, files: number) =>
      recordRun(app.store, 'shrunk', 'completed', now - d * day + 3_600_000, now - d * day + 3_660_000, { counters: { files, bytesScanned: files * 10_000, bytesNew: 0, errors: 0, warnings: 0 } });
    for (let d = 10; d >= 2; d--) await run(d, 1_000);
    const anomalies = async () => (await loadSets(app, { anomalies: true })).sets[0]!.anomalies.map((a) => a.metric);
    assert.deepEqual(await anomalies(), [], 'steady so far');
    await run(1, 100);
    assert.deepEqual(await anomalies(), ['files', 'bytes'], 'a new success (the set’s newest): read again');
    assert.deepEqual(await anomalies(), ['files', 'bytes'], 'nothing changed: the same');
    // Every run but the newest pruned: too few left to judge it (minBaseline), though its newest success is the same.
    assert.ok((await app.store.housekeeping.pruneActivities(now - 1.5 * day)) > 0);
    assert.deepEqual(await anomalies(), [], 'a prune: read again');
  } finally {
    await app.close();
    ws.cleanup();
  }
});

// A prune that spares the store's lowest id (a run of another set that started first and ended
// last) must be seen as well: the set's kept samples would otherwise outlive the rows they came from.
test('the Overview’s anomalies follow a prune that spares the lowest activity id', async () => {
  const ws = new Workspace(`dataDir: ./var\nhostname: anomaly-test\nsets:\n  shrunk: { engine: command, command: [/bin/true] }\n  long: { engine: command, command: [/bin/true] }\n`);
  const app = openApp({ configFile: ws.configFile, logLevel: 'error' });
  try {
    const now = app.clock.now();
    const day = 86_400_000;
    // The lowest id: started before every other run, ended after the prune's cut-off.
    await recordRun(app.store, 'long', 'completed', now - 11 * day, now - day);
    const run = (d: number, files: number) =>
      recordRun(app.store, 'shrunk', 'completed', now - d * day + 3_600_000, now - d * day + 3_660_000, { counters: { files, bytesScanned: files * 10_000, bytesNew: 0, errors: 0, warnings: 0 } });
    for (let d = 10; d >= 2; d--) await run(d, 1_000);
    await run(1, 100);
    const anomalies = async () => (await loadSets(app, { anomalies: true, only: 'shrunk' })).sets[0]!.anomalies.map((a) => a.metric);
    assert.deepEqual(await anomalies(), ['files', 'bytes'], 'the newest backed up a tenth');
    const bounds = await app.store.activity.idBounds();
    assert.equal(await app.store.housekeeping.pruneActivities(now - 1.5 * day), 9, 'every shrunk run but the newest');
    assert.equal((await app.store.activity.idBounds()).lowest, bounds.lowest, 'the lowest id stayed');
    assert.deepEqual(await anomalies(), [], 'the prune is seen: too few runs left to judge');
  } finally {
    await app.close();
    ws.cleanup();
  }
});
