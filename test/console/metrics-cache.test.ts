import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from '../../src/app/context.js';
import { ConsoleMetrics, SCRAPE_CACHE_MS } from '../../src/console/metrics.js';
import { Workspace } from '../helpers/workspace.js';
import { recordRun } from '../conformance/store/fixtures.js';

// /metrics is collected at most once per SCRAPE_CACHE_MS (a millisecond clock the test moves):
// scrapes within it get the same text, the next one after it the store's new state.
test('a scrape within a second of the last reuses its text; after it, the store is read again', async () => {
  const ws = new Workspace(`dataDir: ./var\nhostname: metrics-test\nsets:\n  docs: { engine: command, command: [/bin/true] }\n`);
  const app = openApp({ configFile: ws.configFile, logLevel: 'error' });
  try {
    let ms = 10_000;
    const metrics = new ConsoleMetrics(() => ms);
    const before = await metrics.scrape(app);
    assert.doesNotMatch(Buffer.concat(before).toString('utf8'), /vigil_set_last_run_status\{set="docs"/, 'never run yet');
    await app.runner.run('docs', { trigger: 'manual' });
    ms += SCRAPE_CACHE_MS - 1;
    assert.equal(await metrics.scrape(app), before, 'within the cache time: the same text');
    ms += 1;
    assert.match(Buffer.concat(await metrics.scrape(app)).toString('utf8'), /vigil_set_last_run_status\{set="docs",host="metrics-test",status="completed"\} 1/, 'after it: read again');
    // Scrapes arriving together share one collection.
    ms += SCRAPE_CACHE_MS;
    const [a, b] = await Promise.all([metrics.scrape(app), metrics.scrape(app)]);
    assert.equal(a, b);
  } finally {
    await app.close();
    ws.cleanup();
  }
});

// The per-set series are kept between scrapes (set-series-cache.ts) and read again when the
// store's watermark moves. A prune that spares the lowest id (a run of another set that started
// first and ended last) moves neither end of the ids: it must be seen all the same.
test('a prune that spares the lowest activity id is seen by the next scrape', async () => {
  const ws = new Workspace(`dataDir: ./var\nhostname: metrics-test\nsets:\n  docs: { engine: command, command: [/bin/true] }\n  long: { engine: command, command: [/bin/true] }\n`);
  const app = openApp({ configFile: ws.configFile, logLevel: 'error' });
  try {
    const now = app.clock.now();
    const day = 86_400_000;
    await recordRun(app.store, 'long', 'completed', now - 6 * day, now - day);
    await recordRun(app.store, 'docs', 'completed', now - 5 * day, now - 5 * day + 60_000);
    await recordRun(app.store, 'docs', 'failed', now - 2 * day, now - 2 * day + 60_000);
    let ms = 10_000;
    const metrics = new ConsoleMetrics(() => ms);
    const success = /vigil_set_last_success_timestamp_seconds\{set="docs"/;
    assert.match(Buffer.concat(await metrics.scrape(app)).toString('utf8'), success, 'docs succeeded five days ago');
    assert.equal(await app.store.housekeeping.pruneActivities(now - 3 * day), 1, 'that success only');
    ms += SCRAPE_CACHE_MS;
    assert.doesNotMatch(Buffer.concat(await metrics.scrape(app)).toString('utf8'), success, 'pruned: no last success any more');
  } finally {
    await app.close();
    ws.cleanup();
  }
});
