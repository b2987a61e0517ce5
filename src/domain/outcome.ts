import type { ErrorCode } from './errors.js';

/**
 * How one delivery attempt ended, classified where it happened (the transport), so the
 * dispatcher only reads the classification:
 * - accepted: the relay or store took responsibility (SMTP 250).
 * - queued-locally: a spooling mail program took it into its local queue; not delivered.
 * - temporary: try again later (4xx, timeout, refused connection).
 * - ambiguous: the connection was lost after the message data was sent; it may have arrived.
 *   Retried with the same Message-ID and flagged as a possible duplicate.
 * - permanent: the message will never be accepted as it is (5xx for the message).
 * - credentials: configuration or credentials refused (auth, TLS, 5.7.x): pause the profile
 *   instead of burning retries.
 */
export const OUTCOME_KINDS = ['accepted', 'queued-locally', 'temporary', 'ambiguous', 'permanent', 'credentials'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

export interface SmtpReply {
  code: number;
  /** RFC 3463 enhanced status code, e.g. `5.7.8`, when the server gave one. */
  enhanced?: string;
  text: string;
}

export interface DeliveryOutcome {
  kind: OutcomeKind;
  /** One sentence for humans: what happened, where. Never contains a secret. */
  detail: string;
  errorCode?: ErrorCode;
  reply?: SmtpReply;
  /** Which server or program handled the attempt, e.g. `smtp.example.com:587`. */
  server?: string;
  /** Redacted protocol transcript of the attempt. */
  transcript: string;
  /** The peer asked for this delay before the next try (e.g. HTTP Retry-After). */
  retryAfterMs?: number;
  /**
   * Set (with kind `temporary`) when the message never reached the peer because of our own
   * queue: it waited for one of the transport's connections and none became free in time. Says
   * nothing about the server, so it is not held against it (server health, route breaker) and
   * costs the message no back-off: it is due again at once.
   */
  notTried?: true;
}

/** Parses `550 5.7.30 Basic authentication…` into code, enhanced code and text. */
export function parseSmtpReply(response: string | undefined | null): SmtpReply | undefined {
  if (!response) return undefined;
  const match = /^([2-5]\d\d)[ -]?(?:([245]\.\d{1,3}\.\d{1,3})\s+)?([\s\S]*)$/.exec(response.trim());
  if (!match) return undefined;
  const reply: SmtpReply = { code: Number(match[1]), text: (match[3] ?? '').trim() };
  if (match[2]) reply.enhanced = match[2];
  return reply;
}

export function formatReply(reply: SmtpReply): string {
  return [String(reply.code), reply.enhanced, reply.text].filter(Boolean).join(' ');
}
