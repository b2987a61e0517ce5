/**
 * npm run bench:push — push channels through the real path, against a local HTTP sink in this
 * process (an ntfy-like endpoint answering 200):
 *  1. latency: a run's failure (`backup.failed` emitted) → the sink's 2xx for the push, with the
 *     service running (event bus → notifier → durable Outbox → dispatcher → ChannelTransport),
 *     200 failures one at a time, storm grouping off;
 *  2. throughput: 10,000 channel messages enqueued, then delivered by one dispatcher pass;
 *     messages/s and the peak RSS of the process;
 *  3. a 429 storm: the sink answers 429 with `Retry-After: 1` for 10 s while 1,000 messages wait;
 *     CPU used during those 10 s, requests that reached the sink, and that all are delivered.
 * BENCH_FAILURES / BENCH_MESSAGES override the counts. Last line: one JSON object with the figures.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApp } from '../src/app/context.js';
import { runService } from '../src/app/service.js';
import type { BackupEvent } from '../src/domain/events.js';
import type { MessageRequest } from '../src/domain/message.js';

const FAILURES = Number(process.env.BENCH_FAILURES ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const STORM_MESSAGES = 1_000;
const STORM_MS = 10_000;

let mode: 'ok' | '429' = 'ok';
let requests = 0;
let onAnswered: ((set: string | undefined) => void) | undefined;
const sink = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    requests++;
    if (mode === '429') {
      res.writeHead(429, { 'Retry-After': '1' }).end('rate limited');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"id":"x"}');
    onAnswered?.(/^FAILED (\S+)/.exec(String(req.headers.title ?? ''))?.[1] ?? /set\d{4}/.exec(Buffer.concat(chunks).toString())?.[0]);
  });
});
sink.keepAliveTimeout = 1_000;
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const port = (sink.address() as AddressInfo).port;

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-push-'));
const sets = Array.from({ length: FAILURES }, (_, i) => `  set${String(i).padStart(4, '0')}:\n    engine: command\n    command: [/bin/false]\n`).join('');
writeFileSync(
  path.join(dir, 'vigil.yaml'),
  `dataDir: ./var
hostname: bench.example.com
profiles:
  local: { method: maildir, from: vigil@example.com, addressBook: { admins: [ops@example.com] } }
channels:
  phone: { type: ntfy, url: "http://127.0.0.1:${port}/bench-topic", allowInsecure: true, timeoutSeconds: 10 }
notification: { admins: [phone], stormWindow: 0s }
outbox: { concurrency: 32, minBackoff: 2s, maxBackoff: 4s }
sets:
${sets}`,
);
const round = (n: number) => Math.round(n * 10) / 10;
const mb = (kb: number) => Math.round(kb / 1024);

// 1. Latency.
const app = openApp({ configFile: path.join(dir, 'vigil.yaml'), logLevel: 'error', systemLog: { async critical() {} } });
const service = runService(app, { handleSignals: false, graceMs: 2_000 });
const latencies: number[] = [];
const counters = { files: 10, bytesScanned: 1_000, bytesNew: 0, errors: 1, warnings: 0 };
try {
  for (let i = 0; i < FAILURES; i++) {
    const set = `set${String(i).padStart(4, '0')}`;
    const now = Date.now();
    const activity = await app.store.activity.record(
      { kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt: now - 1_000 },
      { status: 'failed', endedAt: now, counters, log: [{ severity: 'error', message: 'vault /mnt/vault unreachable', path: null }], logDropped: 0 },
    );
    const answered = new Promise<number>((resolve) => (onAnswered = (s) => s === set && resolve(performance.now())));
    const t0 = performance.now();
    app.events.emit({ kind: 'backup.failed', status: 'failed', set, engine: 'command', activityId: activity.id, trigger: 'schedule', startedAt: now - 1_000, endedAt: now, scheduledFor: null, counters, firstError: 'vault /mnt/vault unreachable', snapshotId: null, at: now } as BackupEvent);
    latencies.push((await answered) - t0);
  }
} finally {
  onAnswered = undefined;
  await service.stop();
}
const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

// 2. Throughput.
const request = (i: number): MessageRequest => ({
  kind: 'backup.failed',
  severity: 'critical',
  profile: 'channel:phone',
  from: 'vigil',
  to: ['phone'],
  subject: `bench ${i}`,
  text: 'x',
  channel: { name: 'phone', content: { event: 'alert', title: `bench set${String(i % 10_000).padStart(4, '0')}`, text: 'vault /mnt/vault unreachable', severity: 'critical', host: 'bench.example.com', kind: 'backup.failed', at: Date.now(), set: `set${i}` } },
});
const t1 = openApp({ configFile: path.join(dir, 'vigil.yaml'), logLevel: 'error' });
for (let i = 0; i < MESSAGES; i += 1_000) await t1.outbox.enqueueMany(Array.from({ length: Math.min(1_000, MESSAGES - i) }, (_, j) => request(i + j)));
const before = requests;
const start = performance.now();
const pass = await t1.dispatcher.runPass();
const seconds = (performance.now() - start) / 1000;
const delivered = requests - before;
await t1.close();

// 3. A 429 storm for 10 s.
mode = '429';
const t2 = openApp({ configFile: path.join(dir, 'vigil.yaml'), logLevel: 'error', systemLog: { async critical() {} } });
await t2.outbox.enqueueMany(Array.from({ length: STORM_MESSAGES }, (_, i) => request(i)));
const stormStart = requests;
const sentBefore = (await t2.store.outbox.countByState()).sent ?? 0;
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
t2.dispatcher.start();
await new Promise((resolve) => setTimeout(resolve, STORM_MS));
const cpu = process.cpuUsage(cpu0);
const stormCpuPct = ((cpu.user + cpu.system) / 1000 / (performance.now() - wall0)) * 100;
const stormRequests = requests - stormStart;
mode = 'ok';
const recoverStart = performance.now();
while (((await t2.store.outbox.countByState()).sent ?? 0) - sentBefore < STORM_MESSAGES && performance.now() - recoverStart < 120_000) await new Promise((resolve) => setTimeout(resolve, 200));
const stormSent = ((await t2.store.outbox.countByState()).sent ?? 0) - sentBefore;
await t2.dispatcher.stop(2_000);
await t2.close();
await new Promise<void>((resolve) => sink.close(() => resolve()));
rmSync(dir, { recursive: true, force: true });

const result = {
  failures: latencies.length,
  p50Ms: round(pct(50)),
  p99Ms: round(pct(99)),
  maxMs: round(sorted.at(-1)!),
  targetP99Ms: 100,
  messages: MESSAGES,
  sent: pass.sent,
  delivered,
  msgPerSec: Math.round(pass.sent / seconds),
  targetMsgPerSec: 1_000,
  peakRssMb: mb(process.resourceUsage().maxRSS),
  targetPeakRssMb: 200,
  storm: { messages: STORM_MESSAGES, seconds: STORM_MS / 1000, requestsDuring: stormRequests, cpuPct: round(stormCpuPct), targetCpuPct: 10, sentAfter: stormSent, recoverySeconds: round((performance.now() - recoverStart) / 1000) },
};
console.log(`failure → push 2xx over ${result.failures} failures: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms (target p99 <= 100 ms: ${result.p99Ms <= 100 ? 'met' : 'NOT met'})`);
console.log(`${result.sent} of ${MESSAGES} channel messages in ${round(seconds)} s: ${result.msgPerSec} msg/s (target >= 1000), peak RSS ${result.peakRssMb} MB (target <= 200)`);
console.log(`429 storm: ${stormRequests} requests in ${STORM_MS / 1000} s for ${STORM_MESSAGES} waiting messages, CPU ${result.storm.cpuPct} % (target < 10 %); ${stormSent} of ${STORM_MESSAGES} sent ${result.storm.recoverySeconds} s after it ended`);
console.log(JSON.stringify(result));
