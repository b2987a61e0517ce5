import type { IncomingHttpHeaders } from 'node:http';
import type { DeliveryOutcome } from '../../domain/outcome.js';

type Classified = Pick<DeliveryOutcome, 'kind' | 'detail' | 'errorCode' | 'retryAfterMs'>;

/** Graph's error body: `{ "error": { "code": "ErrorInvalidRecipients", "message": "…" } }`. */
export function graphError(body: string): { code: string; message: string } | undefined {
  try {
    const json = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof json.error?.code === 'string' ? json.error.code : undefined;
    const message = typeof json.error?.message === 'string' ? json.error.message : '';
    return code ? { code, message } : undefined;
  } catch {
    return undefined;
  }
}

/** `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms from `now`. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * What a Graph `sendMail` answer means for the message. Pure: tested by table.
 * 202 only says Exchange took the message into the mailbox's Outbox; it is not a delivery.
 */
export function classifyGraphResponse(status: number, headers: IncomingHttpHeaders, body: string, now: number, mailbox: string): Classified {
  const error = graphError(body);
  const said = error ? `${error.code}: ${error.message}` : `HTTP ${status}`;
  const retryAfterMs = parseRetryAfter(headers['retry-after'], now);
  const later = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 202 || status === 200) {
    return { kind: 'accepted', detail: `accepted by Exchange for mailbox ${mailbox} (Graph sendMail ${status}); delivery to the recipients is not confirmed` };
  }
  if (status === 429) {
    return { kind: 'temporary', errorCode: 'ERR_GRAPH_DEFERRED', detail: `Graph is throttling (429, ${said})${waitText(retryAfterMs)}`, ...later };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'temporary', errorCode: 'ERR_GRAPH_DEFERRED', detail: `Graph failed temporarily (${status}, ${said})${waitText(retryAfterMs)}`, ...later };
  }
  if (status === 401) return { kind: 'credentials', errorCode: 'ERR_GRAPH_AUTH', detail: `Graph refused the access token (401, ${said})` };
  if (status === 403) return { kind: 'credentials', errorCode: 'ERR_GRAPH_AUTH', detail: `Graph denied sending as ${mailbox} (403, ${said})` };
  // The configured mailbox does not exist (ErrorInvalidUser, ResourceNotFound): every message
  // would fail the same way, so it is a configuration problem that pauses the profile.
  if (status === 404) return { kind: 'credentials', errorCode: 'ERR_GRAPH_AUTH', detail: `Graph does not know the mailbox ${mailbox} (404, ${said})` };
  return { kind: 'permanent', errorCode: 'ERR_GRAPH_REJECTED', detail: `Graph refused the message (${status}, ${said})` };
}

function waitText(ms: number | undefined): string {
  return ms === undefined ? '' : `; it asked to wait ${Math.ceil(ms / 1000)} s`;
}
