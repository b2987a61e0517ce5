/**
 * The console over 1,000 sets × 90 days of runs (one a day each: 90,000 activities): the
 * Overview rendered server-side (its first page of 100 sets), and /metrics, each requested over
 * HTTP as a browser or Prometheus would (p50/p95 of 40 requests after 5 warm-ups); and what the
 * console adds to the service's RSS.
 *
 * The server runs in a child process (bench/console-server.ts: the app opened as `vigil start`
 * opens it, then the console started on it), the HTTP client here, so the client's sockets,
 * buffers and CPU do not count against the console. From the server process: its RSS after a GC
 * before the console is started and after every request (and VmRSS/VmHWM from /proc), and its
 * CPU time per request of each kind — a figure the machine's other load moves far less than wall
 * time (the load average is recorded too).
 *
 * /metrics is requested as Prometheus does, each scrape after the one-second scrape cache has
 * expired (20 of them, 1 s apart): with nothing changed in between (`metricsMs`), and each after
 * another process wrote a run into the store (`metricsAfterWriteMs`: every set is read again);
 * `metricsCachedMs` are 40 back-to-back scrapes (several scrapers at once: mostly from the
 * cache). `metricsCollect` times one collection called directly in the server process (wall and
 * CPU): nothing changed, after one of the service's own runs (its events), every set read.
 * Targets: overview <= 150 ms p95, /metrics <= 50 ms p95, <= 25 MB RSS. V8's young generation
 * grows to ~32 MB and shrinks again on its own, which moves RSS by as much: its committed size at
 * both ends is reported (`serverNewSpaceMB`) with the RSS added outside it.
 *
 *   npm run bench:console        (compiles first: the server runs as built JavaScript, as vigil does)
 *   BENCH_CPU_PROF=1 npm run bench:console   (the server writes a .cpuprofile to bench/out/console)
 *   BENCH_NODE_FLAGS="--max-semi-space-size=1" npm run bench:console   (flags for the server's node)
 *   MALLOC_MMAP_THRESHOLD_=65536 npm run bench:console   (the server inherits the environment: glibc's tunables)
 *
 * The database is generated once into bench/out/console and reused. The last line is JSON.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCRAPE_CACHE_MS } from '../src/console/metrics.js';
import type { ServerReply, ServerRequest, Usage } from './console-server.js';
import { openDatabase } from '../src/storage/sqlite/database.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';

const SETS = 1_000;
const DAYS = 90;
const REQUESTS = 40;
const WARMUP = 5;
const here = path.dirname(fileURLToPath(import.meta.url));
// Built (dist/bench/) or run through tsx (bench/): the store lives in the source tree's bench/out either way.
const compiled = import.meta.url.endsWith('.js');
const root = path.resolve(here, compiled ? '../../bench/out/console' : 'out/console');
const dir = path.join(root, 'var');
// Per run (two benches may run at once): removed at the end.
const runDir = path.join(root, `run-var-${process.pid}`);
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

async function timeRequests(url: string, headers: Record<string, string>, options: { requests?: number; apartMs?: number; before?: () => Promise<void> } = {}): Promise<{ p50: number; p95: number; bytes: number; count: number }> {
  const samples: number[] = [];
  let bytes = 0;
  const count = WARMUP + (options.requests ?? REQUESTS);
  for (let i = 0; i < count; i++) {
    if (options.apartMs) await new Promise((resolve) => setTimeout(resolve, options.apartMs));
    await options.before?.();
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
    if (i >= WARMUP) samples.push(performance.now() - t0);
    bytes = body.length;
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), bytes, count };
}

/** The server process, spoken to over IPC: one request at a time, its answer. */
class ServerProcess {
  private readonly child: ChildProcess;
  private readonly replies: ServerReply[] = [];
  private waiting: ((reply: ServerReply) => void) | undefined;

  constructor(configFile: string) {
    const script = path.join(here, `console-server.${compiled ? 'js' : 'ts'}`);
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${root}`] : [];
    const extra = process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [];
    this.child = fork(script, [configFile], { execArgv: ['--expose-gc', ...extra, ...profile, ...(compiled ? [] : ['--import', 'tsx'])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (reply: ServerReply) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(reply);
      else this.replies.push(reply);
    });
    this.child.on('exit', (code) => {
      if (code !== 0 && this.waiting) throw new Error(`the console server exited with ${code}`);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  next<C extends ServerReply['cmd']>(cmd: C): Promise<Extract<ServerReply, { cmd: C }>> {
    const check = (reply: ServerReply) => {
      if (reply.cmd !== cmd) throw new Error(`expected ${cmd} from the server, got ${reply.cmd}`);
      return reply as Extract<ServerReply, { cmd: C }>;
    };
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(check(queued));
    // A deadline: a server that hangs must not hang the bench.
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${cmd} from the server within 10 minutes`)), 600_000);
      this.waiting = (reply) => {
        clearTimeout(timer);
        try {
          resolve(check(reply));
        } catch (error) {
          reject(error as Error);
        }
      };
    });
  }

  async ask<C extends ServerReply['cmd']>(request: ServerRequest, cmd: C): Promise<Extract<ServerReply, { cmd: C }>> {
    this.child.send(request);
    return this.next(cmd);
  }

  async usage(): Promise<Usage> {
    return (await this.ask({ cmd: 'usage' }, 'usage')).usage;
  }

  /** VmRSS and VmHWM (the peak) of the server as the kernel counts them, in MB. */
  kernelRss(): { rssMB: number; peakMB: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMB: mb(kb('VmRSS') * 1024), peakMB: mb(kb('VmHWM') * 1024) };
  }
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

/** Requests of one kind, and the server's CPU time per request over them (its user + system time, GC included). */
async function measure(server: ServerProcess, run: () => Promise<{ p50: number; p95: number; bytes: number; count: number }>) {
  const before = await server.usage();
  const timed = await run();
  const after = await server.usage();
  return { ...timed, serverCpuMsPerRequest: Math.round((after.cpuMicros - before.cpuMicros) / timed.count / 100) / 10 };
}

async function main(): Promise<void> {
  if (!existsSync(dir)) {
    const t0 = performance.now();
    generate();
    console.log(`generated ${SETS * DAYS} runs in ${Math.round(performance.now() - t0)} ms`);
  }
  // Each run on a copy: the runs and rows the bench adds do not change the next run's store.
  rmSync(runDir, { recursive: true, force: true });
  cpSync(dir, runDir, { recursive: true });
  const { hashSecret } = await import('../src/console/password-hash.js');
  const sets = Array.from({ length: SETS }, (_v, i) => `  ${name(i)}: { engine: command, command: [/bin/true], schedule: "${i % 60} 2 * * *" }`).join('\n');
  const configFile = path.join(root, `vigil-${process.pid}.yaml`);
  writeFileSync(configFile, `dataDir: ./${path.basename(runDir)}\nhostname: bench\nadmin: { timezone: Europe/Berlin }\nsets:\n${sets}\nconsole:\n  listen: 127.0.0.1:0\n  users:\n    admin: { passwordHash: "${await hashSecret('bench-pass')}" }\n`);
  const loadAtStart = loadavg();
  const server = new ServerProcess(configFile);
  const ready = await server.next('ready');
  const kernelBefore = server.kernelRss();
  const { url, usage: started } = await server.ask({ cmd: 'start' }, 'started');
  const login = await fetch(`${url}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: 'admin', password: 'bench-pass' }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const overview = await measure(server, () => timeRequests(`${url}/`, { cookie }));
  const afterOverview = await server.usage();
  // As Prometheus scrapes: each request after the one-second cache has expired (so 20 of them, not 40: ~25 s).
  const metrics = await measure(server, () => timeRequests(`${url}/metrics`, { cookie }, { requests: 20, apartMs: SCRAPE_CACHE_MS + 50 }));
  // The same, each scrape after another process wrote a run (as `vigil run` beside the service does): every set is read again.
  const other = openSqliteStore(runDir);
  let written = 0;
  const writeRun = async () => {
    const at = Date.now();
    await other.activity.record({ kind: 'backup', set: name(written++ % SETS), engine: 'command', trigger: 'manual', startedAt: at - 1_000 }, { status: 'completed', endedAt: at, counters: { files: 1, bytesScanned: 1, bytesNew: 1, errors: 0, warnings: 0 }, log: [], logDropped: 0 });
  };
  const metricsAfterWrite = await measure(server, () => timeRequests(`${url}/metrics`, { cookie }, { requests: 20, apartMs: SCRAPE_CACHE_MS + 50, before: writeRun }));
  await other.close();
  const metricsCached = await measure(server, () => timeRequests(`${url}/metrics`, { cookie }));
  const api = await measure(server, () => timeRequests(`${url}/api/v1/sets`, { cookie }));
  const afterRequests = await server.usage();
  const kernelAfter = server.kernelRss();
  const collect = async (mode: 'steady' | 'full' | 'ownRun') => {
    const { wallMs, cpuMs } = await server.ask({ cmd: 'collect', count: WARMUP + REQUESTS, mode }, 'collected');
    const p = (samples: number[]) => ({ p50: percentile(samples.slice(WARMUP), 50), p95: percentile(samples.slice(WARMUP), 95) });
    return { wallMs: p(wallMs), cpuMs: p(cpuMs) };
  };
  const collectSteady = await collect('steady');
  const collectFull = await collect('full');
  const collectOwnRun = await collect('ownRun');
  await server.ask({ cmd: 'stop' }, 'stopped');
  const loadAtEnd = loadavg();
  rmSync(runDir, { recursive: true, force: true });
  rmSync(configFile, { force: true });
  const result = {
    sets: SETS,
    runs: SETS * DAYS,
    compiled,
    loadAverage: { start: loadAtStart.map((l) => Math.round(l * 10) / 10), end: loadAtEnd.map((l) => Math.round(l * 10) / 10) },
    overviewMs: { p50: overview.p50, p95: overview.p95 },
    overviewServerCpuMs: overview.serverCpuMsPerRequest,
    overviewBytes: overview.bytes,
    metricsMs: { p50: metrics.p50, p95: metrics.p95 },
    metricsServerCpuMs: metrics.serverCpuMsPerRequest,
    metricsCachedMs: { p50: metricsCached.p50, p95: metricsCached.p95 },
    metricsAfterWriteMs: { p50: metricsAfterWrite.p50, p95: metricsAfterWrite.p95 },
    metricsAfterWriteServerCpuMs: metricsAfterWrite.serverCpuMsPerRequest,
    // In the server process, no HTTP: wall and CPU time of one collection.
    metricsCollect: { steady: collectSteady, afterOwnRun: collectOwnRun, full: collectFull },
    apiSetsMs: { p50: api.p50, p95: api.p95 },
    apiSetsServerCpuMs: api.serverCpuMsPerRequest,
    // The server process alone, after a GC: before the console was started, after the Overview's requests, after all of them.
    serverRssMB: { beforeConsole: mb(ready.usage.rss), consoleStarted: mb(started.rss), afterOverview: mb(afterOverview.rss), afterRequests: mb(afterRequests.rss) },
    serverHeapMB: { beforeConsole: mb(ready.usage.heapUsed), afterRequests: mb(afterRequests.heapUsed) },
    kernelRssMB: { before: kernelBefore, after: kernelAfter },
    consoleRssMB: mb(afterRequests.rss - ready.usage.rss),
    // V8's young generation, committed, before and after; and what the console added outside it (it grows and shrinks by ~30 MB on its own).
    serverNewSpaceMB: { beforeConsole: mb(ready.usage.newSpace), afterRequests: mb(afterRequests.newSpace) },
    consoleRssOutsideNewSpaceMB: mb(afterRequests.rss - afterRequests.newSpace - (ready.usage.rss - ready.usage.newSpace)),
    targets: { overviewP95Ms: 150, metricsP95Ms: 50, rssMB: 25 },
  };
  console.log(
    `load ${result.loadAverage.start[0]} → ${result.loadAverage.end[0]}; overview p50 ${result.overviewMs.p50} ms, p95 ${result.overviewMs.p95} ms (${Math.round(overview.bytes / 1024)} KiB, server CPU ${result.overviewServerCpuMs} ms a request); ` +
      `/metrics p50 ${result.metricsMs.p50} ms, p95 ${result.metricsMs.p95} ms (server CPU ${result.metricsServerCpuMs} ms a scrape; back to back p95 ${metricsCached.p95} ms; after another process's write p95 ${metricsAfterWrite.p95} ms, server CPU ${metricsAfterWrite.serverCpuMsPerRequest} ms; collection alone CPU p95: steady ${collectSteady.cpuMs.p95} ms, after an own run ${collectOwnRun.cpuMs.p95} ms, full read ${collectFull.cpuMs.p95} ms); ` +
      `/api/v1/sets p95 ${result.apiSetsMs.p95} ms; server RSS ${result.serverRssMB.beforeConsole} → ${result.serverRssMB.afterRequests} MB: console +${result.consoleRssMB} MB`,
  );
  console.log(JSON.stringify(result));
}

await main();
