import type { PgDatabase } from './database.js';
import type { AttemptResult, AttemptRow, ClaimScope, LeaseLength, NewMessage, OutboxFilter, OutboxStore, RouteSuspension } from '../ports/outbox-store.js';
import type { MessageState, OutgoingMessage, Severity, StoredMessage } from '../../domain/message.js';
import { VigilError } from '../../domain/errors.js';
import { claimBatch } from './outbox-claim.js';
import { completeBatch, splitRepeats } from './outbox-results.js';
import { enqueueBatch } from './outbox-enqueue.js';
import { ofScope, scopeParts } from './outbox-scope.js';

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
// Routes whose probe failed on this host (migration 43): their messages wait, unclaimed, until
// the suspension ends ($1 is now, $3 the store's host).
const NOT_SUSPENDED = 'profile NOT IN (SELECT profile FROM route_suspensions WHERE host = $3 AND until > $1)';
// Ordered sequences: a message waits while one enqueued before it in its sequence is pending.
const NOT_BEHIND = `(messages.sequence IS NULL OR NOT EXISTS (SELECT 1 FROM messages earlier WHERE earlier.sequence = messages.sequence
  AND earlier.state IN ('queued', 'deferred', 'sending') AND earlier.enqueue_order < messages.enqueue_order))`;

/**
 * The Outbox in PostgreSQL. Claims lock their candidates with FOR UPDATE SKIP LOCKED, so hosts
 * claiming together each take different messages without waiting on one another; the other
 * read-then-write steps lock the row they decide on.
 */
export class PgOutboxStore implements OutboxStore {
  /** Profiles whose lease length claims have looked up (see claimBatch). */
  private readonly profilesSeen = new Set<string>();

  /** `host`: whose route suspensions hold its claims, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: PgDatabase,
    private readonly host = '',
  ) {}

  async enqueue(messages: NewMessage[]): Promise<Array<{ id: string; duplicateOf?: string }>> {
    return this.db.transaction(async (tx) => {
      // Two hosts enqueueing the same key wait on each other here: one stores, one finds it. Keys
      // are locked in one order, so two batches sharing keys cannot deadlock.
      const keys = [...new Set(messages.flatMap((m) => (m.dedupeKey ? [m.dedupeKey] : [])))].sort();
      for (const key of keys) await tx.run('SELECT pg_advisory_xact_lock(hashtext($1))', [`vigil:dedupe:${key}`]);
      return enqueueBatch(tx, messages);
    });
  }

  async claimDue(now: number, limit: number, leaseMs: LeaseLength, owner: string, excludeProfiles: readonly string[] = [], scope?: string | ClaimScope): Promise<OutgoingMessage[]> {
    const params: unknown[] = [now, excludeProfiles, this.host];
    const where = `${PENDING} AND next_attempt_at <= $1 AND ${NOT_SUSPENDED} AND ${NOT_BEHIND} AND profile <> ALL($2::text[])`;
    return claimBatch(this.db, { where, params, limit, ...(scope === undefined ? {} : { parts: scopeParts(scope, params) }) }, now, leaseMs, owner, this.profilesSeen);
  }

  async claimById(id: string, now: number, leaseMs: LeaseLength, owner: string): Promise<OutgoingMessage | undefined> {
    const where = `id = $1 AND (state IN ('queued', 'deferred') OR (state = 'sending' AND next_attempt_at <= $2::bigint))`;
    const [message] = await claimBatch(this.db, { where, params: [id, now], limit: 1 }, now, leaseMs, owner, this.profilesSeen);
    return message;
  }

  async complete(results: AttemptResult[], now: number): Promise<void> {
    if (results.length === 0) return;
    const batches = splitRepeats(results);
    if (batches.length === 1) return completeBatch(this.db, results, now);
    await this.db.transaction(async (tx) => {
      for (const batch of batches) await completeBatch(tx, batch, now);
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
    const params: unknown[] = [excludeProfiles, this.host];
    const row = await this.db.one<{ at: number | null }>(
      `SELECT MIN(GREATEST(next_attempt_at, COALESCE(until, 0))) AS at
       FROM messages LEFT JOIN (SELECT profile AS suspended, until FROM route_suspensions WHERE host = $2) s ON s.suspended = messages.profile
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
      `INSERT INTO route_suspensions (host, profile, since, until, reason) VALUES ($5, $1, $2, $3, $4)
       ON CONFLICT (host, profile) DO UPDATE SET since = excluded.since, until = excluded.until, reason = excluded.reason`,
      [profile, now, until, reason, this.host],
    );
  }

  async routeSuspension(profile: string, now: number): Promise<RouteSuspension | undefined> {
    return this.db.one<RouteSuspension>('SELECT profile, since, until, reason FROM route_suspensions WHERE host = $3 AND profile = $1 AND until > $2', [profile, now, this.host]);
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
      await tx.run('UPDATE route_suspensions SET until = $1 WHERE host = $3 AND profile = (SELECT profile FROM messages WHERE id = $2) AND until > $1', [now, id, this.host]);
      return toStored((await tx.one<MessageRow>(`SELECT ${SUMMARY_COLUMNS} FROM messages WHERE id = $1`, [id]))!);
    });
  }

  async fail(id: string, reason: string, now: number): Promise<void> {
    await this.db.run(`UPDATE messages SET state = 'failed', lease_owner = NULL, last_error = $1, updated_at = $2 WHERE id = $3`, [reason, now, id]);
  }
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
