import { prepared, type Queryable } from './database.js';
import type { AttemptResult } from '../ports/outbox-store.js';
import { formatReply } from '../../domain/outcome.js';

/**
 * The Outbox's results on PostgreSQL as ONE statement, whatever the batch size: every decision
 * is applied (only where the lease is still the result's) and every attempt recorded, the
 * results passed as arrays and unnested. It was an UPDATE and an INSERT per result between
 * BEGIN and COMMIT.
 */
export async function completeBatch(db: Queryable, results: AttemptResult[], now: number): Promise<void> {
  const column = <T>(pick: (r: AttemptResult) => T) => results.map(pick);
  const lastError = (r: AttemptResult) => {
    const { outcome } = r.attempt;
    return outcome.kind === 'accepted' ? null : outcome.reply ? `${outcome.detail} (${formatReply(outcome.reply)})` : outcome.detail;
  };
  await db.run(
    prepared(`WITH r AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::int[], $8::text[],
         $9::bigint[], $10::bigint[], $11::text[], $12::text[], $13::int[], $14::text[], $15::text[], $16::text[], $17::text[])
         WITH ORDINALITY AS r(id, owner, state, next_at, outcome, last_error, possible_duplicate, host,
           started_at, duration_ms, transport, server, reply_code, reply_text, detail, error_code, transcript, ord)
     ), applied AS (
       UPDATE messages m SET state = r.state, next_attempt_at = r.next_at, lease_owner = NULL, attempts = m.attempts + 1,
         last_outcome = r.outcome, last_error = r.last_error, updated_at = $18, possible_duplicate = GREATEST(m.possible_duplicate, r.possible_duplicate),
         sent_at = CASE WHEN r.state IN ('sent', 'queued-locally') THEN $18 ELSE m.sent_at END,
         delivered_by = CASE WHEN r.state IN ('sent', 'queued-locally') THEN r.host ELSE m.delivered_by END
       FROM r WHERE m.id = r.id AND m.state = 'sending' AND m.lease_owner = r.owner
       RETURNING m.id
     )
     -- The attempt is history whatever became of the lease, so it is always recorded.
     INSERT INTO attempts (message, started_at, duration_ms, transport, server, outcome, reply_code, reply_text, detail, error_code, transcript, host)
     SELECT r.id, r.started_at, r.duration_ms, r.transport, r.server,
       CASE WHEN EXISTS (SELECT 1 FROM applied WHERE applied.id = r.id) THEN r.outcome ELSE r.outcome || ' (lease lost)' END,
       r.reply_code, r.reply_text, r.detail, r.error_code, r.transcript, r.host
     FROM r ORDER BY r.ord`),
    [
      column((r) => r.attempt.messageId),
      column((r) => r.owner),
      column((r) => r.state),
      column((r) => r.nextAttemptAt),
      column((r) => r.attempt.outcome.kind),
      column(lastError),
      column((r) => (r.possibleDuplicate ? 1 : 0)),
      column((r) => r.attempt.host ?? null),
      column((r) => r.attempt.startedAt),
      column((r) => Math.round(r.attempt.durationMs)),
      column((r) => r.attempt.transport),
      column((r) => r.attempt.outcome.server ?? null),
      column((r) => r.attempt.outcome.reply?.code ?? null),
      column((r) => (r.attempt.outcome.reply ? formatReply(r.attempt.outcome.reply) : null)),
      column((r) => r.attempt.outcome.detail),
      column((r) => r.attempt.outcome.errorCode ?? null),
      column((r) => r.attempt.outcome.transcript),
      now,
    ],
  );
}

/**
 * One message twice in a batch (two results for one lease): applied one after another, so only
 * the first holds the lease and the second is recorded as lease lost, as the SQLite store does.
 * A single statement would apply one of them, unspecified which.
 */
export function splitRepeats(results: AttemptResult[]): AttemptResult[][] {
  const batches: AttemptResult[][] = [];
  const seen = new Map<string, number>();
  for (const r of results) {
    const n = seen.get(r.attempt.messageId) ?? 0;
    seen.set(r.attempt.messageId, n + 1);
    (batches[n] ??= []).push(r);
  }
  return batches;
}
