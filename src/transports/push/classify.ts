import type { IncomingHttpHeaders } from 'node:http';
import type { DeliveryOutcome } from '../../domain/outcome.js';
import { parseRetryAfter } from '../graph/classify.js';
import type { HttpsFailure } from '../oauth/https-request.js';
import type { WireSpec } from './spec.js';

type Classified = Pick<DeliveryOutcome, 'kind' | 'detail' | 'errorCode' | 'retryAfterMs'>;

/**
 * What a push service's answer means for the message (issue 12). Pure: tested by table.
 * - 2xx accepted (unless the body says otherwise: Telegram `ok:false`, Pushover `status:0`);
 * - 408/425/429/5xx temporary, honouring Retry-After (or the delay the body asks for);
 * - 401/403 (and the service's own credential refusals) the credentials: the channel pauses;
 * - 3xx: the URL moved — a configuration problem, paused like credentials;
 * - other 4xx permanent, with the service's error text.
 */
export function classifyPushResponse(spec: Pick<WireSpec, 'type' | 'errorText' | 'retryAfterMs' | 'isCredentialError'>, status: number, headers: IncomingHttpHeaders, body: string, now: number): Classified {
  const said = spec.errorText?.(status, body) ?? (status >= 300 ? plainText(body) : undefined);
  const reply = `HTTP ${status}${said ? `: ${said}` : ''}`;
  const name = spec.type;
  if (status >= 200 && status < 300) {
    if (said) return { kind: 'permanent', errorCode: 'ERR_PUSH_REJECTED', detail: `${name} refused the message (${reply})` };
    return { kind: 'accepted', detail: `accepted by ${name} (HTTP ${status})` };
  }
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(headers['retry-after'], now) ?? spec.retryAfterMs?.(body);
    const wait = retryAfterMs === undefined ? '' : `; it asked to wait ${Math.ceil(retryAfterMs / 1000)} s`;
    const what = status === 429 ? 'is rate-limiting' : 'failed temporarily';
    return { kind: 'temporary', errorCode: 'ERR_PUSH_DEFERRED', detail: `${name} ${what} (${reply})${wait}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (status === 401 || status === 403 || spec.isCredentialError?.(status, body)) {
    return { kind: 'credentials', errorCode: 'ERR_PUSH_AUTH', detail: `${name} refused the credentials (${reply}); the channel is paused until they are fixed` };
  }
  if (status >= 300 && status < 400) {
    const where = typeof headers.location === 'string' ? new URL(headers.location, 'http://x').host : 'elsewhere';
    return { kind: 'credentials', errorCode: 'ERR_PUSH_AUTH', detail: `${name} answered ${status}, redirecting to ${where}: fix the channel's url` };
  }
  return { kind: 'permanent', errorCode: 'ERR_PUSH_REJECTED', detail: `${name} refused the message (${reply})` };
}

/**
 * No complete answer. A TLS failure is the configuration (caFile, the server's certificate):
 * paused. Before the request was fully handed to the network the service cannot have acted on
 * it: temporary. After, it may have: ambiguous — retried with the same idempotency key
 * (webhook-id, PagerDuty's dedup_key) and flagged as a possible duplicate.
 */
export function classifyPushFailure(type: string, failure: HttpsFailure, timeoutMs: number): Classified {
  const code = failure.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME/.test(code)) {
    return { kind: 'credentials', errorCode: 'ERR_PUSH_TLS', detail: `TLS to ${type} failed (${code}): the certificate is not trusted; give the channel a caFile with its CA` };
  }
  if (code === 'EPROTO' && !failure.requestSent && /not https/.test(failure.message)) {
    return { kind: 'credentials', errorCode: 'ERR_PUSH_TLS', detail: `${type}: the URL is not https:// (set allowInsecure: true for a trusted local server)` };
  }
  const why = failure.timedOut ? `no answer within ${Math.round(timeoutMs / 1000)} s` : failure.aborted ? 'Vigil was shutting down' : `${failure.message.replace(/^\S+ \S+: /, '')}`;
  if (failure.requestSent) {
    return { kind: 'ambiguous', errorCode: 'ERR_PUSH_AMBIGUOUS', detail: `the request was sent to ${type} but ${why} before it answered; it may have been delivered` };
  }
  return { kind: 'temporary', errorCode: failure.timedOut ? 'ERR_PUSH_TIMEOUT' : 'ERR_PUSH_CONNECT', detail: `${type} could not be reached: ${why}` };
}

/** A plain-text error body (Slack's `invalid_token`), one line, capped; HTML pages are not shown. */
function plainText(body: string): string | undefined {
  const text = body.trim();
  if (!text || text.startsWith('<')) return undefined;
  return text.replace(/\s+/g, ' ').slice(0, 300);
}
