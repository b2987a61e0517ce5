import http from 'node:http';
import https from 'node:https';
import type { Clock } from '../../domain/clock.js';
import { decodeChannelRequest } from '../../domain/channel.js';
import type { OutgoingMessage } from '../../domain/message.js';
import type { DeliveryOutcome } from '../../domain/outcome.js';
import type { Transport } from '../../domain/transport.js';
import { httpsRequest, HttpsFailure, type HttpsResponse } from '../oauth/https-request.js';
import { classifyPushFailure, classifyPushResponse } from './classify.js';
import type { ChannelSecrets, WireSpec } from './spec.js';

export interface ChannelTarget {
  name: string;
  /** A channel's spec, or a ping protocol's (heartbeat.ts). */
  spec: WireSpec;
  url: URL;
  secrets: ChannelSecrets;
  timeoutMs: number;
  allowInsecure: boolean;
  /** Trusted CAs (system roots included) when the channel has a caFile. */
  ca?: string[];
  clock: Clock;
  /** Strips secrets (tokens, whole webhook URLs) from details and transcripts. */
  redact: (text: string) => string;
}

/**
 * Delivers a channel message: the request stored at enqueue, with the credentials added now,
 * sent once per attempt (POST, or the request's method) with a hard deadline. The service's answer is classified here
 * (classify.ts); the dispatcher only reads the outcome. Never throws.
 */
export class ChannelTransport implements Transport {
  readonly kind: string;
  // Retry-After is the channel's, not one message's: until it passes, the channel's other
  // messages are deferred without a request (a 429 storm must not be fed more requests).
  private holdUntil = 0;
  // Reused connections: a storm of alerts to one service must not open a TCP+TLS connection each.
  // The deadline still holds: the request's own timer aborts it, socket and all.
  private readonly agent: http.Agent;

  constructor(private readonly target: ChannelTarget) {
    this.kind = `push:${target.spec.type}`;
    const options = { keepAlive: true, maxSockets: 8, timeout: target.timeoutMs };
    this.agent = target.url.protocol === 'https:' ? new https.Agent({ ...options, minVersion: 'TLSv1.2', ...(target.ca ? { ca: target.ca } : {}) }) : new http.Agent(options);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    const { spec, url, timeoutMs } = this.target;
    const transcript: string[] = [];
    const server = url.host;
    const finish = (o: Omit<DeliveryOutcome, 'transcript' | 'server'>): DeliveryOutcome => ({
      ...o,
      detail: this.target.redact(o.detail),
      server,
      transcript: this.target.redact(transcript.join('\n')),
    });
    const heldMs = this.holdUntil - this.target.clock.now();
    if (heldMs > 0) {
      transcript.push(`* not sent: ${spec.type} asked to wait ${Math.ceil(heldMs / 1000)} s more`);
      return finish({ kind: 'temporary', errorCode: 'ERR_PUSH_DEFERRED', detail: `${spec.type} asked to wait (Retry-After); not sent, ${Math.ceil(heldMs / 1000)} s to go`, retryAfterMs: heldMs });
    }
    let wire;
    try {
      wire = spec.prepare({ stored: decodeChannelRequest(message.raw), url, secrets: this.target.secrets, messageId: message.messageId, now: this.target.clock.now() });
    } catch (error) {
      return finish({ kind: 'permanent', errorCode: 'ERR_INTERNAL', detail: `the stored ${spec.type} request cannot be read: ${(error as Error).message}` });
    }
    // The path and query may hold the credential (Slack, Telegram, Discord): only the origin is shown.
    const method = wire.method ?? 'POST';
    transcript.push(`C: ${method} ${wire.url.origin}/… (${Buffer.byteLength(wire.body)} bytes, ${wire.headers['Content-Type'] ?? 'no content type'})`);
    for (const name of Object.keys(wire.headers)) if (/^(webhook-id|idempotency-key|title|priority|tags)$/i.test(name)) transcript.push(`C: ${name}: ${wire.headers[name]}`);
    let response: HttpsResponse;
    try {
      response = await httpsRequest({
        url: wire.url,
        method,
        headers: { 'User-Agent': 'Vigil', ...wire.headers },
        ...(method === 'POST' ? { body: wire.body } : {}),
        ...(this.target.ca ? { ca: this.target.ca } : {}),
        timeoutMs,
        signal,
        allowInsecure: this.target.allowInsecure,
        agent: this.agent,
      });
    } catch (error) {
      if (!(error instanceof HttpsFailure)) return finish({ kind: 'temporary', errorCode: 'ERR_PUSH_CONNECT', detail: `${spec.type}: ${(error as Error).message}` });
      transcript.push(`* ${error.code ?? 'error'}${error.requestSent ? ' after the request was sent' : ' before the request was sent'}${error.timedOut ? ' (deadline)' : ''}`);
      return finish(classifyPushFailure(spec.type, error, timeoutMs));
    }
    const retryAfter = response.headers['retry-after'];
    transcript.push(`S: HTTP ${response.status}${retryAfter ? ` Retry-After: ${String(retryAfter)}` : ''}`);
    if (response.body) transcript.push(`S: ${response.body.slice(0, 2000)}`);
    const classified = classifyPushResponse(spec, response.status, response.headers, response.body, this.target.clock.now());
    if (classified.retryAfterMs !== undefined) this.holdUntil = Math.max(this.holdUntil, this.target.clock.now() + classified.retryAfterMs);
    return finish(classified);
  }
}
