/**
 * bench:fleet (1), the named peer: the shared Outbox's work done without it. As many processes as
 * dispatching hosts (peer-host.ts) send the same messages directly with nodemailer — no Outbox, no
 * database — with the hosts' SMTP parallelism, into a CountingSink started the same way, and are
 * timed the same way as outboxRound (from `go` to the sink's last acceptance) with the same CPU
 * accounting (each host's process.cpuUsage from `go`, the sink's own). The Outbox's msg/s over
 * the peer's, in the same minutes, is the figure the load moves least.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BENCH_DIR, Child, CountingSink, OUTBOX_CONCURRENCY, REPO_ROOT, SMTP_CONNECTIONS, load1 } from './rig.js';

export interface PeerRound {
  hosts: number;
  messages: number;
  msgPerSec: number;
  accepted: number;
  duplicates: number;
  notDelivered: number;
  perHost: Array<{ host: string; msgPerSec: number; cpuSeconds: number; renderMs: number }>;
  /** CPU per delivered message, from `go` to the last acceptance (no database: there is none). */
  cpuMsPerMessage: { hosts: number; sink: number; total: number };
  /** The sink's CPU over the round's wall time: near 1, the sink (one process) would be the limit. */
  sinkBusy: number;
  /** Bytes per message as the sink received them. */
  bytesPerMessage: number;
  /** Rendered by sendMail inside the timed window (BENCH_FLEET_PEER_RENDER=go) rather than before `go`. */
  renderAfterGo: boolean;
  /** The SMTP client: nodemailer's pool, or Vigil's SmtpTransport without the Outbox (BENCH_FLEET_PEER_CLIENT=vigil-smtp). */
  client: PeerClient;
  load: number;
}

export type PeerClient = 'nodemailer' | 'vigil-smtp';

const DONE_TIMEOUT_MS = 15 * 60_000;

export async function peerRound(hostCount: number, perHost: number, options: { renderAfterGo: boolean; client: PeerClient }): Promise<PeerRound> {
  const sink = await CountingSink.start();
  const names = Array.from({ length: hostCount }, (_v, i) => `p${i + 1}`);
  const children: Child[] = [];
  try {
    const script = path.join(BENCH_DIR, 'fleet', 'peer-host.ts');
    for (const host of names) {
      const args = [String(sink.port), String(perHost), host, String(SMTP_CONNECTIONS), String(OUTBOX_CONCURRENCY), ...(options.renderAfterGo ? ['--render-after-go'] : []), `--client=${options.client}`];
      children.push(new Child(spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] })));
    }
    const ready = await Promise.all(children.map((c, i) => c.line(/^ready /, DONE_TIMEOUT_MS, `peer ${names[i]} to render`)));
    const load = load1();
    const sinkBefore = await sink.report();
    const goAt = Date.now();
    for (const c of children) c.process.stdin!.write('go\n');
    const done = await Promise.all(children.map((c, i) => c.line(/^done /, DONE_TIMEOUT_MS, `peer ${names[i]} to send its messages`)));
    const report = await sink.report();
    for (const c of children) c.process.stdin!.write('exit\n');
    const messages = hostCount * perHost;
    const seconds = ((report.lastAt ?? goAt) - goAt) / 1000;
    const rendered = ready.map((l) => JSON.parse(l.slice(6)) as { host: string; renderMs: number });
    const results = done.map((l) => JSON.parse(l.slice(5)) as { host: string; sent: number; failed: number; seconds: number; cpuSeconds: number });
    const perMessageMs = (cpuSeconds: number) => Number(((cpuSeconds * 1000) / messages).toFixed(2));
    const cpu = { hosts: results.reduce((sum, r) => sum + r.cpuSeconds, 0), sink: report.cpuSeconds - sinkBefore.cpuSeconds };
    return {
      hosts: hostCount,
      messages,
      msgPerSec: Math.round(report.accepted / seconds),
      accepted: report.accepted,
      duplicates: report.duplicates,
      notDelivered: messages - report.unique,
      perHost: results.map((r, i) => ({ host: r.host, msgPerSec: Math.round(r.sent / r.seconds), cpuSeconds: r.cpuSeconds, renderMs: rendered[i]!.renderMs })),
      cpuMsPerMessage: { hosts: perMessageMs(cpu.hosts), sink: perMessageMs(cpu.sink), total: perMessageMs(cpu.hosts + cpu.sink) },
      sinkBusy: Number((cpu.sink / seconds).toFixed(2)),
      bytesPerMessage: Math.round((report.bytes - sinkBefore.bytes) / Math.max(1, report.accepted - sinkBefore.accepted)),
      renderAfterGo: options.renderAfterGo && options.client === 'nodemailer',
      client: options.client,
      load,
    };
  } finally {
    await Promise.all(children.map((c) => c.stop(10_000)));
    await sink.stop();
  }
}
