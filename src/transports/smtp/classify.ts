import type { ErrorCode } from '../../domain/errors.js';
import { parseSmtpReply, type DeliveryOutcome, type OutcomeKind } from '../../domain/outcome.js';

/** What nodemailer's SMTPConnection reports about a failure (its error's fields). */
export interface SmtpFailure {
  message: string;
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

export interface FailureContext {
  /** The whole message had been written to the server when it failed. */
  dataSent: boolean;
  /** The per-attempt deadline ran out (not a failure the server reported). */
  timedOut: boolean;
  /** Vigil itself is shutting down. */
  shuttingDown: boolean;
  /** Where the attempt was: connecting (incl. greeting and TLS), authenticating or sending. */
  phase: 'connect' | 'auth' | 'send';
  timeoutMs: number;
}

type Classified = Pick<DeliveryOutcome, 'kind' | 'detail' | 'errorCode' | 'reply'>;

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|^EPROTO$|HOSTNAME|ALTNAME/;
const AUTH_REPLY_CODES = new Set([530, 534, 535, 538]);

/**
 * Decides, where the failure happened, what it means for the message (RFC 5321 classes,
 * RFC 3463 enhanced codes). Pure: tested by table.
 */
export function classifySmtpFailure(failure: SmtpFailure, ctx: FailureContext): Classified {
  const reply = parseSmtpReply(failure.response);
  const systemCode = failure.originalCode ?? (failure.code && !failure.code.startsWith('E') ? failure.code : undefined) ?? failure.code;
  const what = (kind: OutcomeKind, errorCode: ErrorCode, detail: string): Classified => (reply ? { kind, errorCode, detail, reply } : { kind, errorCode, detail });

  // nodemailer's connection/greeting/socket timers have the deadline's length and may fire a
  // moment before Vigil's own: without a reply, its ETIMEDOUT is the same deadline running out.
  const timedOut = ctx.timedOut || (failure.code === 'ETIMEDOUT' && !reply);
  if (timedOut || ctx.shuttingDown) {
    const why = ctx.shuttingDown ? 'Vigil was shutting down' : `no answer within the ${Math.round(ctx.timeoutMs / 1000)} s deadline`;
    if (ctx.dataSent) return what('ambiguous', 'ERR_SMTP_AMBIGUOUS', `the message was sent but ${why} before the server confirmed it; it may have been delivered`);
    const where = ctx.phase === 'connect' ? 'while connecting or waiting for the greeting' : ctx.phase === 'auth' ? 'during authentication' : 'while sending';
    return what('temporary', 'ERR_SMTP_TIMEOUT', `${why} ${where}`);
  }

  if (failure.code === 'ETLS' || (systemCode && TLS_CODES.test(systemCode)) || /STARTTLS/i.test(failure.message)) {
    return what('credentials', 'ERR_SMTP_TLS', `TLS failed: ${failure.message}${systemCode && !failure.message.includes(systemCode) ? ` (${systemCode})` : ''}`);
  }

  if (reply) {
    if (failure.code === 'EAUTH' || AUTH_REPLY_CODES.has(reply.code) || /^AUTH/i.test(failure.command ?? '')) {
      // 454 4.7.0 is "temporary authentication failure": retry, don't pause.
      if (reply.code >= 500) return what('credentials', 'ERR_SMTP_AUTH', `the server refused authentication: ${failure.response}`);
      return what('temporary', 'ERR_SMTP_DEFERRED', `authentication failed temporarily: ${failure.response}`);
    }
    if (reply.enhanced?.startsWith('5.7.')) return what('credentials', 'ERR_SMTP_POLICY', `the server refused the message for a security or policy reason: ${failure.response}`);
    if (reply.code >= 400 && reply.code < 500) return what('temporary', 'ERR_SMTP_DEFERRED', `the server deferred the message: ${failure.response}`);
    // 503 is a bad sequence of commands: our session got confused, not the message refused.
    if (reply.code === 503) return what('temporary', 'ERR_SMTP_DEFERRED', `the server reported a bad command sequence: ${failure.response}`);
    if (reply.code >= 500) return what('permanent', 'ERR_SMTP_REJECTED', `the server refused the message: ${failure.response}`);
  }

  if (failure.code === 'EAUTH') return what('credentials', 'ERR_SMTP_AUTH', `authentication failed: ${failure.message}`);
  if (failure.code === 'EENVELOPE') return what('permanent', 'ERR_SMTP_REJECTED', `the envelope was refused: ${failure.message}`);

  // No reply: the network. After the data was sent the server may have kept the message.
  if (ctx.dataSent) {
    return what('ambiguous', 'ERR_SMTP_AMBIGUOUS', `the connection was lost after the message was sent (${failure.message}); it may have been delivered`);
  }
  return what('temporary', 'ERR_SMTP_CONNECT', describeNetworkFailure(failure, systemCode));
}

function describeNetworkFailure(failure: SmtpFailure, systemCode: string | undefined): string {
  switch (systemCode) {
    case 'ECONNREFUSED':
      return 'connection refused: nothing is listening on that host and port';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name could not be resolved (${systemCode})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `the host cannot be reached (${systemCode})`;
    case 'ECONNRESET':
      return 'the server reset the connection';
    default:
      return `connection failed: ${failure.message}${systemCode ? ` (${systemCode})` : ''}`;
  }
}
