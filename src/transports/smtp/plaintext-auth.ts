import type { DeliveryOutcome } from '../../domain/outcome.js';

/** What the AUTH decision needs to know about a connected session. */
export interface ConnectionSecurity {
  /** The connection is encrypted (tls, or STARTTLS done). */
  encrypted: boolean;
  /** The server's EHLO offered STARTTLS (that we did not use, with security: none). */
  offersStartTls: boolean;
}

/**
 * Decides whether credentials may be sent on this connection. Over an unencrypted connection
 * they would cross the network readable by anyone on the path (AUTH PLAIN and LOGIN are only
 * base64), so they are refused unless the server entry says `allowPlaintextAuth: true`.
 * nodemailer would send AUTH PLAIN even to a server that offers no AUTH before STARTTLS, which
 * is how a password went out in clear: the decision must be ours, before login. Pure.
 */
export function plaintextAuthRefusal(
  connection: ConnectionSecurity,
  target: { host: string; port: number; allowPlaintextAuth?: boolean },
): Omit<DeliveryOutcome, 'server' | 'transcript'> | undefined {
  if (connection.encrypted || target.allowPlaintextAuth) return undefined;
  const instead = connection.offersStartTls
    ? 'the server offers STARTTLS: set security: starttls on this server'
    : 'use security: starttls or tls (port 465) if the server supports it';
  return {
    kind: 'credentials',
    errorCode: 'ERR_SMTP_PLAINTEXT_AUTH',
    detail: `refused to send the credentials to ${target.host}:${target.port} over an unencrypted connection (security: none); ${instead}, or, only on a trusted network, set allowPlaintextAuth: true`,
  };
}
