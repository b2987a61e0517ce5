/**
 * One host of bench:fleet's named peer, in its own process: the same messages as a dispatching
 * host's (dispatching-host.ts) sent **directly** — no Outbox, no database — with the same SMTP
 * parallelism, into the same counting sink.
 *
 *   peer-host.ts <port> <messages> <host> <connections> <in flight> [--render-after-go] [--client=vigil-smtp]
 *
 * Renders its messages with nodemailer's MailComposer (as Vigil does at enqueue) and prints
 * `ready {json}`; on a line `go` sends them all, `in flight` at a time over `connections` pooled
 * connections (each reused for up to 100 messages), and prints `done {json}` with its CPU from
 * `go` to its last acceptance; closes on `exit` or when stdin ends. The client is nodemailer's
 * pool (`sendMail`), or with --client=vigil-smtp Vigil's own SMTP client (SmtpTransport:
 * transcripts, deadlines) without the Outbox around it. With --render-after-go nodemailer renders
 * inside the timed window (how the first, hand-made peer measured it).
 */
import { createInterface } from 'node:readline';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { SmtpTransport } from '../../src/transports/smtp/smtp-transport.js';
import { directTransport, sendAll } from '../direct-send.js';
import { request } from '../outbox-workload.js';

const [portText, countText, host, connectionsText, inFlightText] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const connections = Number(connectionsText);
const vigilClient = process.argv.includes('--client=vigil-smtp');
// Vigil's client sends rendered bytes only (as the Outbox does).
const renderAfterGo = !vigilClient && process.argv.includes('--render-after-go');

const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on('line', (line) => line.trim() === 'go' && resolve()));
const exit = new Promise<void>((resolve) => lines.on('line', (line) => line.trim() === 'exit' && resolve()));
// The bench's end is ours: never left behind.
process.stdin.on('end', () => process.exit(1));

// A Message-ID per host and message, so the sink's count by domain is a count per host.
const mail = (i: number): Mail.Options => {
  const r = request(i);
  return { from: r.from, to: r.to, subject: r.subject, text: r.text, html: r.html, messageId: `<${i}@${host}.peer.example.com>` };
};
const envelope = { from: request(0).from, to: request(0).to };

const renderStarted = performance.now();
const rendered = renderAfterGo ? [] : await Promise.all(Array.from({ length: count }, (_v, i) => new MailComposer(mail(i)).compile().build()));
const renderMs = performance.now() - renderStarted;

let send: (i: number) => Promise<unknown>;
let close: () => void;
if (vigilClient) {
  const transport = new SmtpTransport({ host: '127.0.0.1', port, security: 'none', rejectUnauthorized: true, clientName: host!, timeoutMs: 60_000, maxConnections: connections, redact: (text) => text });
  const never = new AbortController().signal;
  send = async (i) => {
    const outcome = await transport.send({ id: String(i), messageId: `<${i}@${host}.peer.example.com>`, profile: 'sink', createdAt: 0, envelope, raw: rendered[i]! }, never);
    if (outcome.kind !== 'accepted') throw new Error(outcome.detail);
  };
  close = () => void transport.close();
} else {
  const transport = directTransport({ port, connections });
  send = (i) => transport.sendMail(renderAfterGo ? mail(i) : { envelope, raw: rendered[i]! });
  close = () => transport.close();
}
process.stdout.write(`ready ${JSON.stringify({ host, renderMs: Math.round(renderMs) })}\n`);

await go;
const cpu0 = process.cpuUsage();
const started = performance.now();
const { sent, failed } = await sendAll(count, Number(inFlightText), send);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`done ${JSON.stringify({ host, sent, failed, seconds: Number(seconds.toFixed(3)), cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)) })}\n`);
await exit;
close();
process.exit(0);
