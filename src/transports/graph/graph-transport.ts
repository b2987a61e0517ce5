import type { Clock } from '../../domain/clock.js';
import type { OutgoingMessage } from '../../domain/message.js';
import type { DeliveryOutcome } from '../../domain/outcome.js';
import type { Transport } from '../../domain/transport.js';
import { isTokenError } from '../oauth/access-token.js';
import { httpsRequest, HttpsFailure, type HttpsResponse } from '../oauth/https-request.js';
import type { TokenCache } from '../oauth/token-cache.js';
import { classifyGraphResponse } from './classify.js';

export interface GraphTarget {
  /** API base, `https://graph.microsoft.com` (or a national cloud's). */
  graphUrl: string;
  /** User id (GUID) or user principal name of the mailbox that sends. */
  mailbox: string;
  tokens: TokenCache;
  ca?: string[];
  timeoutMs: number;
  clock: Clock;
  /** Strips secrets (tokens) from details and transcripts. */
  redact: (text: string) => string;
}

/**
 * Microsoft Graph `POST /v1.0/users/{mailbox}/sendMail` with the raw MIME message, base64 in a
 * text/plain body: Exchange sends the bytes Vigil rendered (Message-ID included), and keeps a
 * copy in Sent Items. Recipients come from the MIME headers, which Vigil renders from the same
 * list as the envelope. Needs the application permission Mail.Send.
 */
export class GraphTransport implements Transport {
  readonly kind = 'graph';
  private readonly url: URL;

  constructor(private readonly target: GraphTarget) {
    this.url = new URL(`${target.graphUrl.replace(/\/+$/, '')}/v1.0/users/${encodeURIComponent(target.mailbox)}/sendMail`);
  }

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    // A controller and timer per attempt, not AbortSignal.any() (it leaks on Node 20: 78a318a).
    const cutoff = new AbortController();
    let deadlineReached = false;
    const timer = setTimeout(() => {
      deadlineReached = true;
      cutoff.abort();
    }, this.target.timeoutMs);
    const onShutdown = () => cutoff.abort();
    if (signal.aborted) cutoff.abort();
    signal.addEventListener('abort', onShutdown, { once: true });
    const transcript: string[] = [];
    try {
      return this.finish(await this.attempt(message, cutoff.signal, () => deadlineReached, transcript), transcript);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onShutdown);
    }
  }

  private async attempt(message: OutgoingMessage, cutoff: AbortSignal, deadlineReached: () => boolean, transcript: string[]): Promise<Omit<DeliveryOutcome, 'transcript'>> {
    const body = message.raw.toString('base64');
    // 401 means the token was refused: fetch a new one once, then it is the credentials.
    for (let round = 0; ; round++) {
      let token: string;
      const fetchesBefore = this.target.tokens.fetches;
      try {
        token = await this.target.tokens.get(cutoff);
      } catch (error) {
        if (isTokenError(error)) return { kind: error.kind, errorCode: error.errorCode, detail: `no access token from ${this.target.tokens.provider.describe}: ${error.message}` };
        return { kind: 'temporary', errorCode: 'ERR_OAUTH_UNAVAILABLE', detail: `${deadlineReached() ? 'the deadline passed' : 'Vigil was shutting down'} while waiting for an access token` };
      }
      transcript.push(this.target.tokens.fetches > fetchesBefore ? `* new access token from ${this.target.tokens.provider.describe}` : '* cached access token');
      transcript.push(`C: POST ${this.url.href} (Content-Type: text/plain, raw MIME ${message.raw.length} bytes as ${body.length} bytes of base64)`);
      let response: HttpsResponse;
      try {
        response = await httpsRequest({
          url: this.url,
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' },
          body,
          ...(this.target.ca ? { ca: this.target.ca } : {}),
          timeoutMs: this.target.timeoutMs,
          signal: cutoff,
        });
      } catch (error) {
        return this.networkFailure(error as HttpsFailure, deadlineReached(), transcript);
      }
      transcript.push(`S: HTTP ${response.status}${response.headers['retry-after'] ? ` Retry-After: ${String(response.headers['retry-after'])}` : ''}`);
      if (response.body) transcript.push(`S: ${response.body.slice(0, 2000)}`);
      const classified = classifyGraphResponse(response.status, response.headers, response.body, this.target.clock.now(), this.target.mailbox);
      if (response.status === 401 && round === 0) {
        this.target.tokens.invalidate(token);
        transcript.push('* token refused: fetching a new one and trying once more');
        continue;
      }
      return { ...classified, server: this.url.host };
    }
  }

  /**
   * No complete answer. Before the body was fully handed to the network Graph cannot have
   * acted on the request: temporary. After it was, Exchange may have accepted the message and
   * the answer got lost: sendMail has no idempotency key, so saying "not sent" would be a
   * guess — it is ambiguous, retried with the same Message-ID and flagged as a possible
   * duplicate. "Handed to the network" is as far as we can see; a body lost in transit is
   * reported ambiguous too, which errs on the side of telling the reader.
   */
  private networkFailure(failure: HttpsFailure, deadlineReached: boolean, transcript: string[]): Omit<DeliveryOutcome, 'transcript'> {
    transcript.push(`* ${failure.message}${failure.code ? ` (${failure.code})` : ''}`);
    const server = this.url.host;
    if (failure.code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME/.test(failure.code)) {
      return { kind: 'credentials', errorCode: 'ERR_GRAPH_CONNECT', detail: `TLS to ${server} failed (${failure.code}): check caFile or the proxy`, server };
    }
    const why = deadlineReached ? `no answer within ${Math.round(this.target.timeoutMs / 1000)} s` : failure.aborted ? 'Vigil was shutting down' : failure.message;
    if (failure.requestSent) {
      return { kind: 'ambiguous', errorCode: 'ERR_GRAPH_AMBIGUOUS', detail: `the message was sent to Graph but ${why} before it answered; it may have been accepted`, server };
    }
    return { kind: 'temporary', errorCode: 'ERR_GRAPH_CONNECT', detail: `Graph could not be reached: ${why}`, server };
  }

  private finish(outcome: Omit<DeliveryOutcome, 'transcript'>, transcript: string[]): DeliveryOutcome {
    return { ...outcome, detail: this.target.redact(outcome.detail), server: outcome.server ?? this.url.host, transcript: this.target.redact(transcript.join('\n')) };
  }

  async close(): Promise<void> {
    this.target.tokens.close();
  }
}
