/**
 * One dispatching host of bench:fleet's shared-Outbox part, in its own process: the app wired as
 * `vigil start` wires it (connectApp on the fleet's PostgreSQL database, the service's dispatcher
 * loop), under its own host name.
 *
 *   dispatching-host.ts <config file> <messages>
 *
 * Enqueues <messages> ~2 KB messages as this host (rendered and stored as any alert is), prints
 * `ready {json}`, waits for a line `go` on stdin, starts the dispatcher and prints `done {json}`
 * once every one of its messages is delivered; closes on a line `exit`.
 */
import { createInterface } from 'node:readline';
import { connectApp } from '../../src/app/context.js';
import { databaseWork } from '../../src/storage/postgres/database.js';
// The same ~2 KB alerts as bench:outbox's, and as the named peer's (peer-host.ts).
import { request } from '../outbox-workload.js';

const [configFile, countText] = process.argv.slice(2);
const count = Number(countText);
const BATCH = 1_000;

const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on('line', (line) => line.trim() === 'go' && resolve()));
// The bench's end is ours: never left behind.
process.stdin.on('end', () => process.exit(1));

const app = await connectApp({ configFile: configFile!, logLevel: 'error' });
const enqueueStarted = performance.now();
for (let i = 0; i < count; i += BATCH) await app.outbox.enqueueMany(Array.from({ length: Math.min(BATCH, count - i) }, (_v, k) => request(i + k)));
const enqueueMs = performance.now() - enqueueStarted;
process.stdout.write(`ready ${JSON.stringify({ host: app.hostname, enqueued: count, enqueueMs: Math.round(enqueueMs) })}\n`);

await go;
let sent = 0;
let failed = 0;
const delivered = new Promise<void>((resolve) => {
  app.events.on('delivery.sent', () => {
    if (++sent >= count) resolve();
  });
  app.events.on('delivery.failed', () => void failed++);
});
const cpu0 = process.cpuUsage();
const work0 = databaseWork();
const started = performance.now();
app.dispatcher.start();
await delivered;
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
const work = databaseWork();
await app.dispatcher.stop(5_000);
process.stdout.write(`done ${JSON.stringify({ host: app.hostname, sent, failed, seconds: Number(seconds.toFixed(3)), statements: work.statements - work0.statements, transactions: work.transactions - work0.transactions, cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)), systemSeconds: Number((cpu.system / 1e6).toFixed(2)) })}\n`);
// Connected until the bench has read the database's side (its backends' CPU), then closed.
await new Promise<void>((resolve) => lines.on('line', (line) => line.trim() === 'exit' && resolve()));
await app.close();
process.exit(0);
