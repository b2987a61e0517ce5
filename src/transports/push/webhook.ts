import { createHmac } from 'node:crypto';
import type { ChannelContent } from '../../domain/channel.js';
import { jsonRequest, type ChannelSpec } from './spec.js';

/** Version of the generic webhook's JSON event (docs/channels.md): bumped on an incompatible change. */
export const WEBHOOK_EVENT_VERSION = 1;

export function webhookEvent(content: ChannelContent): Record<string, unknown> {
  return {
    version: WEBHOOK_EVENT_VERSION,
    type: content.kind,
    event: content.event,
    host: content.host,
    set: content.set ?? null,
    status: content.status ?? null,
    severity: content.severity,
    title: content.title,
    text: content.text,
    at: new Date(content.at).toISOString(),
    activityId: content.activityId ?? null,
    firstError: content.firstError ?? null,
    counters: content.counters ?? null,
    streak: content.streak ?? null,
    sets: content.sets ?? null,
    incidentKey: content.incidentKey ?? null,
  };
}

/** Standard Webhooks: `v1,` + base64(HMAC-SHA256(key, `<id>.<timestamp>.<body>`)), key from `whsec_<base64>`. */
export function standardWebhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * The generic webhook: a versioned JSON event signed per Standard Webhooks. `webhook-id` is the
 * message's id, the same on every retry, so a receiver drops duplicates; `webhook-timestamp` is
 * the attempt's, so a receiver can refuse replays older than five minutes.
 */
export const webhook: ChannelSpec = {
  type: 'webhook',
  render(content) {
    return jsonRequest('webhook', webhookEvent(content));
  },
  prepare({ stored, url, secrets, messageId, now }) {
    const timestamp = Math.floor(now / 1000);
    return {
      url,
      headers: {
        ...stored.headers,
        'webhook-id': messageId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': standardWebhookSignature(secrets.secret ?? '', messageId, timestamp, stored.body),
      },
      body: stored.body,
    };
  },
};
