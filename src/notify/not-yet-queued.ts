import type { MessageRequest } from '../domain/message.js';
import type { OutboxStore } from '../storage/ports/outbox-store.js';

/**
 * The requests whose dedupe key is not in the Outbox in any state (sent ones included): what a
 * crashed attempt has not enqueued yet. The Outbox's own dedupe only covers pending messages.
 */
export async function notYetQueued(messages: Pick<OutboxStore, 'list'>, requests: MessageRequest[]): Promise<MessageRequest[]> {
  const kept: MessageRequest[] = [];
  for (const r of requests) {
    if (r.dedupeKey === undefined || (await messages.list({ dedupeKey: r.dedupeKey, limit: 1 })).length === 0) kept.push(r);
  }
  return kept;
}
