import { channelProfile, encodeChannelRequest, type ChannelContent, type ChannelRenderer } from '../domain/channel.js';
import { VigilError } from '../domain/errors.js';
import { PRIORITY, type MessageRequest } from '../domain/message.js';
import type { NewMessage } from '../storage/ports/outbox-store.js';

/**
 * A channel message as the Outbox stores it: the service's request rendered once, now, and
 * sent as it is on every retry. Its Message-ID (`msg_<id>`) is the idempotency key services
 * see (Standard Webhooks' `webhook-id`); the profile `channel:<name>` routes, pauses and
 * escalates it like a Mail Profile.
 */
export function renderChannelMessage(request: MessageRequest, channel: { name: string; content: ChannelContent }, id: string, now: number, renderer: ChannelRenderer | undefined): NewMessage {
  if (!renderer) throw new VigilError('ERR_INTERNAL', `channel message for ${channel.name}: this Outbox has no channel renderer`);
  const stored = renderer.render(channel.name, channel.content);
  return {
    id,
    messageId: `msg_${id}`,
    kind: request.kind,
    severity: request.severity,
    priority: request.priority ?? (request.severity === 'critical' ? PRIORITY.critical : PRIORITY.normal),
    profile: channelProfile(channel.name),
    dedupeKey: request.dedupeKey ?? null,
    envelope: { from: 'vigil', to: [channel.name] },
    subject: channel.content.title.replace(/[\r\n]+/g, ' '),
    raw: encodeChannelRequest(stored),
    createdAt: now,
  };
}
