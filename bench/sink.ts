/**
 * An SMTP sink for the benchmarks: accepts every message and discards it. Fallback for
 * bench:outbox when Postfix's smtp-sink is not installed, and bench:fleet's sink.
 *
 *   sink.ts <port>            discard only
 *   sink.ts <port> --count    also count Message-IDs: each line `report` on stdin is answered
 *                             with one JSON line on stdout (accepted, unique, duplicates, per
 *                             Message-ID domain, bytes, first and last acceptance in epoch ms,
 *                             its CPU)
 * It is in every figure it serves, so it does no more than a faithful SMTP server must: no logging,
 * no reverse DNS lookup per connection, and only a message's header kept (to read its Message-ID).
 */
import { createInterface } from 'node:readline';
import { SMTPServer } from 'smtp-server';

const port = Number(process.argv[2]);
const counting = process.argv.includes('--count');
// Headers end at the first empty line; Vigil's come well within the first 64 KiB.
const HEADER_LIMIT = 64 * 1024;

const seen = new Map<string, number>();
const byDomain: Record<string, number> = {};
let accepted = 0;
let bytes = 0;
let firstAt: number | undefined;
let lastAt: number | undefined;

function record(head: string): void {
  accepted++;
  const now = Date.now();
  firstAt ??= now;
  lastAt = now;
  const id = /^message-id:\s*(<[^>\r\n]*>)/im.exec(head.slice(0, head.indexOf('\r\n\r\n') + 1 || undefined))?.[1] ?? '(none)';
  seen.set(id, (seen.get(id) ?? 0) + 1);
  const domain = /@([^>]*)>/.exec(id)?.[1] ?? '(none)';
  byDomain[domain] = (byDomain[domain] ?? 0) + 1;
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  // smtp-server resolves each client's address (dns.reverse, up to 1.5 s) before its greeting.
  disableReverseLookup: true,
  onData(stream, _session, callback) {
    let head = '';
    let headDone = !counting;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (headDone) return;
      head += chunk.toString('latin1');
      headDone = head.length >= HEADER_LIMIT || head.includes('\r\n\r\n');
    });
    stream.on('end', () => {
      if (counting) record(head);
      callback();
    });
  },
});
server.listen(port, '127.0.0.1');

if (counting) {
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'report') return;
    const duplicates = [...seen.values()].reduce((sum, n) => sum + (n - 1), 0);
    const cpu = process.cpuUsage();
    process.stdout.write(JSON.stringify({ accepted, unique: seen.size, duplicates, byDomain, bytes, firstAt: firstAt ?? null, lastAt: lastAt ?? null, cpuSeconds: (cpu.user + cpu.system) / 1e6 }) + '\n');
  });
  // The parent's end is ours: a sink is never left behind.
  process.stdin.on('end', () => process.exit(0));
}
