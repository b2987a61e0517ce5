/**
 * node --import tsx bench/notify.bench.ts — alert latency: from a run's failure (the
 * `backup.failed` event emitted, right after its activity is stored, as the runner does) to the
 * SMTP server's 250 for the alert, through the whole real path: event bus → notifier (streak,
 * ledger, templates, render) → durable Outbox (SQLite, synchronous=FULL) → dispatcher → SMTP.
 * 200 failures of 200 different sets, one at a time (latency, not throughput), into a local
 * smtp-server in this process; storm grouping off (stormWindow: 0s) so every failure is alerted.
 * BENCH_FAILURES overrides the count. Last line: one JSON object with the figures. The service logs
 * each failure on stderr (as it would under systemd): run with 2>/dev/null for the figures alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { openApp } from '../src/app/context.js';
import { runService } from '../src/app/service.js';
import type { BackupEvent } from '../src/domain/events.js';

const FAILURES = Number(process.env.BENCH_FAILURES ?? 200);

const acceptedAt = new Map<string, number>();
let onAccepted: (() => void) | undefined;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const set = /^X-Vigil-Set: (\S+)\r?$/m.exec(Buffer.concat(chunks).toString('latin1'))?.[1];
      callback(); // the 250 goes out now
      if (set) acceptedAt.set(set, performance.now());
      onAccepted?.();
    });
  },
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = ((server as unknown as { server: net.Server }).server.address() as net.AddressInfo).port;

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-notify-'));
const sets = Array.from({ length: FAILURES }, (_, i) => `  set${String(i).padStart(4, '0')}:\n    engine: command\n    command: [/bin/false]\n`).join('');
writeFileSync(
  path.join(dir, 'vigil.yaml'),
  `dataDir: ./var
hostname: bench.example.com
mail: { profile: office }
profiles:
  office:
    method: smtp
    from: vigil@example.com
    timeoutSeconds: 10
    servers: [{ host: 127.0.0.1, port: ${port}, security: none }]
    addressBook: { admins: [ops@example.com] }
notification: { admins: [admins], stormWindow: 0s }
sets:
${sets}`,
);

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
    const accepted = new Promise<void>((resolve) => (onAccepted = () => acceptedAt.has(set) && resolve()));
    const t0 = performance.now();
    app.events.emit({ kind: 'backup.failed', status: 'failed', set, engine: 'command', activityId: activity.id, trigger: 'schedule', startedAt: now - 1_000, endedAt: now, scheduledFor: null, counters, firstError: 'vault /mnt/vault unreachable', snapshotId: null, at: now } as BackupEvent);
    await accepted;
    latencies.push(acceptedAt.get(set)! - t0);
  }
} finally {
  await service.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
}

const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;
const result = { failures: latencies.length, p50Ms: round(pct(50)), p90Ms: round(pct(90)), p99Ms: round(pct(99)), maxMs: round(sorted.at(-1)!), meanMs: round(latencies.reduce((a, b) => a + b, 0) / latencies.length), targetP99Ms: 100 };
console.log(`alert latency over ${result.failures} failures: p50 ${result.p50Ms} ms, p90 ${result.p90Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms (target p99 <= 100 ms: ${result.p99Ms <= 100 ? 'met' : 'NOT met'})`);
console.log(JSON.stringify(result));
