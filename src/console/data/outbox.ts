import { MESSAGE_STATES, PENDING_STATES, type MessageState, type StoredMessage } from '../../domain/message.js';
import type { AttemptRow } from '../../storage/ports/outbox-store.js';
import type { AppContext } from '../../app/context.js';

export interface OutboxQuery {
  state?: MessageState | 'stuck';
  profile?: string;
  /** Only the messages this host enqueued (a fleet sharing one store). */
  host?: string;
  limit: number;
}

export function parseOutboxQuery(q: Record<string, string | undefined>): OutboxQuery {
  const state = q.state && ([...MESSAGE_STATES, 'stuck'] as string[]).includes(q.state) ? (q.state as OutboxQuery['state']) : undefined;
  return { ...(state ? { state } : {}), ...(q.profile ? { profile: q.profile } : {}), ...(q.host ? { host: q.host } : {}), limit: clampLimit(q.limit, 100) };
}

export async function listMessages(app: AppContext, query: OutboxQuery): Promise<StoredMessage[]> {
  const base = { limit: query.limit, ...(query.profile ? { profile: query.profile } : {}), ...(query.host ? { host: query.host } : {}) };
  if (query.state === 'stuck') return app.store.outbox.list({ ...base, states: [...PENDING_STATES], createdBefore: app.clock.now() - app.loaded.config.mail.stuckAfter });
  return app.store.outbox.list(query.state ? { ...base, states: [query.state] } : base);
}

/** One message with every attempt; transcripts are redacted again on the way out (defence in depth). */
export async function loadMessage(app: AppContext, id: string): Promise<{ message: StoredMessage; attempts: AttemptRow[] } | undefined> {
  const message = await app.store.outbox.get(id);
  if (!message) return undefined;
  const attempts = (await app.store.outbox.attempts(id)).map((a) => ({
    ...a,
    transcript: app.redactor.redact(a.transcript),
    detail: app.redactor.redact(a.detail),
    replyText: a.replyText === null ? null : app.redactor.redact(a.replyText),
  }));
  return { message, attempts };
}

export function clampLimit(text: string | undefined, fallback: number, max = 1_000): number {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}
