import type { Clock } from '../domain/clock.js';
import { PRIORITY, type MessageRequest } from '../domain/message.js';
import type { NewMessage, OutboxStore } from '../storage/ports/outbox-store.js';
import { newMessageId } from './ids.js';
import { renderMessage } from './render.js';
import { renderChannelMessage } from './render-channel.js';
import type { ChannelRenderer, PingRenderer } from '../domain/channel.js';
import { renderPingMessage } from './render-ping.js';

const RENDER_BATCH = 16;

export interface EnqueueResult {
  id: string;
  /** Set when a pending message with the same dedupeKey already existed (nothing was stored). */
  duplicateOf?: string;
}

/**
 * The front door of delivery: renders messages and stores them durably. Callers (backup runs,
 * admin processes, `vigil mail test`) only enqueue; they never wait for delivery.
 */
export class Outbox {
  constructor(
    private readonly deps: {
      store: OutboxStore;
      clock: Clock;
      /** Domain part of Message-IDs: Vigil's host name. */
      messageIdDomain: string;
      /** The host enqueueing, recorded with each message (listings of a fleet show it). */
      host?: string;
      /**
       * This host's fingerprint per profile name (`office`, `channel:ops`), recorded with each
       * message: with a shared Outbox, only a host with the same one delivers it if this host is gone.
       */
      fingerprints?: Readonly<Record<string, string>>;
      /** Called after messages are stored (their ids, or the pending message a duplicate joined), to wake the dispatcher. */
      onEnqueued?: (ids: string[]) => void;
      /** Renders channel messages (requests with `channel`); without it they are refused. */
      channels?: ChannelRenderer;
      /** Renders heartbeat pings (requests with `ping`); without it they are refused. */
      pings?: PingRenderer;
    },
  ) {}

  async enqueue(request: MessageRequest): Promise<EnqueueResult> {
    const [result] = await this.enqueueMany([request]);
    return result!;
  }

  /** Renders every request first (a bad one stores nothing), then stores all in one transaction. */
  async enqueueMany(requests: MessageRequest[]): Promise<EnqueueResult[]> {
    const now = this.deps.clock.now();
    const messages: NewMessage[] = [];
    // Render a few at a time: each render holds MIME stream buffers until it ends, and a
    // thousand at once cost hundreds of MB for no speed.
    for (let i = 0; i < requests.length; i += RENDER_BATCH) {
      messages.push(...(await Promise.all(requests.slice(i, i + RENDER_BATCH).map(async (request): Promise<NewMessage> => {
        const id = newMessageId(now);
        if (request.ping) return renderPingMessage(request, request.ping, id, now, this.deps.pings);
        if (request.channel) return { ...renderChannelMessage(request, request.channel, id, now, this.deps.channels), sequence: request.sequence ?? null };
        const rendered = await renderMessage(request, { id, domain: this.deps.messageIdDomain }, new Date(now));
        return {
          id,
          messageId: rendered.messageId,
          kind: request.kind,
          severity: request.severity,
          priority: request.priority ?? (request.severity === 'critical' ? PRIORITY.critical : PRIORITY.normal),
          profile: request.profile,
          dedupeKey: request.dedupeKey ?? null,
          envelope: rendered.envelope,
          subject: request.subject,
          raw: rendered.raw,
          createdAt: now,
          sequence: request.sequence ?? null,
        };
      }))));
    }
    if (this.deps.host !== undefined) for (const m of messages) m.host = this.deps.host;
    if (this.deps.fingerprints !== undefined) for (const m of messages) m.fingerprint = this.deps.fingerprints[m.profile] ?? null;
    const results = await this.deps.store.enqueue(messages);
    this.deps.onEnqueued?.(results.map((r) => r.duplicateOf ?? r.id));
    return results;
  }
}
