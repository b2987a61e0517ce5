/**
 * What an SMTP sink costs per message — the counting sink is in every bench:fleet figure, the
 * Outbox's and the named peer's alike, so it must not be what limits them:
 *
 *   node --import tsx bench/sink-cost.ts [messages (5000)] [rounds (3)]
 *
 * One sender (nodemailer's pool, the fleet hosts' 5 connections and 10 in flight, messages
 * rendered beforehand) sends into each sink in turn, the order rotating each round; the sink's
 * CPU is read from /proc/<pid>/stat before and after (user + system, any process). Sinks:
 * `counting` (bench/sink.ts --count, as bench:fleet runs it), `discard` (bench/sink.ts alone),
 * `smtp-sink` (Postfix's, in C, when installed) and, with BENCH_SINK_OTHER=<another sink.ts>,
 * `other` counting (say, an earlier version). Last line: one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { freePort } from '../test/helpers/sshd-peer.js';
import { directTransport, sendAll } from './direct-send.js';
import { BENCH_DIR, OUTBOX_CONCURRENCY, SMTP_CONNECTIONS, listening, median, sleep } from './fleet/rig.js';
import { request } from './outbox-workload.js';

const MESSAGES = Number(process.argv[2] ?? 5_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const SMTP_SINK = '/usr/sbin/smtp-sink';
const other = process.env.BENCH_SINK_OTHER;

const node = (script: string, ...args: string[]) => (port: number) => spawn(process.execPath, ['--import', 'tsx', script, String(port), ...args], { stdio: ['pipe', 'ignore', 'inherit'] });
const sinks: Record<string, (port: number) => ChildProcess> = {
  counting: node(path.join(BENCH_DIR, 'sink.ts'), '--count'),
  discard: node(path.join(BENCH_DIR, 'sink.ts')),
  ...(existsSync(SMTP_SINK) ? { 'smtp-sink': (port: number) => spawn(SMTP_SINK, ['-u', 'nobody', `127.0.0.1:${port}`, '256'], { stdio: 'ignore' }) } : {}),
  ...(other ? { other: node(path.resolve(other), '--count') } : {}),
};

/** user + system CPU seconds of a live process. */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const raw = await Promise.all(Array.from({ length: MESSAGES }, (_v, i) => {
  const r = request(i);
  return new MailComposer({ from: r.from, to: r.to, subject: r.subject, text: r.text, html: r.html, messageId: `<${i}@sink-cost.example.com>` }).compile().build();
}));

async function measure(start: (port: number) => ChildProcess): Promise<{ cpuMsPerMessage: number; msgPerSec: number }> {
  const port = await freePort();
  const child = start(port);
  try {
    for (let i = 0; i < 300 && !(await listening(port)); i++) await sleep(100);
    const transport = directTransport({ port, connections: SMTP_CONNECTIONS });
    const cpu0 = cpuOf(child.pid!);
    const started = performance.now();
    const { failed } = await sendAll(MESSAGES, OUTBOX_CONCURRENCY, (i) => transport.sendMail({ envelope: { from: 'vigil@example.com', to: ['ops@example.com'] }, raw: raw[i]! }));
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuOf(child.pid!) - cpu0;
    transport.close();
    if (failed) throw new Error(`${failed} of ${MESSAGES} messages failed`);
    return { cpuMsPerMessage: Number(((cpu * 1000) / MESSAGES).toFixed(3)), msgPerSec: Math.round(MESSAGES / seconds) };
  } finally {
    child.kill('SIGKILL');
  }
}

const names = Object.keys(sinks);
const results: Record<string, Array<{ cpuMsPerMessage: number; msgPerSec: number; load: number }>> = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(k + round) % names.length]!;
    const load = Number(loadavg()[0]!.toFixed(2));
    const result = { ...(await measure(sinks[name]!)), load };
    results[name]!.push(result);
    process.stderr.write(`round ${round + 1}: ${name} ${JSON.stringify(result)}\n`);
  }
}
const summary = Object.fromEntries(names.map((n) => [n, { medianCpuMsPerMessage: median(results[n]!.map((r) => r.cpuMsPerMessage)), medianMsgPerSec: median(results[n]!.map((r) => r.msgPerSec)), rounds: results[n] }]));
process.stdout.write(`${JSON.stringify({ bench: 'sink-cost', messages: MESSAGES, ...summary })}\n`);
