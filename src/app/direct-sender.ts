import type { Clock } from '../domain/clock.js';
import type { MessageRequest } from '../domain/message.js';
import type { DeliveryOutcome } from '../domain/outcome.js';
import type { TransportResolver } from '../outbox/dispatcher.js';
import { DIRECT_SEND_GRACE_MS, sendGuarded } from '../outbox/guarded-send.js';
import { newMessageId } from '../outbox/ids.js';
import { renderMessage } from '../outbox/render.js';
import { renderChannelMessage } from '../outbox/render-channel.js';
import type { ChannelRenderer, PingRenderer } from '../domain/channel.js';
import { renderPingMessage } from '../outbox/render-ping.js';
import type { DirectSender } from '../notify/faults.js';

/**
 * One message straight to its profile's transport, bypassing the Outbox: only for a fault alert
 * (or the service heartbeat's `/fail`) when the Outbox's database cannot be written. Same
 * rendering, same deadline and the same guard (outbox/guarded-send.ts) as an attempt.
 */
export class TransportDirectSender implements DirectSender {
  constructor(
    private readonly transports: TransportResolver,
    private readonly messageIdDomain: string,
    private readonly clock: Clock,
    /** Renders channel messages (requests with `channel`), pushed directly like mail. */
    private readonly channels?: ChannelRenderer,
    /** Renders heartbeat pings: the service's `/fail` when its database cannot be written. */
    private readonly pings?: PingRenderer,
  ) {}

  async send(request: MessageRequest): Promise<DeliveryOutcome> {
    const transport = this.transports.transportFor(request.profile);
    if (!transport) return { kind: 'permanent', detail: `profile "${request.profile}" is not in the configuration`, errorCode: 'ERR_PROFILE_UNKNOWN', transcript: '' };
    const now = this.clock.now();
    const id = newMessageId(now);
    const rendered = request.ping
      ? renderPingMessage(request, request.ping, id, now, this.pings)
      : request.channel
        ? renderChannelMessage(request, request.channel, id, now, this.channels)
        : await renderMessage(request, { id, domain: this.messageIdDomain }, new Date(now));
    const deadlineMs = this.transports.attemptDeadlineMs(request.profile);
    // No shutdown to follow here: the signal is the attempt's deadline, as the transport's own.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), deadlineMs);
    try {
      const message = { id, messageId: rendered.messageId, profile: request.profile, createdAt: now, envelope: rendered.envelope, raw: rendered.raw };
      return await sendGuarded(transport, message, controller.signal, deadlineMs, DIRECT_SEND_GRACE_MS);
    } finally {
      clearTimeout(timer);
    }
  }
}
