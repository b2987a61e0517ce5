/**
 * Daily Admin summary over a large activity log: 1,000,000 backup runs across 1,000 sets, spread
 * over the 90 days the default retention keeps (~11 runs per set per day). Measures building the
 * summary (the SummaryStore's aggregate queries, the pure model, anomaly detection) and rendering
 * its text and HTML — what the Daily Admin does before it enqueues. Target: <= 1 s, <= 300 MB RSS.
 *
 *   node --import tsx bench/admin.bench.ts          (BENCH_RUNS=100000 for a quick run)
 *
 * The database is generated once into bench/out/ and reused. Each measurement runs in a fresh
 * child process, so its RSS is the summary's own, not the generator's. The last line is JSON.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdminProcess } from '../src/admin/admin-process.js';
import { Housekeeper } from '../src/admin/housekeeping.js';
import { createEngines } from '../src/backup/engines/index.js';
import { manualPeriod } from '../src/admin/period.js';
import { renderSummaryHtml } from '../src/admin/render-html.js';
import { renderSummaryText } from '../src/admin/render-text.js';
import { collectSummaryInput } from '../src/admin/summary-source.js';
import { buildSummary } from '../src/domain/summary-build.js';
import { configSchema } from '../src/config/schema/index.js';
import { silentLogger } from '../src/domain/logger.js';
import { openDatabase } from '../src/storage/sqlite/database.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 1_000_000);
const SETS = 1_000;
const DAYS = 90;
const NOW = Date.parse('2026-11-22T20:00:00Z');
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.join(here, 'out', `admin-${RUNS}`);

function config() {
  const sets = Object.fromEntries(
    Array.from({ length: SETS }, (_v, i) => [`set-${String(i).padStart(4, '0')}`, { engine: 'command', command: ['/bin/true'], schedule: `${i % 60} */2 * * *` }]),
  );
  return configSchema.parse({
    dataDir: dir,
    hostname: 'bench',
    profiles: { local: { method: 'maildir', from: 'vigil@localhost', addressBook: { admins: ['root@localhost'] } } },
    notification: { admins: ['admins'] },
    admin: { daily: '20:00', timezone: 'Europe/Berlin' },
    sets,
  });
}

/** Writes the synthetic log straight into SQLite (one transaction per 50k rows). */
function generate(): void {
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const db = openDatabase(path.join(tmp, 'vigil.db'));
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `INSERT INTO activities (kind, set_name, engine, trigger, status, started_at, ended_at, scheduled_for, files, bytes_scanned, bytes_new, errors, warnings, first_error)
     VALUES ('backup', ?, 'command', 'schedule', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let seed = 0x2545f491;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const perSet = RUNS / SETS;
  const step = (DAYS * 86_400_000) / perSet;
  const batch = db.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const set = n % SETS;
      const k = Math.floor(n / SETS);
      const started = NOW - DAYS * 86_400_000 + k * step + set * 1000;
      const r = rand();
      const status = r < 0.95 ? 'completed' : r < 0.97 ? 'completed-with-warnings' : r < 0.98 ? 'completed-with-errors' : r < 0.99 ? 'failed' : r < 0.995 ? 'missed' : 'incomplete';
      const ran = status !== 'missed';
      // One set in fifty lost its source mount for the last day: a tenth of the usual files.
      const shrunk = set % 50 === 0 && started > NOW - 86_400_000 ? 0.1 : 1;
      const files = ran ? Math.round((1000 + set * 10) * (0.9 + rand() * 0.2) * shrunk) : 0;
      const ms = ran ? Math.round(60_000 * (0.9 + rand() * 0.2)) : 0;
      const error = status === 'failed' || status === 'completed-with-errors' || status === 'missed' ? `run ${n}: something went wrong on /srv/data/${set}` : null;
      insert.run(`set-${String(set).padStart(4, '0')}`, status, started, started + ms, started, files, files * 50_000, ran ? Math.round(files * 500 * rand()) : 0, error ? 1 : 0, status === 'completed-with-warnings' ? 1 : 0, error);
    }
  });
  for (let n = 0; n < RUNS; n += 50_000) batch(n, Math.min(RUNS, n + 50_000));
  db.exec('ANALYZE');
  db.close();
  renameSync(tmp, dir);
}

async function measure(): Promise<void> {
  const cfg = config();
  const store = openSqliteStore(dir);
  const clock = { now: () => NOW };
  const owner = { host: 'bench', pid: process.pid };
  const admin = new AdminProcess({
    config: cfg,
    store,
    outbox: { enqueueMany: async () => [] },
    events: { emit() {} },
    clock,
    log: silentLogger,
    host: 'bench',
    owner,
    housekeeper: new Housekeeper({ engines: createEngines(), config: cfg, store, clock, log: silentLogger, owner, isBusy: async () => false }),
  });
  const times: number[] = [];
  let sizes = { text: 0, html: 0, anomalies: 0, attention: 0, subject: '' };
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = await admin.preview(manualPeriod('daily', NOW, cfg.admin.timezone));
    times.push(performance.now() - t0);
    sizes = { text: r.text.length, html: r.html.length, anomalies: r.summary.anomalies.length, attention: r.summary.attention.length + r.summary.attentionMore, subject: r.summary.subject };
  }
  // One more pass, phase by phase: where the time goes.
  const period = manualPeriod('daily', NOW, cfg.admin.timezone);
  const p0 = performance.now();
  const input = await collectSummaryInput({ config: cfg, store, host: 'bench' }, period, NOW);
  const p1 = performance.now();
  const summary = buildSummary(input);
  const p2 = performance.now();
  renderSummaryText(summary, cfg.admin.timezone);
  renderSummaryHtml(summary, cfg.admin.timezone);
  const p3 = performance.now();
  const phases = { queriesMs: Math.round(p1 - p0), modelMs: Math.round(p2 - p1), renderMs: Math.round(p3 - p2) };
  await store.close();
  const sorted = [...times].sort((a, b) => a - b);
  const result = { runs: RUNS, sets: SETS, firstMs: Math.round(times[0]!), medianMs: Math.round(sorted[2]!), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), ...phases, ...sizes };
  process.stdout.write(JSON.stringify(result) + '\n');
}

if (process.argv.includes('--measure')) {
  await measure();
} else {
  if (!existsSync(dir)) {
    const t0 = performance.now();
    process.stderr.write(`generating ${RUNS} runs across ${SETS} sets into ${dir} …\n`);
    generate();
    process.stderr.write(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--measure'], { encoding: 'utf8', env: process.env, timeout: 120_000 });
  if (child.status !== 0) throw new Error(`measurement failed: ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { firstMs: number; medianMs: number; maxRssMB: number };
  process.stdout.write(`daily summary of ${RUNS} runs / ${SETS} sets: first ${result.firstMs} ms, median of 5 ${result.medianMs} ms, max RSS ${result.maxRssMB} MB (targets 1000 ms, 300 MB)\n`);
  process.stdout.write(child.stdout.trim().split('\n').at(-1)! + '\n');
}
