import type { ChannelContent } from '../../domain/channel.js';
import { clip, jsonRequest, parseJson, prependJsonFields, type ChannelSpec } from './spec.js';

/** `vigil:<host>:<set>`: one PagerDuty alert per failing streak; the recovery resolves it. */
export function incidentKeyOf(content: ChannelContent): string {
  return clip(content.incidentKey ?? `vigil:${content.host}:${content.set ?? content.kind}`, 255);
}

/**
 * PagerDuty Events API v2. `trigger` with a stable `dedup_key` per set streak (the same key
 * again only updates the open alert), `resolve` with it on recovery. Reminders never reach this
 * renderer (src/notify skips them: an open alert needs no re-trigger). The routing key is
 * added at send time, first in the object, so the database never holds it.
 */
export const pagerduty: ChannelSpec = {
  type: 'pagerduty',
  defaultUrl: 'https://events.pagerduty.com/v2/enqueue',
  render(content) {
    const dedupKey = incidentKeyOf(content);
    if (content.event === 'recovery') return jsonRequest('pagerduty', { event_action: 'resolve', dedup_key: dedupKey });
    const details: Record<string, unknown> = { text: content.text };
    if (content.status) details.status = content.status;
    if (content.firstError) details.first_error = content.firstError;
    if (content.counters) details.counters = content.counters;
    if (content.streak) details.failures_in_a_row = content.streak;
    if (content.sets) details.sets = content.sets;
    if (content.activityId !== undefined) details.details = `vigil activity show ${content.activityId}`;
    return jsonRequest('pagerduty', {
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: {
        summary: clip(content.title, 1024),
        source: content.host,
        severity: content.event === 'test' ? 'info' : content.severity,
        timestamp: new Date(content.at).toISOString(),
        ...(content.set ? { component: content.set } : {}),
        group: 'vigil',
        class: content.kind,
        custom_details: details,
      },
      client: 'Vigil',
    });
  },
  prepare({ stored, url, secrets }) {
    return { url, headers: stored.headers, body: prependJsonFields(stored.body, { routing_key: secrets.routingKey ?? '' }) };
  },
  errorText(status, body) {
    if (status === 202 || status === 200) return undefined;
    const json = parseJson(body);
    if (!json) return undefined;
    const errors = Array.isArray(json.errors) ? json.errors.map(String).join('; ') : '';
    return [json.message, errors].filter(Boolean).join(': ') || undefined;
  },
};
