import type { Clock } from '../domain/clock.js';
import type { MessageRequest } from '../domain/message.js';
import type { DeliveryOutcome } from '../domain/outcome.js';
import type { TransportResolver } from '../outbox/dispatcher.js';
import { newMessageId } from '../outbox/ids.js';
import { renderMessage } from '../outbox/render.js';
import { renderChannelMessage } from '../outbox/render-channel.js';
import type { ChannelRenderer, PingRenderer } from '../domain/channel.js';
import { renderPingMessage } from '../outbox/render-ping.js';
import type { DirectSender } from '../notify/faults.js';

// How long past its deadline a transport may take to notice the abort before it is given up on.
const OVERRUN_GRACE_MS = 2_000;

/**
 * One message straight to its profile's transport, bypassing the Outbox: only for a fault alert
 * (or the service heartbeat's `/fail`) when the Outbox's database cannot be written. Same rendering, same deadline as an attempt.
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
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), deadlineMs);
    // A transport that ignores its signal must not hold the fault handler (and the service's
    // stop, which drains it) for ever: the dispatcher's sendGuarded does the same.
    let overrunTimer: NodeJS.Timeout | undefined;
    const overrun = new Promise<DeliveryOutcome>((resolve) => {
      overrunTimer = setTimeout(
        () => resolve({ kind: 'ambiguous', detail: `the ${transport.kind} transport did not finish within ${deadlineMs + OVERRUN_GRACE_MS} ms`, errorCode: 'ERR_INTERNAL', transcript: '' }),
        deadlineMs + OVERRUN_GRACE_MS,
      );
    });
    const sending = transport
      .send({ id, messageId: rendered.messageId, profile: request.profile, createdAt: now, envelope: rendered.envelope, raw: rendered.raw }, controller.signal)
      .catch((error: unknown): DeliveryOutcome => ({ kind: 'temporary', detail: `transport error: ${(error as Error).message}`, errorCode: 'ERR_INTERNAL', transcript: '' }));
    try {
      return await Promise.race([sending, overrun]);
    } finally {
      clearTimeout(timer);
      clearTimeout(overrunTimer);
    }
  }
}
