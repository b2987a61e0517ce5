/**
 * One phase of the Outbox benchmark, run in its own process so its peak RSS is its own.
 * Usage: outbox-phase.ts <outbox|direct|latency|rss> <port> <count>
 * Prints one JSON line with the phase's figures.
 *
 * BENCH_VIGIL_DIST=<tree>/dist measures the Vigil of another built tree (the commit before
 * PostgreSQL, say) with this phase's code: its openApp, its store, its dispatcher.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { directTransport, sendAll } from './direct-send.js';
import { CONNECTIONS, outboxWorkspace, request } from './outbox-workload.js';
import { countSqliteWork, sqliteWork } from './sqlite-work.js';

const otherTree = process.env.BENCH_VIGIL_DIST;
const contextFile = otherTree ? path.resolve(otherTree, 'src/app/context.js') : fileURLToPath(new URL('../src/app/context.js', import.meta.url));
// Counting starts before the tree opens its database (it wraps better-sqlite3's Statement).
countSqliteWork(contextFile);
const { openApp } = (await import(otherTree ? pathToFileURL(contextFile).href : '../src/app/context.js')) as typeof import('../src/app/context.js');

const [phase, portText, countText] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const workspace = () => outboxWorkspace(port);

async function outboxThroughput(): Promise<Record<string, number>> {
  const ws = workspace();
  const app = openApp({ configFile: ws.configFile, logLevel: 'error' });
  // CPU and statements per message: figures the machine's load does not move much, unlike msg/s.
  const cpu0 = process.cpuUsage();
  const work0 = sqliteWork();
  const started = performance.now();
  for (let i = 0; i < count; i += 1000) {
    await app.outbox.enqueueMany(Array.from({ length: Math.min(1000, count - i) }, (_, k) => request(i + k)));
  }
  const enqueued = performance.now();
  const cpu1 = process.cpuUsage();
  const work1 = sqliteWork();
  let sent = 0;
  while (sent < count) sent += (await app.dispatcher.runPass()).sent;
  const seconds = (performance.now() - started) / 1000;
  const cpu2 = process.cpuUsage();
  const work2 = sqliteWork();
  await app.close();
  rmSync(ws.dir, { recursive: true, force: true });
  const cpuMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user + b.system - a.user - a.system) / 1000;
  const per = (n: number) => n / count;
  return {
    outbox_msgs_per_s: count / seconds,
    enqueue_s: (enqueued - started) / 1000,
    total_s: seconds,
    cpu_ms_per_msg: per(cpuMs(cpu0, cpu2)),
    enqueue_cpu_ms_per_msg: per(cpuMs(cpu0, cpu1)),
    deliver_cpu_ms_per_msg: per(cpuMs(cpu1, cpu2)),
    deliver_statements_per_msg: per(work2.statements - work1.statements),
    deliver_transactions_per_msg: per(work2.transactions - work1.transactions),
    deliver_commits_per_msg: per(work2.commits - work1.commits),
    enqueue_statements_per_msg: per(work1.statements - work0.statements),
  };
}

async function directThroughput(): Promise<Record<string, number>> {
  const transport = directTransport({ port, connections: CONNECTIONS });
  const started = performance.now();
  const { failed } = await sendAll(count, CONNECTIONS * 2, (i) => {
    const r = request(i);
    return transport.sendMail({ from: r.from, to: r.to, subject: r.subject, text: r.text, html: r.html });
  });
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  if (failed) throw new Error(`direct: ${failed} of ${count} messages failed`);
  return { direct_msgs_per_s: count / seconds };
}

async function latency(): Promise<Record<string, number>> {
  const ws = workspace();
  const app = openApp({ configFile: ws.configFile, logLevel: 'error' });
  app.dispatcher.start();
  const samples: number[] = [];
  let resolveSent: (() => void) | undefined;
  app.events.on('delivery.sent', () => resolveSent?.());
  for (let i = 0; i < count; i++) {
    const done = new Promise<void>((resolve) => (resolveSent = resolve));
    const t0 = performance.now();
    await app.outbox.enqueue(request(i));
    await done;
    samples.push(performance.now() - t0);
  }
  await app.dispatcher.stop(1000);
  await app.close();
  rmSync(ws.dir, { recursive: true, force: true });
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!;
  return { latency_p50_ms: pct(50), latency_p99_ms: pct(99) };
}

async function rss(): Promise<Record<string, number>> {
  const ws = workspace();
  const app = openApp({ configFile: ws.configFile, logLevel: 'error' });
  for (let i = 0; i < count; i += 1000) {
    await app.outbox.enqueueMany(Array.from({ length: Math.min(1000, count - i) }, (_, k) => request(i + k)));
  }
  let sent = 0;
  while (sent < count) sent += (await app.dispatcher.runPass()).sent;
  await app.close();
  rmSync(ws.dir, { recursive: true, force: true });
  return { peak_rss_mb: process.resourceUsage().maxRSS / 1024, queued: count };
}

const phases: Record<string, () => Promise<Record<string, number>>> = { outbox: outboxThroughput, direct: directThroughput, latency, rss };
const run = phase ? phases[phase] : undefined;
if (!run) {
  console.error(`unknown phase ${phase}`);
  process.exit(2);
}
console.log(JSON.stringify(await run()));
