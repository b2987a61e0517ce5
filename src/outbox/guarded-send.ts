import type { OutgoingMessage } from '../domain/message.js';
import type { DeliveryOutcome } from '../domain/outcome.js';
import type { Transport } from '../domain/transport.js';

/**
 * How long past its attempt deadline a transport may take to notice the abort before it is given
 * up on. An Outbox attempt holds a lease sized on this (deadline + 2 × grace), so it can afford
 * more than a direct fault alert, which the service's stop waits for.
 */
export const TRANSPORT_GRACE_MS = 5_000;
export const DIRECT_SEND_GRACE_MS = 2_000;

/**
 * Every send, from the Outbox's dispatcher or straight from a fault alert, goes through here.
 * A transport promises never to reject and never to overrun its deadline; this makes sure of it:
 * a thrown error (even one thrown before a promise is returned) becomes a `temporary` outcome,
 * and a transport still busy `deadlineMs` + `graceMs` after the start is given up on as `ambiguous` (it may yet deliver, so the
 * retry keeps the same Message-ID). Never rejects.
 */
export async function sendGuarded(transport: Transport, message: OutgoingMessage, signal: AbortSignal, deadlineMs: number, graceMs = TRANSPORT_GRACE_MS): Promise<DeliveryOutcome> {
  const limitMs = deadlineMs + graceMs;
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<DeliveryOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'ambiguous', detail: `the ${transport.kind} transport did not finish within ${limitMs} ms`, errorCode: 'ERR_INTERNAL', transcript: '' }), limitMs);
  });
  const sending = Promise.resolve()
    .then(() => transport.send(message, signal))
    .catch((error: unknown): DeliveryOutcome => ({ kind: 'temporary', detail: `transport error: ${(error as Error).message}`, errorCode: 'ERR_INTERNAL', transcript: '' }));
  try {
    return await Promise.race([sending, overrun]);
  } finally {
    clearTimeout(timer);
  }
}
