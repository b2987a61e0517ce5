/**
 * CPU per message of this tree's Outbox against another built tree's, interleaved in one process:
 *   BENCH_VIGIL_DIST=<baseline>/dist node --expose-gc dist/bench/outbox-cpu-pairs.js
 * Both trees' Vigil are opened side by side (each its own SQLite file, same vigil.yaml, same
 * SMTP sink); each round enqueues then delivers BENCH_PAIRS_CHUNK (500) messages through one and
 * then the other (the order alternating), BENCH_PAIRS_ROUNDS (12) times after a warm-up round.
 * Pairs minutes apart (bench:outbox run twice) see the machine's load change between them; a
 * round here takes seconds, so a load that comes and goes falls on both. nodemailer and
 * better-sqlite3 are the same modules for both; with --expose-gc the heap is collected between
 * segments, so neither pays for the other's garbage. Last line: one JSON object.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../test/helpers/sshd-peer.js';
import { startSink } from './local-sink.js';
import { outboxWorkspace, request } from './outbox-workload.js';
import { countSqliteWork, sqliteWork } from './sqlite-work.js';

type OpenApp = (typeof import('../src/app/context.js'))['openApp'];

const baselineDist = process.env.BENCH_VIGIL_DIST;
if (!baselineDist) {
  console.error('BENCH_VIGIL_DIST=<baseline tree>/dist is required (the tree to compare with)');
  process.exit(2);
}
const CHUNK = Number(process.env.BENCH_PAIRS_CHUNK ?? 500);
const ROUNDS = Number(process.env.BENCH_PAIRS_ROUNDS ?? 12);
const gc = (globalThis as { gc?: () => void }).gc;

countSqliteWork(new URL('../src/app/context.js', import.meta.url).pathname);
const trees: Record<'current' | 'baseline', OpenApp> = {
  current: (await import('../src/app/context.js')).openApp,
  baseline: ((await import(pathToFileURL(path.resolve(baselineDist, 'src/app/context.js')).href)) as typeof import('../src/app/context.js')).openApp,
};

interface Segment {
  enqueueMs: number;
  deliverMs: number;
  statements: number;
  commits: number;
}

const port = await freePort();
const sink = await startSink(port);
function open(openApp: OpenApp): { ws: { dir: string }; app: ReturnType<OpenApp> } {
  const ws = outboxWorkspace(port);
  return { ws, app: openApp({ configFile: ws.configFile, logLevel: 'error' }) };
}
const apps = { current: open(trees.current), baseline: open(trees.baseline) };

let next = 0;
async function segment(tree: 'current' | 'baseline'): Promise<Segment> {
  const { app } = apps[tree];
  gc?.();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < CHUNK; i += 1000) await app.outbox.enqueueMany(Array.from({ length: Math.min(1000, CHUNK - i) }, () => request(next++)));
  const cpu1 = process.cpuUsage();
  const work1 = sqliteWork();
  let sent = 0;
  while (sent < CHUNK) sent += (await app.dispatcher.runPass()).sent;
  const cpu2 = process.cpuUsage();
  const work2 = sqliteWork();
  const ms = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user + b.system - a.user - a.system) / 1000;
  return { enqueueMs: ms(cpu0, cpu1) / CHUNK, deliverMs: ms(cpu1, cpu2) / CHUNK, statements: (work2.statements - work1.statements) / CHUNK, commits: (work2.commits - work1.commits) / CHUNK };
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const rounds: Array<{ load: number; current: Segment; baseline: Segment }> = [];
try {
  for (let round = 0; round <= ROUNDS; round++) {
    const order = round % 2 === 0 ? (['current', 'baseline'] as const) : (['baseline', 'current'] as const);
    const done: Partial<Record<'current' | 'baseline', Segment>> = {};
    for (const tree of order) done[tree] = await segment(tree);
    if (round === 0) continue; // warm-up: JIT and connections
    rounds.push({ load: Number(loadavg()[0]!.toFixed(2)), current: done.current!, baseline: done.baseline! });
    const total = (s: Segment) => s.enqueueMs + s.deliverMs;
    process.stderr.write(`round ${round}: CPU ms/msg ${total(done.current!).toFixed(3)} / ${total(done.baseline!).toFixed(3)} (load ${rounds.at(-1)!.load})\n`);
  }
} finally {
  for (const { app, ws } of Object.values(apps)) {
    await app.close();
    rmSync(ws.dir, { recursive: true, force: true });
  }
  sink.child.kill('SIGKILL');
}
const quotient = (pick: (s: Segment) => number) => Number(median(rounds.map((r) => pick(r.current) / pick(r.baseline))).toFixed(3));
const med = (tree: 'current' | 'baseline', pick: (s: Segment) => number) => Number(median(rounds.map((r) => pick(r[tree]))).toFixed(3));
const total = (s: Segment) => s.enqueueMs + s.deliverMs;
console.log(
  JSON.stringify({
    baseline: baselineDist,
    chunk: CHUNK,
    rounds: rounds.length,
    load: [Math.min(...rounds.map((r) => r.load)), Math.max(...rounds.map((r) => r.load))],
    cpuMsPerMessage: { current: med('current', total), baseline: med('baseline', total), pairQuotient: quotient(total) },
    enqueueCpuMs: { current: med('current', (s) => s.enqueueMs), baseline: med('baseline', (s) => s.enqueueMs), pairQuotient: quotient((s) => s.enqueueMs) },
    deliverCpuMs: { current: med('current', (s) => s.deliverMs), baseline: med('baseline', (s) => s.deliverMs), pairQuotient: quotient((s) => s.deliverMs) },
    deliverStatements: { current: med('current', (s) => s.statements), baseline: med('baseline', (s) => s.statements) },
    deliverCommits: { current: med('current', (s) => s.commits), baseline: med('baseline', (s) => s.commits) },
    quotients: rounds.map((r) => Number((total(r.current) / total(r.baseline)).toFixed(3))),
  }),
);
