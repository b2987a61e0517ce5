import type { PgDatabase, Queryable } from './database.js';
import type { AttemptResult, AttemptRow, ClaimScope, LeaseLength, NewMessage, OutboxFilter, OutboxStore, RouteSuspension } from '../ports/outbox-store.js';
import type { MessageState, OutgoingMessage, Severity, StoredMessage } from '../../domain/message.js';
import { VigilError } from '../../domain/errors.js';
import { formatReply } from '../../domain/outcome.js';
import { scopeTerms } from '../rows/claim-scope.js';

interface MessageRow {
  id: string;
  message_id: string;
  kind: string;
  severity: string;
  priority: number;
  profile: string;
  dedupe_key: string | null;
  sender: string;
  recipients: string;
  subject: string;
  state: string;
  created_at: number;
  updated_at: number;
  next_attempt_at: number;
  attempts: number;
  last_outcome: string | null;
  last_error: string | null;
  possible_duplicate: number;
  sent_at: number | null;
  host: string | null;
  delivered_by: string | null;
  fingerprint: string | null;
}

const SUMMARY_COLUMNS = `id, message_id, kind, severity, priority, profile, dedupe_key, sender, recipients, subject, state,
  created_at, updated_at, next_attempt_at, attempts, last_outcome, last_error, possible_duplicate, sent_at, host, delivered_by, fingerprint`;
const PENDING = `state IN ('queued', 'deferred', 'sending')`;
const CLAIM_COLUMNS = 'id, profile, state, next_attempt_at, lease_owner, updated_at';
// Routes whose probe failed: their messages wait, unclaimed, until the suspension ends ($1: now).
const NOT_SUSPENDED = 'profile NOT IN (SELECT profile FROM route_suspensions WHERE until > $1)';
// Ordered sequences: a message waits while one enqueued before it in its sequence is pending.
const NOT_BEHIND = `(messages.sequence IS NULL OR NOT EXISTS (SELECT 1 FROM messages earlier WHERE earlier.sequence = messages.sequence
  AND earlier.state IN ('queued', 'deferred', 'sending') AND earlier.enqueue_order < messages.enqueue_order))`;
const LEASED_COLUMNS = 'id, message_id, profile, sender, recipients, raw, created_at';

interface ClaimRow {
  id: string;
  profile: string;
  state: string;
  next_attempt_at: number;
  lease_owner: string | null;
  updated_at: number;
}

/**
 * The Outbox in PostgreSQL. Claims lock their candidates with FOR UPDATE SKIP LOCKED, so hosts
 * claiming together each take different messages without waiting on one another; the other
 * read-then-write steps lock the row they decide on.
 */
export class PgOutboxStore implements OutboxStore {
  constructor(private readonly db: PgDatabase) {}

  async enqueue(messages: NewMessage[]): Promise<Array<{ id: string; duplicateOf?: string }>> {
    return this.db.transaction(async (tx) => {
      // Two hosts enqueueing the same key wait on each other here: one stores, one finds it. Keys
      // are locked in one order, so two batches sharing keys cannot deadlock.
      const keys = [...new Set(messages.flatMap((m) => (m.dedupeKey ? [m.dedupeKey] : [])))].sort();
      for (const key of keys) await tx.run('SELECT pg_advisory_xact_lock(hashtext($1))', [`vigil:dedupe:${key}`]);
      const results: Array<{ id: string; duplicateOf?: string }> = [];
      for (const m of messages) {
        if (m.dedupeKey) {
          const existing = await tx.one<{ id: string }>(`SELECT id FROM messages WHERE dedupe_key = $1 AND ${PENDING} LIMIT 1`, [m.dedupeKey]);
          if (existing) {
            results.push({ id: m.id, duplicateOf: existing.id });
            continue;
          }
        }
        await tx.run(
          `INSERT INTO messages (id, message_id, kind, severity, priority, profile, dedupe_key, sender, recipients, subject, raw, state,
             created_at, updated_at, next_attempt_at, sequence, host, fingerprint)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12, $12, $12, $13, $14, $15)`,
          [m.id, m.messageId, m.kind, m.severity, m.priority, m.profile, m.dedupeKey, m.envelope.from, JSON.stringify(m.envelope.to), m.subject, m.raw, m.createdAt, m.sequence ?? null, m.host ?? null, m.fingerprint ?? null],
        );
        results.push({ id: m.id });
      }
      return results;
    });
  }

  async claimDue(now: number, limit: number, leaseMs: LeaseLength, owner: string, excludeProfiles: readonly string[] = [], scope?: string | ClaimScope): Promise<OutgoingMessage[]> {
    return this.db.transaction(async (tx) => {
      const params: unknown[] = [now, excludeProfiles, limit];
      const candidates = await tx.rows<ClaimRow>(
        `SELECT ${CLAIM_COLUMNS} FROM messages WHERE ${PENDING} AND next_attempt_at <= $1 AND ${NOT_SUSPENDED} AND ${NOT_BEHIND}
           AND profile <> ALL($2::text[]) ${ofScope(scope, params)} ORDER BY priority, next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
        params,
      );
      const leased: OutgoingMessage[] = [];
      for (const row of candidates) leased.push(await this.lease(tx, row, now, leaseMs, owner));
      return leased;
    });
  }

  /** Leases one locked candidate row; call inside the transaction that locked it. */
  private async lease(tx: Queryable, row: ClaimRow, now: number, leaseMs: LeaseLength, owner: string): Promise<OutgoingMessage> {
    // Still `sending` with its lease run out: whoever held it died with the outcome unknown (see
    // the SQLite store): recorded as ambiguous and flagged before it is sent again.
    if (row.state === 'sending') await this.recordUnrecordedAttempt(tx, row);
    const leased = await tx.one<LeasedRow>(
      `UPDATE messages SET state = 'sending', lease_owner = $1, next_attempt_at = $2, updated_at = $3 WHERE id = $4 RETURNING ${LEASED_COLUMNS}`,
      [owner, now + leaseFor(leaseMs, row.profile), now, row.id],
    );
    return toOutgoing(leased!);
  }

  private async recordUnrecordedAttempt(tx: Queryable, row: ClaimRow): Promise<void> {
    const detail = `no outcome was recorded: the process delivering it${row.lease_owner ? ` (${row.lease_owner})` : ''} stopped, or could not record the result, before its lease ended; the server may already have the message, so it is sent again flagged as a possible duplicate`;
    await tx.run(`UPDATE messages SET attempts = attempts + 1, possible_duplicate = 1, last_outcome = 'ambiguous', last_error = $1 WHERE id = $2`, [detail, row.id]);
    await insertAttempt(tx, [row.id, row.updated_at, Math.max(0, row.next_attempt_at - row.updated_at), 'unknown', null, 'ambiguous', null, null, detail, null, '', null]);
  }

  async claimById(id: string, now: number, leaseMs: LeaseLength, owner: string): Promise<OutgoingMessage | undefined> {
    return this.db.transaction(async (tx) => {
      const row = await tx.one<ClaimRow>(`SELECT ${CLAIM_COLUMNS} FROM messages WHERE id = $1 FOR UPDATE`, [id]);
      if (!row) return undefined;
      const pending = row.state === 'queued' || row.state === 'deferred' || (row.state === 'sending' && row.next_attempt_at <= now);
      if (!pending) return undefined;
      return this.lease(tx, row, now, leaseMs, owner);
    });
  }

  async complete(results: AttemptResult[], now: number): Promise<void> {
    if (results.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const r of results) {
        const { outcome } = r.attempt;
        const applied = await tx.run(
          `UPDATE messages SET state = $1, next_attempt_at = $2, lease_owner = NULL, attempts = attempts + 1, last_outcome = $3, last_error = $4,
             updated_at = $5, possible_duplicate = GREATEST(possible_duplicate, $6),
             sent_at = CASE WHEN $1 IN ('sent', 'queued-locally') THEN $5 ELSE sent_at END,
             delivered_by = CASE WHEN $1 IN ('sent', 'queued-locally') THEN $9::text ELSE delivered_by END
           WHERE id = $7 AND state = 'sending' AND lease_owner = $8`,
          [
            r.state,
            r.nextAttemptAt,
            outcome.kind,
            outcome.kind === 'accepted' ? null : outcome.reply ? `${outcome.detail} (${formatReply(outcome.reply)})` : outcome.detail,
            now,
            r.possibleDuplicate ? 1 : 0,
            r.attempt.messageId,
            r.owner,
            r.attempt.host ?? null,
          ],
        );
        // The attempt is history whatever became of the lease, so it is always recorded.
        await insertAttempt(tx, [
          r.attempt.messageId,
          r.attempt.startedAt,
          Math.round(r.attempt.durationMs),
          r.attempt.transport,
          outcome.server ?? null,
          applied === 1 ? outcome.kind : `${outcome.kind} (lease lost)`,
          outcome.reply?.code ?? null,
          outcome.reply ? formatReply(outcome.reply) : null,
          outcome.detail,
          outcome.errorCode ?? null,
          outcome.transcript,
          r.attempt.host ?? null,
        ]);
      }
    });
  }

  async release(ids: string[], owner: string, now: number): Promise<void> {
    await this.db.run(
      `UPDATE messages SET state = CASE WHEN attempts = 0 THEN 'queued' ELSE 'deferred' END, lease_owner = NULL, next_attempt_at = $1, updated_at = $1
       WHERE id = ANY($2::text[]) AND state = 'sending' AND lease_owner = $3`,
      [now, ids, owner],
    );
  }

  async expireOlderThan(createdBefore: number, now: number): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(
      `UPDATE messages SET state = 'expired', lease_owner = NULL, updated_at = $1, last_error = COALESCE(last_error, 'not delivered within outbox.maxAge')
       WHERE ${PENDING} AND created_at < $2 AND NOT (state = 'sending' AND next_attempt_at > $1) RETURNING id`,
      [now, createdBefore],
    );
    return rows.map((r) => r.id);
  }

  async nextDueAt(excludeProfiles: readonly string[] = [], scope?: string | ClaimScope): Promise<number | undefined> {
    // A message of a suspended route is due when the suspension ends, if not later.
    const params: unknown[] = [excludeProfiles];
    const row = await this.db.one<{ at: number | null }>(
      `SELECT MIN(GREATEST(next_attempt_at, COALESCE(until, 0))) AS at FROM messages LEFT JOIN route_suspensions USING (profile)
       WHERE ${PENDING} AND ${NOT_BEHIND} AND profile <> ALL($1::text[]) ${ofScope(scope, params)}`,
      params,
    );
    return row?.at ?? undefined;
  }

  async get(id: string): Promise<StoredMessage | undefined> {
    const row = await this.db.one<MessageRow>(`SELECT ${SUMMARY_COLUMNS} FROM messages WHERE id = $1`, [id]);
    return row ? toStored(row) : undefined;
  }

  async raw(id: string): Promise<Buffer | undefined> {
    return (await this.db.one<{ raw: Buffer }>('SELECT raw FROM messages WHERE id = $1', [id]))?.raw;
  }

  async attempts(id: string): Promise<AttemptRow[]> {
    const rows = await this.db.rows<Record<string, unknown>>('SELECT * FROM attempts WHERE message = $1 ORDER BY id', [id]);
    return rows.map((r) => ({
      startedAt: r.started_at as number,
      durationMs: r.duration_ms as number,
      transport: r.transport as string,
      server: r.server as string | null,
      outcome: r.outcome as string,
      replyCode: r.reply_code as number | null,
      replyText: r.reply_text as string | null,
      detail: r.detail as string,
      errorCode: r.error_code as string | null,
      transcript: r.transcript as string,
      host: r.host as string | null,
    }));
  }

  async list(filter: OutboxFilter): Promise<StoredMessage[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.states?.length) where.push(`state = ANY(${param(filter.states)}::text[])`);
    if (filter.createdBefore !== undefined) where.push(`${PENDING} AND created_at < ${param(filter.createdBefore)}`);
    if (filter.profile) where.push(`profile = ${param(filter.profile)}`);
    if (filter.host !== undefined) where.push(`host = ${param(filter.host)}`);
    if (filter.dedupeKey !== undefined) where.push(`dedupe_key = ${param(filter.dedupeKey)}`);
    if (filter.maxPriority !== undefined) where.push(`priority <= ${param(filter.maxPriority)}`);
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT ${param(filter.limit ?? 100)}`;
    return (await this.db.rows<MessageRow>(sql, params)).map(toStored);
  }

  async countByState(): Promise<Partial<Record<MessageState, number>>> {
    const counts: Partial<Record<MessageState, number>> = {};
    for (const row of await this.db.rows<{ state: MessageState; n: number }>('SELECT state, COUNT(*) AS n FROM messages GROUP BY state')) counts[row.state] = row.n;
    return counts;
  }

  async suspendRoute(profile: string, until: number, reason: string, now: number): Promise<void> {
    await this.db.run(
      `INSERT INTO route_suspensions (profile, since, until, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (profile) DO UPDATE SET since = excluded.since, until = excluded.until, reason = excluded.reason`,
      [profile, now, until, reason],
    );
  }

  async routeSuspension(profile: string, now: number): Promise<RouteSuspension | undefined> {
    return this.db.one<RouteSuspension>('SELECT profile, since, until, reason FROM route_suspensions WHERE profile = $1 AND until > $2', [profile, now]);
  }

  async makeDue(profile: string, now: number): Promise<number> {
    return this.db.run(
      `UPDATE messages SET next_attempt_at = created_at, updated_at = $1 WHERE profile = $2 AND state IN ('queued', 'deferred') AND next_attempt_at > created_at`,
      [now, profile],
    );
  }

  async retry(id: string, now: number): Promise<StoredMessage> {
    return this.db.transaction(async (tx) => {
      const row = await tx.one<{ state: string; next_attempt_at: number }>('SELECT state, next_attempt_at FROM messages WHERE id = $1 FOR UPDATE', [id]);
      if (!row) throw new VigilError('ERR_OUTBOX_NOT_FOUND', `no message with id ${id} in the Outbox`, { hint: 'List messages with `vigil outbox list`.' });
      if (row.state === 'sending' && row.next_attempt_at > now) {
        throw new VigilError('ERR_OUTBOX_STATE', `message ${id} is being delivered right now`, { hint: 'Wait for the attempt to finish, then retry.' });
      }
      if (row.state === 'sent') {
        throw new VigilError('ERR_OUTBOX_STATE', `message ${id} was already accepted by the server`, { hint: 'Sending it again would deliver a duplicate.' });
      }
      await tx.run(`UPDATE messages SET state = CASE WHEN attempts = 0 THEN 'queued' ELSE 'deferred' END, next_attempt_at = $1, lease_owner = NULL, updated_at = $1 WHERE id = $2`, [now, id]);
      await tx.run('UPDATE route_suspensions SET until = $1 WHERE profile = (SELECT profile FROM messages WHERE id = $2) AND until > $1', [now, id]);
      return toStored((await tx.one<MessageRow>(`SELECT ${SUMMARY_COLUMNS} FROM messages WHERE id = $1`, [id]))!);
    });
  }

  async fail(id: string, reason: string, now: number): Promise<void> {
    await this.db.run(`UPDATE messages SET state = 'failed', lease_owner = NULL, last_error = $1, updated_at = $2 WHERE id = $3`, [reason, now, id]);
  }
}

function insertAttempt(tx: Queryable, values: unknown[]): Promise<number> {
  return tx.run(
    `INSERT INTO attempts (message, started_at, duration_ms, transport, server, outcome, reply_code, reply_text, detail, error_code, transcript, host)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    values,
  );
}

interface LeasedRow {
  id: string;
  message_id: string;
  profile: string;
  sender: string;
  recipients: string;
  raw: Buffer;
  created_at: number;
}

function leaseFor(leaseMs: LeaseLength, profile: string): number {
  return typeof leaseMs === 'number' ? leaseMs : leaseMs(profile);
}

function toOutgoing(row: LeasedRow): OutgoingMessage {
  return { id: row.id, messageId: row.message_id, profile: row.profile, createdAt: row.created_at, envelope: { from: row.sender, to: JSON.parse(row.recipients) as string[] }, raw: row.raw };
}

function toStored(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    messageId: row.message_id,
    kind: row.kind,
    severity: row.severity as Severity,
    priority: row.priority,
    profile: row.profile,
    dedupeKey: row.dedupe_key,
    envelope: { from: row.sender, to: JSON.parse(row.recipients) as string[] },
    subject: row.subject,
    state: row.state as MessageState,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    nextAttemptAt: row.next_attempt_at,
    attempts: row.attempts,
    lastOutcome: row.last_outcome,
    lastError: row.last_error,
    possibleDuplicate: row.possible_duplicate === 1,
    sentAt: row.sent_at,
    host: row.host,
    deliveredBy: row.delivered_by,
    fingerprint: row.fingerprint,
  };
}

/**
 * The messages a claim scope admits (ClaimScope), as a condition whose values are appended to
 * `params`: this host's, those of no recorded host, and a gone host's whose fingerprint this host
 * has for that name. No condition without a scope.
 */
function ofScope(scope: string | ClaimScope | undefined, params: unknown[]): string {
  if (scope === undefined) return '';
  const { host, goneHosts, pairs } = scopeTerms(scope);
  const param = (value: unknown) => `$${params.push(value)}`;
  const own = `host IS NULL OR host = ${param(host)}::text`;
  if (!pairs.length) return `AND (${own})`;
  return `AND (${own} OR (host = ANY(${param(goneHosts)}::text[])
    AND (profile, fingerprint) IN (SELECT * FROM unnest(${param(pairs.map((p) => p[0]))}::text[], ${param(pairs.map((p) => p[1]))}::text[]))))`;
}
