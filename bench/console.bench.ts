/**
 * The console over 1,000 sets × 90 days of runs (one a day each: 90,000 activities): the
 * Overview rendered server-side (its first page of 100 sets), and /metrics, each requested over
 * HTTP as a browser or Prometheus would (p50/p95 of 40 requests after 5 warm-ups); and what the
 * console adds to the process's RSS (hono, the pages, sessions, the metrics registry and the
 * requests' garbage). /metrics is requested as Prometheus does, each scrape after the one-second
 * scrape cache has expired (20 of them, 1 s apart); `metricsCachedMs` are 40 back-to-back
 * scrapes (several scrapers at once: mostly from the cache), and `metricsCollectMs` times a full
 * collection (store reads and the registry's text) called directly, without HTTP.
 * Targets: overview <= 150 ms p95, /metrics <= 50 ms p95, <= 25 MB RSS.
 *
 *   node --import tsx bench/console.bench.ts
 *
 * The database is generated once into bench/out/console and reused. The last line is JSON.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from '../src/app/context.js';
import { openDatabase } from '../src/storage/sqlite/database.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';

const SETS = 1_000;
const DAYS = 90;
const REQUESTS = 40;
const WARMUP = 5;
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out/console');
const dir = path.join(root, 'var');
const NOW = Date.now();

function generate(): void {
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  // The schema first, through the store itself (its migrations), then rows straight into SQLite.
  void openSqliteStore(tmp).close();
  const db = openDatabase(path.join(tmp, 'vigil.db'));
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `INSERT INTO activities (kind, set_name, engine, trigger, status, started_at, ended_at, scheduled_for, files, bytes_scanned, bytes_new, errors, warnings, first_error)
     VALUES ('backup', ?, 'command', 'schedule', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let seed = 0x2545f491;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  db.transaction(() => {
    for (let day = DAYS; day >= 1; day--) {
      for (let set = 0; set < SETS; set++) {
        const started = NOW - day * 86_400_000 + set * 1000;
        const r = rand();
        const status = r < 0.95 ? 'completed' : r < 0.97 ? 'completed-with-warnings' : r < 0.99 ? 'failed' : 'missed';
        const files = status === 'missed' ? 0 : 1000 + set;
        const error = status === 'failed' || status === 'missed' ? `something went wrong on /srv/data/${set}` : null;
        insert.run(name(set), status, started, started + 60_000, started, files, files * 50_000, files * 500, error ? 1 : 0, status === 'completed-with-warnings' ? 1 : 0, error);
      }
    }
  })();
  db.exec('ANALYZE');
  db.close();
  renameSync(tmp, dir);
}

function name(set: number): string {
  return `set-${String(set).padStart(4, '0')}`;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
}

async function timeRequests(url: string, headers: Record<string, string>, options: { requests?: number; apartMs?: number } = {}): Promise<{ p50: number; p95: number; bytes: number }> {
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < WARMUP + (options.requests ?? REQUESTS); i++) {
    if (options.apartMs) await new Promise((resolve) => setTimeout(resolve, options.apartMs));
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
    if (i >= WARMUP) samples.push(performance.now() - t0);
    bytes = body.length;
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), bytes };
}

/** Full /metrics collections, the cache always expired (a millisecond clock that jumps 10 s per call). */
async function timeCollections(app: ReturnType<typeof openApp>): Promise<{ p50: number; p95: number }> {
  const { ConsoleMetrics } = await import('../src/console/metrics.js');
  let ms = 0;
  const metrics = new ConsoleMetrics(() => (ms += 10_000));
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const t0 = performance.now();
    await metrics.scrape(app);
    if (i >= WARMUP) samples.push(performance.now() - t0);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

async function main(): Promise<void> {
  if (!existsSync(dir)) {
    const t0 = performance.now();
    generate();
    console.log(`generated ${SETS * DAYS} runs in ${Math.round(performance.now() - t0)} ms`);
  }
  const { hashSecret } = await import('../src/console/password-hash.js');
  const sets = Array.from({ length: SETS }, (_v, i) => `  ${name(i)}: { engine: command, command: [/bin/true], schedule: "${i % 60} 2 * * *" }`).join('\n');
  const configFile = path.join(root, 'vigil.yaml');
  writeFileSync(configFile, `dataDir: ./var\nhostname: bench\nadmin: { timezone: Europe/Berlin }\nsets:\n${sets}\nconsole:\n  listen: 127.0.0.1:0\n  users:\n    admin: { passwordHash: "${await hashSecret('bench-pass')}" }\n`);
  const app = openApp({ configFile, logLevel: 'error' });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  // Imported only now, so the RSS difference includes the console's code too.
  const { startConsole } = await import('../src/console/server.js');
  const { SCRAPE_CACHE_MS } = await import('../src/console/metrics.js');
  const server = await startConsole(app.loaded.config.console!, { app: () => app, readOnly: false, clock: app.clock });
  const login = await fetch(`${server.url}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: 'admin', password: 'bench-pass' }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const cpu0 = process.cpuUsage();
  const overview = await timeRequests(`${server.url}/`, { cookie });
  // As Prometheus scrapes: each request after the one-second cache has expired (so 20 of them, not 40: ~25 s).
  const metrics = await timeRequests(`${server.url}/metrics`, { cookie }, { requests: 20, apartMs: SCRAPE_CACHE_MS + 50 });
  const metricsCached = await timeRequests(`${server.url}/metrics`, { cookie });
  const api = await timeRequests(`${server.url}/api/v1/sets`, { cookie });
  const collect = await timeCollections(app);
  const cpu = process.cpuUsage(cpu0);
  global.gc?.();
  const rssAfter = process.memoryUsage().rss;
  await server.close();
  await app.close();
  const result = {
    sets: SETS,
    runs: SETS * DAYS,
    overviewMs: { p50: overview.p50, p95: overview.p95 },
    overviewBytes: overview.bytes,
    metricsMs: { p50: metrics.p50, p95: metrics.p95 },
    metricsCachedMs: { p50: metricsCached.p50, p95: metricsCached.p95 },
    metricsCollectMs: { p50: collect.p50, p95: collect.p95 },
    apiSetsMs: { p50: api.p50, p95: api.p95 },
    // CPU time of the whole measuring phase (server and client share the process): a figure the
    // machine's other load moves less than wall time.
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
    consoleRssMB: Math.round(((rssAfter - rssBefore) / 1024 / 1024) * 10) / 10,
    targets: { overviewP95Ms: 150, metricsP95Ms: 50, rssMB: 25 },
  };
  console.log(`overview p50 ${result.overviewMs.p50} ms, p95 ${result.overviewMs.p95} ms (${Math.round(overview.bytes / 1024)} KiB); /metrics p50 ${result.metricsMs.p50} ms, p95 ${result.metricsMs.p95} ms (back to back, mostly cached: p95 ${metricsCached.p95} ms; collection alone p50 ${collect.p50} ms, p95 ${collect.p95} ms); /api/v1/sets p95 ${result.apiSetsMs.p95} ms; console RSS +${result.consoleRssMB} MB`);
  console.log(JSON.stringify(result));
}

await main();
