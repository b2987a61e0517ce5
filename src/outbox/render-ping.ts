import { encodeChannelRequest, type PingRenderer } from '../domain/channel.js';
import { VigilError } from '../domain/errors.js';
import { PRIORITY, type MessageRequest } from '../domain/message.js';
import { pingProfile, type PingContent } from '../domain/ping.js';
import type { NewMessage } from '../storage/ports/outbox-store.js';

/**
 * A heartbeat ping as the Outbox stores it: the protocol's request (path, query, body) rendered
 * once, now, without the URL — the credential, added by the transport when it sends. Never
 * critical: a checker that is down must not escalate, page, or make the service look stuck.
 */
export function renderPingMessage(request: MessageRequest, ping: { target: string; content: PingContent }, id: string, now: number, renderer: PingRenderer | undefined): NewMessage {
  if (!renderer) throw new VigilError('ERR_INTERNAL', `ping for ${ping.target}: this Outbox has no ping renderer`);
  const stored = renderer.renderPing(ping.target, ping.content);
  return {
    id,
    messageId: `msg_${id}`,
    kind: request.kind,
    severity: request.severity,
    priority: Math.max(PRIORITY.normal, request.priority ?? PRIORITY.normal),
    profile: pingProfile(ping.target),
    dedupeKey: request.dedupeKey ?? null,
    envelope: { from: 'vigil', to: [ping.target] },
    subject: request.subject.replace(/[\r\n]+/g, ' '),
    raw: encodeChannelRequest(stored),
    createdAt: now,
    sequence: request.sequence ?? null,
  };
}
