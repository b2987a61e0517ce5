import type { Clock } from '../domain/clock.js';
import type { MessageRequest } from '../domain/message.js';
import type { DeliveryOutcome } from '../domain/outcome.js';
import type { TransportResolver } from '../outbox/dispatcher.js';
import { newMessageId } from '../outbox/ids.js';
import { renderMessage } from '../outbox/render.js';
import type { DirectSender } from '../notify/faults.js';

/**
 * One message straight to its profile's transport, bypassing the Outbox: only for a fault alert
 * when the Outbox's database cannot be written. Same rendering, same deadline as an attempt.
 */
export class TransportDirectSender implements DirectSender {
  constructor(
    private readonly transports: TransportResolver,
    private readonly messageIdDomain: string,
    private readonly clock: Clock,
  ) {}

  async send(request: MessageRequest): Promise<DeliveryOutcome> {
    const transport = this.transports.transportFor(request.profile);
    if (!transport) return { kind: 'permanent', detail: `profile "${request.profile}" is not in the configuration`, errorCode: 'ERR_PROFILE_UNKNOWN', transcript: '' };
    const now = this.clock.now();
    const id = newMessageId(now);
    const rendered = await renderMessage(request, { id, domain: this.messageIdDomain }, new Date(now));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.transports.attemptDeadlineMs(request.profile));
    try {
      return await transport.send({ id, messageId: rendered.messageId, profile: request.profile, createdAt: now, envelope: rendered.envelope, raw: rendered.raw }, controller.signal);
    } catch (error) {
      return { kind: 'temporary', detail: `transport error: ${(error as Error).message}`, errorCode: 'ERR_INTERNAL', transcript: '' };
    } finally {
      clearTimeout(timer);
    }
  }
}
