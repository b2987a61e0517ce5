/**
 * node --import tsx bench/outage.bench.ts — what an outage costs. N messages are queued for a
 * server that refuses every connection (a real smtp-server answering 421, counting connections);
 * the service's dispatcher runs for D seconds on the real clock; then the server comes back and
 * the time until every message is delivered is measured.
 * BENCH_MESSAGES (default 10,000), BENCH_OUTAGE_S (default 60).
 * Last line: one JSON object with the figures.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApp } from '../src/app/context.js';
import { SmtpPeer } from '../test/helpers/smtp-peer.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const OUTAGE_S = Number(process.env.BENCH_OUTAGE_S ?? 60);

const server = await SmtpPeer.start();
server.inject({ at: 'CONNECT', code: 421, text: '4.3.2 Service not available' });
const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-'));
const configFile = path.join(dir, 'vigil.yaml');
writeFileSync(
  configFile,
  `dataDir: ./var
hostname: bench.example.com
mail: { profile: office }
profiles:
  office:
    method: smtp
    from: vigil@example.com
    timeoutSeconds: 5
    servers: [{ host: 127.0.0.1, port: ${server.port}, security: none }]
outbox: { concurrency: 8, minBackoff: 1m }
`,
);
const app = openApp({ configFile, logLevel: 'error' });
const dbBytes = () => ['vigil.db', 'vigil.db-wal'].reduce((sum, f) => sum + (statSync(path.join(dir, 'var', f), { throwIfNoEntry: false })?.size ?? 0), 0);
try {
  for (let i = 0; i < MESSAGES; i += 1_000) {
    await app.outbox.enqueueMany(
      Array.from({ length: Math.min(1_000, MESSAGES - i) }, (_, j) => ({ kind: 'bench', severity: 'info' as const, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: `bench ${i + j}`, text: 'x'.repeat(1_500) })),
    );
  }
  const before = dbBytes();
  console.log(`${MESSAGES} messages queued; outage of ${OUTAGE_S} s begins`);
  app.dispatcher.start();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_S * 1_000));
  const connections = server.connections;
  const grown = dbBytes() - before;
  console.log(`during the outage: ${server.connections} connections, DB grew ${(grown / 1e6).toFixed(1)} MB`);
  server.injections.length = 0;
  const back = performance.now();
  while (server.received.length < MESSAGES) await new Promise((resolve) => setTimeout(resolve, 100));
  const drainS = (performance.now() - back) / 1_000;
  console.log(`server back: all delivered ${drainS.toFixed(1)} s later`);
  console.log(JSON.stringify({ messages: MESSAGES, outage_s: OUTAGE_S, outage_connections: connections, outage_db_growth_mb: Number((grown / 1e6).toFixed(1)), drain_s: Number(drainS.toFixed(1)) }));
} finally {
  await app.dispatcher.stop(1_000);
  await app.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
