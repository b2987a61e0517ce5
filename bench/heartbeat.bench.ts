/**
 * npm run bench:heartbeat — what heartbeat pings cost (issue 13: ≤ 5 ms per run, ≤ 5 MB of the
 * service's RSS; an idle service ≤ 80 MB RSS):
 *  1. per run: a command set (`true`) run through the real runner, the event handlers and the
 *     Outbox, with a running dispatcher delivering to a local checker; the same set with and
 *     without `ping:`, runs interleaved (RUNS each). Two times: the run itself (runner.run: what
 *     the backup experiences) and until its event handlers are done (alerts and pings enqueued);
 *     the delta of the medians is what pings add;
 *  2. RSS: two real services (`node dist/src/cli/main.js start`, built by the npm script), one
 *     without heartbeat, one with `heartbeat: { every: BENCH_EVERY (1s) }` and a pinged set, side by side
 *     for SETTLE_S then sampled for SAMPLE_S from /proc/<pid>/status.
 * Last line: one JSON object with the figures.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp, type AppContext } from '../src/app/context.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 20);
const SAMPLE_S = Number(process.env.BENCH_SAMPLE_S ?? 30);
// The worst case by default: the shortest period the key accepts.
const EVERY = process.env.BENCH_EVERY ?? '1s';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let pings = 0;
const checker = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    pings++;
    res.end('OK');
  });
});
await new Promise<void>((resolve) => checker.listen(0, '127.0.0.1', resolve));
const port = (checker.address() as AddressInfo).port;
const dirs: string[] = [];

function workspace(withPing: boolean, heartbeat: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-hb-'));
  dirs.push(dir);
  writeFileSync(
    path.join(dir, 'vigil.yaml'),
    `dataDir: ./var
hostname: bench.example.com
${heartbeat ? `heartbeat: { url: "http://127.0.0.1:${port}/b3f1c2d4-bench", every: ${EVERY} }\n` : ''}sets:
  db:
    engine: command
    command: ["true"]
${withPing ? `    ping: { url: "http://127.0.0.1:${port}/9a0b1c2d-bench" }\n` : ''}`,
  );
  return path.join(dir, 'vigil.yaml');
}

// 1. Per run.
const plain = openApp({ configFile: workspace(false, false), logLevel: 'error' });
const pinged = openApp({ configFile: workspace(true, false), logLevel: 'error' });
plain.dispatcher.start();
pinged.dispatcher.start();
const times: Record<'plain' | 'pinged' | 'plainDrained' | 'pingedDrained', number[]> = { plain: [], pinged: [], plainDrained: [], pingedDrained: [] };
async function timedRun(app: AppContext, run: number[], drained: number[]): Promise<void> {
  const started = performance.now();
  await app.runner.run('db', { trigger: 'manual' });
  run.push(performance.now() - started);
  await app.events.drain();
  drained.push(performance.now() - started);
}
for (let i = 0; i < RUNS; i++) {
  await timedRun(plain, times.plain, times.plainDrained);
  await timedRun(pinged, times.pinged, times.pingedDrained);
}
for (let i = 0; i < 50 && pings < RUNS * 2; i++) await new Promise((r) => setTimeout(r, 100));
const delivered = pings;
await plain.dispatcher.stop(2_000);
await pinged.dispatcher.stop(2_000);
await plain.close();
await pinged.close();
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
const perRun = {
  medianPlainMs: round(quantile(times.plain, 0.5)),
  medianPingedMs: round(quantile(times.pinged, 0.5)),
  addedMedianMs: round(quantile(times.pinged, 0.5) - quantile(times.plain, 0.5)),
  p90PlainMs: round(quantile(times.plain, 0.9)),
  p90PingedMs: round(quantile(times.pinged, 0.9)),
  drainedMedianPlainMs: round(quantile(times.plainDrained, 0.5)),
  drainedMedianPingedMs: round(quantile(times.pingedDrained, 0.5)),
  drainedAddedMedianMs: round(quantile(times.pingedDrained, 0.5) - quantile(times.plainDrained, 0.5)),
  pingsDelivered: delivered,
};
console.log(`per run (${RUNS} runs each, interleaved): the run median ${perRun.medianPlainMs} ms without ping, ${perRun.medianPingedMs} ms with (+${perRun.addedMedianMs} ms), p90 ${perRun.p90PlainMs} / ${perRun.p90PingedMs} ms; until its handlers are done ${perRun.drainedMedianPlainMs} / ${perRun.drainedMedianPingedMs} ms (+${perRun.drainedAddedMedianMs} ms); ${delivered} of ${RUNS * 2} pings delivered`);

// 2. RSS of two idle services, side by side.
function service(configFile: string) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/cli/main.js'), 'start', '--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  return { child, log: () => log };
}
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const pingsBefore = pings;
const idle = service(workspace(false, false));
const beating = service(workspace(true, true));
await new Promise((r) => setTimeout(r, SETTLE_S * 1000));
const samples: Record<'idle' | 'beating', number[]> = { idle: [], beating: [] };
for (let i = 0; i < SAMPLE_S; i++) {
  samples.idle.push(rssMb(idle.child.pid!));
  samples.beating.push(rssMb(beating.child.pid!));
  await new Promise((r) => setTimeout(r, 1000));
}
const heartbeats = pings - pingsBefore;
for (const s of [idle, beating]) {
  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.once('exit', r));
}
const rss = {
  idleMedianMb: round(quantile(samples.idle, 0.5)),
  idleMaxMb: round(Math.max(...samples.idle)),
  heartbeatMedianMb: round(quantile(samples.beating, 0.5)),
  heartbeatMaxMb: round(Math.max(...samples.beating)),
  addedMedianMb: round(quantile(samples.beating, 0.5) - quantile(samples.idle, 0.5)),
  heartbeatsSent: heartbeats,
};
console.log(`RSS over ${SAMPLE_S} s after ${SETTLE_S} s: idle service median ${rss.idleMedianMb} MB (max ${rss.idleMaxMb}); with heartbeat every ${EVERY} and a pinged set ${rss.heartbeatMedianMb} MB (max ${rss.heartbeatMaxMb}), +${rss.addedMedianMb} MB; ${heartbeats} heartbeats received`);
checker.close();
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ every: EVERY, perRun, rss }));

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
