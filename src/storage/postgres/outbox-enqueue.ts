import { prepared, type Queryable } from './database.js';
import type { NewMessage } from '../ports/outbox-store.js';

const PENDING = `state IN ('queued', 'deferred', 'sending')`;

/**
 * Stores a batch of messages in one INSERT (arrays unnested, in the order given, so their
 * enqueue_order is that order); call inside the transaction that holds the dedupe keys' locks.
 * A message whose dedupeKey a pending message holds — stored before, or earlier in this batch —
 * is not stored: its result names that message. It was one INSERT per message.
 */
export async function enqueueBatch(tx: Queryable, messages: NewMessage[]): Promise<Array<{ id: string; duplicateOf?: string }>> {
  const keys = [...new Set(messages.flatMap((m) => (m.dedupeKey ? [m.dedupeKey] : [])))];
  const holders = new Map<string, string>();
  if (keys.length) {
    const pending = await tx.rows<{ dedupe_key: string; id: string }>(`SELECT DISTINCT ON (dedupe_key) dedupe_key, id FROM messages WHERE dedupe_key = ANY($1::text[]) AND ${PENDING} ORDER BY dedupe_key, enqueue_order`, [keys]);
    for (const row of pending) holders.set(row.dedupe_key, row.id);
  }
  const results: Array<{ id: string; duplicateOf?: string }> = [];
  const stored: NewMessage[] = [];
  for (const m of messages) {
    const holder = m.dedupeKey ? holders.get(m.dedupeKey) : undefined;
    if (holder) {
      results.push({ id: m.id, duplicateOf: holder });
      continue;
    }
    if (m.dedupeKey) holders.set(m.dedupeKey, m.id);
    stored.push(m);
    results.push({ id: m.id });
  }
  if (!stored.length) return results;
  const column = <T>(pick: (m: NewMessage) => T) => stored.map(pick);
  await tx.run(
    prepared(`INSERT INTO messages (id, message_id, kind, severity, priority, profile, dedupe_key, sender, recipients, subject, raw, state,
       created_at, updated_at, next_attempt_at, sequence, host, fingerprint)
     SELECT id, message_id, kind, severity, priority, profile, dedupe_key, sender, recipients, subject, raw, 'queued', created_at, created_at, created_at, sequence, host, fingerprint
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bytea[],
       $12::bigint[], $13::text[], $14::text[], $15::text[]) WITH ORDINALITY
       AS m(id, message_id, kind, severity, priority, profile, dedupe_key, sender, recipients, subject, raw, created_at, sequence, host, fingerprint, ord)
     ORDER BY ord`),
    [
      column((m) => m.id),
      column((m) => m.messageId),
      column((m) => m.kind),
      column((m) => m.severity),
      column((m) => m.priority),
      column((m) => m.profile),
      column((m) => m.dedupeKey),
      column((m) => m.envelope.from),
      column((m) => JSON.stringify(m.envelope.to)),
      column((m) => m.subject),
      column((m) => m.raw),
      column((m) => m.createdAt),
      column((m) => m.sequence ?? null),
      column((m) => m.host ?? null),
      column((m) => m.fingerprint ?? null),
    ],
  );
  return results;
}
