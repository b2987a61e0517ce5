/**
 * The named peer's sending loop: a fixed number of messages in flight, through nodemailer's own
 * pooled SMTP transport (or any client). Shared by bench:outbox's `direct` phase (outbox-phase.ts) and
 * bench:fleet's peer hosts (fleet/peer-host.ts), so both peers send the same way.
 */
import nodemailer from 'nodemailer';

export interface DirectPool {
  port: number;
  /** Connections kept open (nodemailer's maxConnections), each reused for up to 100 messages as Vigil's SMTP pool does. */
  connections: number;
}

export function directTransport(pool: DirectPool) {
  return nodemailer.createTransport({ pool: true, maxConnections: pool.connections, maxMessages: 100, host: '127.0.0.1', port: pool.port, secure: false, ignoreTLS: true });
}

/**
 * Sends messages 0..count-1 (`send(i)`), `inFlight` at a time; resolves when the last is
 * accepted. nodemailer's pool queues without bound: it is fed with bounded concurrency, as its
 * docs advise. Counts failures (a rejected `send`) rather than throwing, so the caller reports them.
 */
export async function sendAll(count: number, inFlight: number, send: (i: number) => Promise<unknown>): Promise<{ sent: number; failed: number }> {
  let next = 0;
  let sent = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        await send(i);
        sent++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { sent, failed };
}
