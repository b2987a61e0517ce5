/**
 * node --import tsx bench/smtp-deadline.bench.ts — how long a timed-out SMTP attempt keeps the
 * process alive after its deadline. A server that holds the connection for ever (never greets,
 * never closes its side); an attempt with a 5 s deadline. Measured: when the outcome came, and
 * when the last TCP handle of the client was gone (the moment a command could exit).
 * Last line: one JSON object with the figures.
 */
import net from 'node:net';
import { SmtpTransport } from '../src/transports/smtp/smtp-transport.js';

const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 5_000);

const held: net.Socket[] = [];
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  held.push(socket);
  socket.on('error', () => undefined);
  socket.unref(); // only the client's handles count below
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
server.unref();

const liveTcp = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
const transport = new SmtpTransport({
  host: '127.0.0.1',
  port: (server.address() as net.AddressInfo).port,
  security: 'none',
  rejectUnauthorized: true,
  clientName: 'bench.example.com',
  timeoutMs: TIMEOUT_MS,
  maxConnections: 1,
  redact: (text) => text,
});
const started = performance.now();
const outcome = await transport.send(
  { id: 'bench', messageId: '<bench@bench.example.com>', profile: 'bench', createdAt: 0, envelope: { from: 'a@example.com', to: ['b@example.com'] }, raw: Buffer.from('Subject: x\r\n\r\nx\r\n') },
  new AbortController().signal,
);
const outcomeMs = performance.now() - started;
while (liveTcp() > 0 && performance.now() - started < TIMEOUT_MS + 30_000) await new Promise((resolve) => setTimeout(resolve, 5));
const releasedMs = performance.now() - started;
console.log(`outcome ${outcome.kind} after ${outcomeMs.toFixed(0)} ms (deadline ${TIMEOUT_MS} ms); connection released after ${releasedMs.toFixed(0)} ms`);
console.log(JSON.stringify({ deadline_ms: TIMEOUT_MS, outcome_ms: Math.round(outcomeMs), released_ms: Math.round(releasedMs), held_after_outcome_ms: Math.round(releasedMs - outcomeMs) }));
for (const socket of held) socket.destroy();
server.close();
