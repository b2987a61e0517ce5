/**
 * The named peer's sending loop: nodemailer's own pooled SMTP transport, fed with a fixed number
 * of messages in flight. Shared by bench:outbox's `direct` phase (outbox-phase.ts) and
 * bench:fleet's peer hosts (fleet/peer-host.ts), so both peers send the same way.
 */
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';

export interface DirectPool {
  port: number;
  /** Connections kept open (nodemailer's maxConnections), each reused for up to 100 messages as Vigil's SMTP pool does. */
  connections: number;
}

export function directTransport(pool: DirectPool) {
  return nodemailer.createTransport({ pool: true, maxConnections: pool.connections, maxMessages: 100, host: '127.0.0.1', port: pool.port, secure: false, ignoreTLS: true });
}

/**
 * Sends messages 0..count-1 (`mail(i)`) through `transport`, `inFlight` at a time; resolves when
 * the last is accepted. The pool's own queue is unbounded: it is fed with bounded concurrency,
 * as its docs advise. Counts failures rather than throwing, so the caller reports them.
 */
export async function sendAll(transport: ReturnType<typeof directTransport>, count: number, inFlight: number, mail: (i: number) => Mail.Options): Promise<{ sent: number; failed: number }> {
  let next = 0;
  let sent = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        await transport.sendMail(mail(i));
        sent++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { sent, failed };
}
