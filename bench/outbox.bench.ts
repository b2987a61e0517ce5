/**
 * npm run bench:outbox — the Outbox against nodemailer sending directly, on one machine, into
 * one local SMTP sink (Postfix's smtp-sink when installed, else an smtp-server process).
 * (a) throughput for 20,000 ~2 KB messages, Outbox (durable, enqueue + deliver) vs a direct
 *     nodemailer pool with the same number of connections;
 * (b) enqueue → 250 latency for 1,000 messages one at a time;
 * (c) peak RSS of a process that queues and delivers 100,000 messages.
 * With (a), the Outbox process's CPU per message (process.cpuUsage, enqueue and delivery) and the
 * SQLite statements and commits per delivered message: unlike msg/s, the machine's load hardly
 * moves them. BENCH_VIGIL_DIST=<tree>/dist measures another built tree's Vigil with this bench.
 * Last line: one JSON object with the figures.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/sshd-peer.js';
import { startSink } from './local-sink.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const THROUGHPUT = Number(process.env.BENCH_MESSAGES ?? 20_000);
const LATENCY = Number(process.env.BENCH_LATENCY_MESSAGES ?? 1_000);
const RSS = Number(process.env.BENCH_RSS_MESSAGES ?? 100_000);

function phase(name: string, port: number, count: number): Record<string, number> {
  // Compiled JS when run from dist/ (no loader in the process, so RSS is Vigil's own).
  const compiled = import.meta.url.endsWith('.js');
  const script = path.join(here, compiled ? 'outbox-phase.js' : 'outbox-phase.ts');
  const result = spawnSync(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), script, name, String(port), String(count)], {
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  if (result.status !== 0) throw new Error(`phase ${name} failed: ${result.stderr}`);
  const last = result.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as Record<string, number>;
}

const port = await freePort();
const sink = await startSink(port);
try {
  console.log(`sink: ${sink.name} on 127.0.0.1:${port}`);
  console.log(`(a) throughput, ${THROUGHPUT} messages…`);
  const direct = phase('direct', port, THROUGHPUT);
  const outbox = phase('outbox', port, THROUGHPUT);
  console.log(`    direct nodemailer pool: ${direct.direct_msgs_per_s!.toFixed(0)} msg/s; Outbox: ${outbox.outbox_msgs_per_s!.toFixed(0)} msg/s (enqueue ${outbox.enqueue_s!.toFixed(2)} s)`);
  console.log(
    `    Outbox CPU ${outbox.cpu_ms_per_msg!.toFixed(3)} ms/msg (enqueue ${outbox.enqueue_cpu_ms_per_msg!.toFixed(3)}, delivery ${outbox.deliver_cpu_ms_per_msg!.toFixed(3)}); ` +
      `delivery: ${outbox.deliver_statements_per_msg!.toFixed(2)} statements, ${outbox.deliver_transactions_per_msg!.toFixed(2)} transactions, ${outbox.deliver_commits_per_msg!.toFixed(2)} commits per message`,
  );
  console.log(`(b) latency, ${LATENCY} messages one at a time…`);
  const latency = phase('latency', port, LATENCY);
  console.log(`    p50 ${latency.latency_p50_ms!.toFixed(2)} ms, p99 ${latency.latency_p99_ms!.toFixed(2)} ms`);
  console.log(`(c) peak RSS, ${RSS} messages queued and delivered…`);
  const rss = phase('rss', port, RSS);
  console.log(`    peak RSS ${rss.peak_rss_mb!.toFixed(0)} MB`);
  const figures = {
    ...(process.env.BENCH_VIGIL_DIST ? { vigil: process.env.BENCH_VIGIL_DIST } : {}),
    load: Number(loadavg()[0]!.toFixed(2)),
    outbox_msgs_per_s: Math.round(outbox.outbox_msgs_per_s!),
    direct_msgs_per_s: Math.round(direct.direct_msgs_per_s!),
    ratio: Number((outbox.outbox_msgs_per_s! / direct.direct_msgs_per_s!).toFixed(2)),
    latency_p50_ms: Number(latency.latency_p50_ms!.toFixed(2)),
    latency_p99_ms: Number(latency.latency_p99_ms!.toFixed(2)),
    peak_rss_mb: Math.round(rss.peak_rss_mb!),
    cpu_ms_per_msg: Number(outbox.cpu_ms_per_msg!.toFixed(3)),
    enqueue_cpu_ms_per_msg: Number(outbox.enqueue_cpu_ms_per_msg!.toFixed(3)),
    deliver_cpu_ms_per_msg: Number(outbox.deliver_cpu_ms_per_msg!.toFixed(3)),
    deliver_statements_per_msg: Number(outbox.deliver_statements_per_msg!.toFixed(2)),
    deliver_transactions_per_msg: Number(outbox.deliver_transactions_per_msg!.toFixed(2)),
    deliver_commits_per_msg: Number(outbox.deliver_commits_per_msg!.toFixed(2)),
  };
  console.log(JSON.stringify(figures));
} finally {
  sink.child.kill('SIGKILL');
}
