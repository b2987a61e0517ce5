import type { OutgoingMessage } from './message.js';
import type { DeliveryOutcome } from './outcome.js';

/**
 * One way of handing a message on: an SMTP server, a local mail program, a Maildir, an API.
 * A folder per implementation under src/transports/. Every implementation passes the transport
 * conformance suite (test/conformance/transport/): the promises below are its cases.
 */
export interface Transport {
  /** `smtp`, `maildir`, `client`, … — recorded with each attempt. */
  readonly kind: string;

  /**
   * Hands one message on and says how that went.
   * - Never throws and never rejects: every failure is a classified DeliveryOutcome, and every
   *   outcome but `accepted` and `queued-locally` names its error code (src/domain/errors.ts).
   * - A refusal for good is `permanent`; one for now (4xx, 5xx of an API, busy) is `temporary`.
   * - No secret (password, token, webhook URL) is in the detail, the transcript or the reply —
   *   not even one the peer echoes back: they are stored and shown.
   * - A signal already aborted hands nothing on (the outcome is `temporary`).
   * - Ends by the time `signal` aborts (the dispatcher's shutdown) and within the transport's
   *   own per-attempt deadline; an abort after the data was sent is `ambiguous`.
   * - May be called again with the same message (retries): the bytes are sent as they are.
   * - Safe to call concurrently; the transport bounds its own concurrency.
   */
  send(message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome>;

  /** Releases connections and processes. Idempotent. */
  close?(): Promise<void>;
}

/** Longest time one `send` may take, so the dispatcher can size the lease on the message. */
export interface TransportTimings {
  attemptDeadlineMs: number;
}
