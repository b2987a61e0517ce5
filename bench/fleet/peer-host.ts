/**
 * One host of bench:fleet's named peer, in its own process: the same messages as a dispatching
 * host's (dispatching-host.ts) sent **directly with nodemailer** — no Outbox, no database — with
 * the same SMTP parallelism, into the same counting sink.
 *
 *   peer-host.ts <port> <messages> <host> <connections> <in flight> [--render-after-go]
 *
 * Renders its messages with nodemailer's MailComposer (as Vigil does at enqueue) and prints
 * `ready {json}`; on a line `go` sends them all through nodemailer's pool (`connections`
 * connections, each reused for up to 100 messages; `in flight` messages at a time) and prints
 * `done {json}` with its CPU from `go` to its last acceptance; closes on `exit` or when stdin
 * ends. With --render-after-go the rendering is left to sendMail, inside the timed window
 * (how the first, hand-made peer measured it).
 */
import { createInterface } from 'node:readline';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { directTransport, sendAll } from '../direct-send.js';
import { request } from '../outbox-workload.js';

const [portText, countText, host, connectionsText, inFlightText] = process.argv.slice(2);
const count = Number(countText);
const renderAfterGo = process.argv.includes('--render-after-go');

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

const renderStarted = performance.now();
const rendered = renderAfterGo ? [] : await Promise.all(Array.from({ length: count }, (_v, i) => new MailComposer(mail(i)).compile().build()));
const renderMs = performance.now() - renderStarted;
const transport = directTransport({ port: Number(portText), connections: Number(connectionsText) });
process.stdout.write(`ready ${JSON.stringify({ host, renderMs: Math.round(renderMs) })}\n`);

await go;
const cpu0 = process.cpuUsage();
const started = performance.now();
const { sent, failed } = await sendAll(transport, count, Number(inFlightText), (i) => (renderAfterGo ? mail(i) : { envelope: { from: request(i).from, to: request(i).to }, raw: rendered[i]! }));
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`done ${JSON.stringify({ host, sent, failed, seconds: Number(seconds.toFixed(3)), cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)) })}\n`);
await exit;
transport.close();
process.exit(0);
