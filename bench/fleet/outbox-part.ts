/**
 * bench:fleet (1): the shared Outbox on PostgreSQL. Three dispatching hosts (h1..h3), each its
 * own process wired as the service (dispatching-host.ts), each with its own messages enqueued,
 * deliver into one counting SMTP sink. Throughput is all messages over the time from `go` to the
 * sink's last acceptance; duplicates are Message-IDs the sink accepted more than once. A lone
 * host on the same database and sink, in the same minutes, is the control.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { PostgresCluster } from '../../test/helpers/postgres.js';
import { backendCpu, cpuBetween, cpuByClass } from './backend-cpu.js';
import { BENCH_DIR, Child, REPO_ROOT, CountingSink, hostConfig, load1 } from './rig.js';
import { resetStatements, topStatements, walBytes, walMark } from './wal.js';

export interface OutboxRound {
  hosts: number;
  messages: number;
  msgPerSec: number;
  accepted: number;
  duplicates: number;
  notDelivered: number;
  perHost: Array<{ host: string; msgPerSec: number; cpuSeconds: number; systemSeconds: number; enqueueMs: number }>;
  /** CPU per delivered message, from `go` to the last acceptance: what bounds msg/s on a quiet machine. */
  cpuMsPerMessage: { hosts: number; postgres: number; sink: number; total: number };
  /** Per delivered message: statements the hosts sent to the database (BEGIN and COMMIT included), and transactions they ran. */
  perMessage: { statements: number; transactions: number };
  /** Backends of the database seen at `go` and at the end (the postgres figure counts ended ones too: backend-cpu.ts). */
  backends: [number, number];
  /** The database's CPU per delivered message (ms) by kind of process; `ended`: backends and autovacuum workers that ended meanwhile. */
  postgresMsPerMessage: Record<string, number>;
  /** WAL per delivered message: bytes (from the LSN), records and full-page images (pg_stat_wal). */
  walPerMessage: { bytes: number; records: number; fpi: number };
  /** BENCH_FLEET_STATEMENTS=1: the statements by time, per delivered message. */
  statements: Array<Record<string, unknown>>;
  load: number;
}

const DONE_TIMEOUT_MS = 15 * 60_000;
// e.g. BENCH_FLEET_HOST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": where a host's time goes.
const NODE_ARGS = (process.env.BENCH_FLEET_HOST_NODE_ARGS ?? '').split(' ').filter(Boolean);

export async function outboxRound(cluster: PostgresCluster, template: string, hostCount: number, perHost: number): Promise<OutboxRound> {
  const db = await cluster.newDatabase(template);
  const sink = await CountingSink.start();
  const names = Array.from({ length: hostCount }, (_v, i) => `h${i + 1}`);
  const configs = names.map((host) => hostConfig({ host, databaseUrl: db.url, smtpPort: sink.port }));
  const children: Child[] = [];
  try {
    for (const config of configs) {
      const script = path.join(BENCH_DIR, 'fleet', 'dispatching-host.ts');
      children.push(new Child(spawn(process.execPath, [...NODE_ARGS, '--import', 'tsx', script, config.configFile, String(perHost)], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] })));
    }
    const ready = await Promise.all(children.map((c, i) => c.line(/^ready /, DONE_TIMEOUT_MS, `${names[i]} to enqueue`)));
    const load = load1();
    const [sinkBefore, pgBefore] = [await sink.report(), await backendCpu(cluster, db.name)];
    await resetStatements(cluster);
    const walBefore = await walMark(cluster);
    const goAt = Date.now();
    for (const c of children) c.process.stdin!.write('go\n');
    const done = await Promise.all(children.map((c, i) => c.line(/^done /, DONE_TIMEOUT_MS, `${names[i]} to deliver its messages`)));
    const [report, pgAfter] = [await sink.report(), await backendCpu(cluster, db.name)];
    const walAfterLsn = (await walMark(cluster)).lsn;
    const messages = hostCount * perHost;
    const statements = await topStatements(cluster, db.name, messages);
    for (const c of children) c.process.stdin!.write('exit\n');
    // The hosts' backends report their WAL records to pg_stat_wal as they end.
    await Promise.all(children.map((c) => c.stop(10_000)));
    const walAfter = await walMark(cluster);
    const wal = { bytes: await walBytes(cluster, walBefore.lsn, walAfterLsn), records: walAfter.records - walBefore.records, fpi: walAfter.fpi - walBefore.fpi };
    const seconds = ((report.lastAt ?? goAt) - goAt) / 1000;
    const enqueued = ready.map((l) => JSON.parse(l.slice(6)) as { host: string; enqueueMs: number });
    const results = done.map((l) => JSON.parse(l.slice(5)) as { host: string; sent: number; seconds: number; statements: number; transactions: number; cpuSeconds: number; systemSeconds: number });
    const perMessageMs = (cpuSeconds: number) => Number(((cpuSeconds * 1000) / messages).toFixed(2));
    const cpu = { hosts: results.reduce((sum, r) => sum + r.cpuSeconds, 0), postgres: cpuBetween(pgBefore, pgAfter), sink: report.cpuSeconds - sinkBefore.cpuSeconds };
    return {
      hosts: hostCount,
      messages,
      msgPerSec: Math.round(report.accepted / seconds),
      accepted: report.accepted,
      duplicates: report.duplicates,
      notDelivered: messages - report.unique,
      perHost: results.map((r, i) => ({ host: r.host, msgPerSec: Math.round(r.sent / r.seconds), cpuSeconds: r.cpuSeconds, systemSeconds: r.systemSeconds, enqueueMs: enqueued[i]!.enqueueMs })),
      cpuMsPerMessage: { hosts: perMessageMs(cpu.hosts), postgres: perMessageMs(cpu.postgres), sink: perMessageMs(cpu.sink), total: perMessageMs(cpu.hosts + cpu.postgres + cpu.sink) },
      perMessage: {
        statements: Number((results.reduce((sum, r) => sum + r.statements, 0) / messages).toFixed(2)),
        transactions: Number((results.reduce((sum, r) => sum + r.transactions, 0) / messages).toFixed(2)),
      },
      backends: [pgBefore.size, pgAfter.size],
      postgresMsPerMessage: Object.fromEntries(Object.entries(cpuByClass(pgBefore, pgAfter)).map(([kind, seconds]) => [kind, perMessageMs(seconds)])),
      walPerMessage: { bytes: Math.round(wal.bytes / messages), records: Number((wal.records / messages).toFixed(2)), fpi: Number((wal.fpi / messages).toFixed(3)) },
      statements,
      load,
    };
  } finally {
    await Promise.all(children.map((c) => c.stop(10_000)));
    await sink.stop();
    for (const config of configs) config.cleanup();
    await db.drop();
  }
}

