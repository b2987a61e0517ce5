import assert from 'node:assert/strict';
import type { FinalStatus } from '../../../src/domain/activity.js';
import type { Store } from '../../../src/storage/ports/store.js';
import { storeCase, type OpenStore } from './harness.js';

/**
 * The contract of FleetSummaryStore: the summary's aggregates per host. The same set name on two
 * hosts is two sets, and "the latest" is the latest whatever order the rows were written in.
 */
export function fleetSummaryConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'fleetSummary', open);
  const run = (store: Store, host: string | undefined, set: string, status: FinalStatus, startedAt: number, endedAt: number, error?: string) =>
    store.activity.record(
      { kind: 'backup', set, engine: 'builtin', trigger: 'schedule', startedAt, ...(host ? { host } : {}) },
      { status, endedAt, counters: { files: 1, bytesScanned: 10, bytesNew: 2, errors: error ? 1 : 0, warnings: 0 }, log: error ? [{ severity: 'error', message: error, path: null }] : [], logDropped: 0 },
    );

  withStore('hostStats and hostProblems group the period’s runs by host and set', async (store) => {
    await run(store, 'fs01', 'docs', 'completed', 1_000, 2_000);
    await run(store, 'fs01', 'docs', 'failed', 2_500, 3_000, 'old');
    const latest = await run(store, 'fs01', 'docs', 'failed', 3_500, 4_000, 'disk full');
    await run(store, 'web02', 'docs', 'completed', 1_000, 1_500);
    await run(store, 'web02', 'docs', 'missed', 5_000, 5_000);
    await run(store, 'web02', 'docs', 'completed', 9_000, 10_000); // ends at until: outside
    const stats = (await store.fleetSummary.hostStats(1_000, 10_000)).sort((a, b) => a.host.localeCompare(b.host));
    assert.deepEqual(stats, [
      { host: 'fs01', set: 'docs', runs: 3, byStatus: { completed: 1, failed: 2 }, files: 3, bytesScanned: 30, bytesNew: 6, durationMs: 2_000 },
      { host: 'web02', set: 'docs', runs: 2, byStatus: { completed: 1, missed: 1 }, files: 2, bytesScanned: 20, bytesNew: 4, durationMs: 500 },
    ]);
    const problems = (await store.fleetSummary.hostProblems(1_000, 10_000)).sort((a, b) => a.host.localeCompare(b.host));
    assert.deepEqual(problems.map((p) => [p.host, p.set, p.status, p.count]), [['fs01', 'docs', 'failed', 2], ['web02', 'docs', 'missed', 1]]);
    assert.deepEqual(problems[0]!.latest, { activityId: latest.id, set: 'docs', status: 'failed', startedAt: 3_500, endedAt: 4_000, firstError: 'disk full' });
  });

  withStore('hostLastRuns: per (host, set) the newest ended run and the newest success; lastEndedOn ignores skipped runs', async (store) => {
    await run(store, 'fs01', 'docs', 'completed', 1_000, 2_000);
    const failed = await run(store, 'fs01', 'docs', 'failed', 3_000, 4_000);
    await run(store, 'web02', 'docs', 'completed-with-warnings', 5_000, 6_000);
    const skipped = await run(store, 'web02', 'docs', 'skipped', 7_000, 7_000);
    await store.activity.start({ kind: 'backup', set: 'docs', engine: 'builtin', trigger: 'schedule', startedAt: 8_000, host: 'fs01' }); // still running
    const rows = await store.fleetSummary.hostLastRuns([
      { host: 'fs01', set: 'docs' },
      { host: 'web02', set: 'docs' },
      { host: 'db03', set: 'docs' },
    ]);
    assert.deepEqual(
      rows.map((r) => [r.host, r.set, r.last?.activityId ?? null, r.lastSuccessAt]),
      [
        ['fs01', 'docs', failed.id, 2_000],
        ['web02', 'docs', skipped.id, 6_000],
        ['db03', 'docs', null, null],
      ],
    );
    assert.equal(await store.fleetSummary.lastEndedOn('web02', 'docs'), 6_000);
    assert.equal(await store.fleetSummary.lastEndedOn('fs01', 'docs'), 4_000);
    assert.equal(await store.fleetSummary.lastEndedOn('db03', 'docs'), undefined);
    assert.deepEqual(await store.fleetSummary.hostLastRuns([]), []);
  });
}
