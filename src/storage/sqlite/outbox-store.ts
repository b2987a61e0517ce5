import type { SqliteDatabase } from './database.js';
import type { AttemptResult, AttemptRow, ClaimScope, LeaseLength, NewMessage, OutboxFilter, OutboxStore, RouteSuspension } from '../ports/outbox-store.js';
import type { MessageState, OutgoingMessage, Severity, StoredMessage } from '../../domain/message.js';
import { VigilError } from '../../domain/errors.js';
import { formatReply } from '../../domain/outcome.js';
import { scopeTerms } from '../rows/claim-scope.js';
import { toOutgoing, type LeasedRow } from '../rows/leased-row.js';

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
// A message of a suspended route is due when the suspension ends, if not later. Suspensions are
// the claiming host's (its relay, migration 43): the first parameter is the store's host.
const WITH_SUSPENSIONS = 'messages LEFT JOIN (SELECT profile AS suspended, until FROM route_suspensions WHERE host = ?) s ON s.suspended = messages.profile';
const DUE_AFTER_SUSPENSION = 'MAX(next_attempt_at, COALESCE(until, 0))';
// Routes whose probe failed on this host: their messages wait, unclaimed, until the suspension
// ends (bound: the store's host, now).
const NOT_SUSPENDED = 'profile NOT IN (SELECT profile FROM route_suspensions WHERE host = ? AND until > ?)';
// Ordered sequences: a message waits while one enqueued before it (lower rowid) in its sequence
// is pending; it is then neither claimed nor counted as due (the earlier one's due time is).
const NOT_BEHIND = `(messages.sequence IS NULL OR NOT EXISTS (SELECT 1 FROM messages earlier WHERE earlier.sequence = messages.sequence
  AND earlier.state IN ('queued', 'deferred', 'sending') AND earlier.rowid < messages.rowid))`;

/** A pending message as a claim sees it. For `sending`, next_attempt_at is when the lease ends. */
interface ClaimRow {
  id: string;
  profile: string;
  state: string;
  next_attempt_at: number;
  lease_owner: string | null;
  updated_at: number;
}

/** The Outbox in SQLite. Every write is one transaction; better-sqlite3 is synchronous, so each
 * method runs to completion before another starts in this process. */
export class SqliteOutboxStore implements OutboxStore {
  private readonly statements;

  /** `host`: whose route suspensions hold its claims, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly host = '',
  ) {
    this.statements = {
      insert: db.prepare(`INSERT INTO messages (id, message_id, kind, severity, priority, profile, dedupe_key, sender, recipients,
          subject, raw, state, created_at, updated_at, next_attempt_at, sequence, host, fingerprint)
        VALUES (@id, @messageId, @kind, @severity, @priority, @profile, @dedupeKey, @sender, @recipients,
          @subject, @raw, 'queued', @createdAt, @createdAt, @createdAt, @sequence, @host, @fingerprint)`),
      findPendingDuplicate: db.prepare(`SELECT id FROM messages WHERE dedupe_key = ? AND ${PENDING} LIMIT 1`),
      due: db.prepare(`SELECT ${CLAIM_COLUMNS} FROM messages WHERE ${PENDING} AND next_attempt_at <= ? AND ${NOT_SUSPENDED} AND ${NOT_BEHIND}
        ORDER BY priority, next_attempt_at LIMIT ?`),
      lease: db.prepare(`UPDATE messages SET state = 'sending', lease_owner = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?
        RETURNING id, message_id, profile, sender, recipients, raw, created_at`),
      byIdPending: db.prepare(`SELECT ${CLAIM_COLUMNS} FROM messages WHERE id = ?`),
      unrecorded: db.prepare(`UPDATE messages SET attempts = attempts + 1, possible_duplicate = 1, last_outcome = 'ambiguous',
          last_error = @detail WHERE id = @id`),
      insertAttempt: db.prepare(`INSERT INTO attempts (message, started_at, duration_ms, transport, server, outcome, reply_code, reply_text,
          detail, error_code, transcript, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      applyDecision: db.prepare(`UPDATE messages SET state = @state, next_attempt_at = @nextAttemptAt, lease_owner = NULL,
          attempts = attempts + 1, last_outcome = @outcome, last_error = @error, updated_at = @now,
          possible_duplicate = MAX(possible_duplicate, @possibleDuplicate),
          sent_at = CASE WHEN @state IN ('sent', 'queued-locally') THEN @now ELSE sent_at END,
          delivered_by = CASE WHEN @state IN ('sent', 'queued-locally') THEN @host ELSE delivered_by END
        WHERE id = @id AND state = 'sending' AND lease_owner = @owner`),
      release: db.prepare(`UPDATE messages SET state = CASE WHEN attempts = 0 THEN 'queued' ELSE 'deferred' END, lease_owner = NULL,
          next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'sending' AND lease_owner = ?`),
      expire: db.prepare(`UPDATE messages SET state = 'expired', lease_owner = NULL, updated_at = ?,
          last_error = COALESCE(last_error, 'not delivered within outbox.maxAge')
        WHERE ${PENDING} AND created_at < ? AND NOT (state = 'sending' AND next_attempt_at > ?) RETURNING id`),
      nextDue: db.prepare(`SELECT MIN(${DUE_AFTER_SUSPENSION}) AS at FROM ${WITH_SUSPENSIONS} WHERE ${PENDING} AND ${NOT_BEHIND}`),
      suspend: db.prepare(`INSERT INTO route_suspensions (host, profile, since, until, reason) VALUES (@host, @profile, @now, @until, @reason)
        ON CONFLICT (host, profile) DO UPDATE SET since = excluded.since, until = excluded.until, reason = excluded.reason`),
      suspension: db.prepare(`SELECT profile, since, until, reason FROM route_suspensions WHERE host = ? AND profile = ? AND until > ?`),
      endSuspension: db.prepare(`UPDATE route_suspensions SET until = @now WHERE host = @host AND profile = (SELECT profile FROM messages WHERE id = @id) AND until > @now`),
      get: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM messages WHERE id = ?`),
      raw: db.prepare(`SELECT raw FROM messages WHERE id = ?`),
      attempts: db.prepare(`SELECT * FROM attempts WHERE message = ? ORDER BY id`),
      counts: db.prepare(`SELECT state, COUNT(*) AS n FROM messages GROUP BY state`),
      retry: db.prepare(`UPDATE messages SET state = CASE WHEN attempts = 0 THEN 'queued' ELSE 'deferred' END, next_attempt_at = ?,
          lease_owner = NULL, updated_at = ? WHERE id = ?`),
      makeDue: db.prepare(`UPDATE messages SET next_attempt_at = created_at, updated_at = ?
        WHERE profile = ? AND state IN ('queued', 'deferred') AND next_attempt_at > created_at`),
      fail: db.prepare(`UPDATE messages SET state = 'failed', lease_owner = NULL, last_error = ?, updated_at = ? WHERE id = ?`),
    };
  }

  async enqueue(messages: NewMessage[]): Promise<Array<{ id: string; duplicateOf?: string }>> {
    const results: Array<{ id: string; duplicateOf?: string }> = [];
    this.db.transaction(() => {
      for (const m of messages) {
        if (m.dedupeKey) {
          const existing = this.statements.findPendingDuplicate.get(m.dedupeKey) as { id: string } | undefined;
          if (existing) {
            results.push({ id: m.id, duplicateOf: existing.id });
            continue;
          }
        }
        this.statements.insert.run({
          id: m.id,
          messageId: m.messageId,
          kind: m.kind,
          severity: m.severity,
          priority: m.priority,
          profile: m.profile,
          dedupeKey: m.dedupeKey,
          sender: m.envelope.from,
          recipients: JSON.stringify(m.envelope.to),
          subject: m.subject,
          raw: m.raw,
          createdAt: m.createdAt,
          sequence: m.sequence ?? null,
          host: m.host ?? null,
          fingerprint: m.fingerprint ?? null,
        });
        results.push({ id: m.id });
      }
    }).immediate();
    return results;
  }

  async claimDue(now: number, limit: number, leaseMs: LeaseLength, owner: string, excludeProfiles: readonly string[] = [], scope?: string | ClaimScope): Promise<OutgoingMessage[]> {
    const admitted = ofScope(scope);
    const due =
      excludeProfiles.length || scope !== undefined
        ? this.db.prepare(`SELECT ${CLAIM_COLUMNS} FROM messages WHERE ${PENDING} AND next_attempt_at <= ? AND ${NOT_SUSPENDED} AND ${NOT_BEHIND}
            ${notIn(excludeProfiles)} ${admitted.sql} ORDER BY priority, next_attempt_at LIMIT ?`)
        : this.statements.due;
    return this.db.transaction(() => {
      const candidates = due.all(now, this.host, now, ...excludeProfiles, ...admitted.params, limit) as ClaimRow[];
      return candidates.map((row) => this.lease(row, now, leaseMs, owner));
    }).immediate();
  }

  /** Leases one candidate row; call inside a transaction. */
  private lease(row: ClaimRow, now: number, leaseMs: LeaseLength, owner: string): OutgoingMessage {
    // Still `sending` with its lease run out: whoever held it died (or could not record the
    // result) with the outcome unknown. The server may have accepted the message before that, so
    // the attempt is recorded as ambiguous and the message flagged before it is sent again.
    if (row.state === 'sending') this.recordUnrecordedAttempt(row);
    return toOutgoing(this.statements.lease.get(owner, now + leaseFor(leaseMs, row.profile), now, row.id) as LeasedRow);
  }

  private recordUnrecordedAttempt(row: ClaimRow): void {
    const detail = `no outcome was recorded: the process delivering it${row.lease_owner ? ` (${row.lease_owner})` : ''} stopped, or could not record the result, before its lease ended; the server may already have the message, so it is sent again flagged as a possible duplicate`;
    this.statements.unrecorded.run({ id: row.id, detail });
    this.statements.insertAttempt.run(row.id, row.updated_at, Math.max(0, row.next_attempt_at - row.updated_at), 'unknown', null, 'ambiguous', null, null, detail, null, '', null);
  }

  async claimById(id: string, now: number, leaseMs: LeaseLength, owner: string): Promise<OutgoingMessage | undefined> {
    return this.db.transaction(() => {
      const row = this.statements.byIdPending.get(id) as ClaimRow | undefined;
      if (!row) return undefined;
      const pending = row.state === 'queued' || row.state === 'deferred' || (row.state === 'sending' && row.next_attempt_at <= now);
      if (!pending) return undefined;
      return this.lease(row, now, leaseMs, owner);
    }).immediate();
  }

  async complete(results: AttemptResult[], now: number): Promise<void> {
    if (results.length === 0) return;
    this.db.transaction(() => {
      for (const r of results) {
        const { outcome } = r.attempt;
        const applied = this.statements.applyDecision.run({
          id: r.attempt.messageId,
          owner: r.owner,
          state: r.state,
          nextAttemptAt: r.nextAttemptAt,
          outcome: outcome.kind,
          error: outcome.kind === 'accepted' ? null : outcome.reply ? `${outcome.detail} (${formatReply(outcome.reply)})` : outcome.detail,
          possibleDuplicate: r.possibleDuplicate ? 1 : 0,
          host: r.attempt.host ?? null,
          now,
        });
        // The attempt is history whatever became of the lease, so it is always recorded.
        this.statements.insertAttempt.run(
          r.attempt.messageId,
          r.attempt.startedAt,
          Math.round(r.attempt.durationMs),
          r.attempt.transport,
          outcome.server ?? null,
          applied.changes === 1 ? outcome.kind : `${outcome.kind} (lease lost)`,
          outcome.reply?.code ?? null,
          outcome.reply ? formatReply(outcome.reply) : null,
          outcome.detail,
          outcome.errorCode ?? null,
          outcome.transcript,
          r.attempt.host ?? null,
        );
      }
    }).immediate();
  }

  async release(ids: string[], owner: string, now: number): Promise<void> {
    this.db.transaction(() => {
      for (const id of ids) this.statements.release.run(now, now, id, owner);
    }).immediate();
  }

  async expireOlderThan(createdBefore: number, now: number): Promise<string[]> {
    return (this.statements.expire.all(now, createdBefore, now) as { id: string }[]).map((r) => r.id);
  }

  async nextDueAt(excludeProfiles: readonly string[] = [], scope?: string | ClaimScope): Promise<number | undefined> {
    const admitted = ofScope(scope);
    const row = (
      excludeProfiles.length || scope !== undefined
        ? this.db
            .prepare(`SELECT MIN(${DUE_AFTER_SUSPENSION}) AS at FROM ${WITH_SUSPENSIONS} WHERE ${PENDING} AND ${NOT_BEHIND}
              ${notIn(excludeProfiles)} ${admitted.sql}`)
            .get(this.host, ...excludeProfiles, ...admitted.params)
        : this.statements.nextDue.get(this.host)
    ) as { at: number | null };
    return row.at ?? undefined;
  }

  async get(id: string): Promise<StoredMessage | undefined> {
    const row = this.statements.get.get(id) as MessageRow | undefined;
    return row ? toStored(row) : undefined;
  }

  async raw(id: string): Promise<Buffer | undefined> {
    return (this.statements.raw.get(id) as { raw: Buffer } | undefined)?.raw;
  }

  async attempts(id: string): Promise<AttemptRow[]> {
    return (this.statements.attempts.all(id) as Record<string, unknown>[]).map((r) => ({
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
    if (filter.states?.length) {
      where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
      params.push(...filter.states);
    }
    if (filter.createdBefore !== undefined) {
      where.push(`${PENDING} AND created_at < ?`);
      params.push(filter.createdBefore);
    }
    if (filter.profile) {
      where.push('profile = ?');
      params.push(filter.profile);
    }
    if (filter.host !== undefined) {
      where.push('host = ?');
      params.push(filter.host);
    }
    if (filter.dedupeKey !== undefined) {
      where.push('dedupe_key = ?');
      params.push(filter.dedupeKey);
    }
    if (filter.maxPriority !== undefined) {
      where.push('priority <= ?');
      params.push(filter.maxPriority);
    }
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT ?`;
    params.push(filter.limit ?? 100);
    return (this.db.prepare(sql).all(...params) as MessageRow[]).map(toStored);
  }

  async countByState(): Promise<Partial<Record<MessageState, number>>> {
    const counts: Partial<Record<MessageState, number>> = {};
    for (const row of this.statements.counts.all() as { state: MessageState; n: number }[]) counts[row.state] = row.n;
    return counts;
  }

  async suspendRoute(profile: string, until: number, reason: string, now: number): Promise<void> {
    this.statements.suspend.run({ host: this.host, profile, until, reason, now });
  }

  async routeSuspension(profile: string, now: number): Promise<RouteSuspension | undefined> {
    return this.statements.suspension.get(this.host, profile, now) as RouteSuspension | undefined;
  }

  async makeDue(profile: string, now: number): Promise<number> {
    return this.statements.makeDue.run(now, profile).changes;
  }

  async retry(id: string, now: number): Promise<StoredMessage> {
    return this.db.transaction(() => {
      const row = this.statements.byIdPending.get(id) as { state: string; next_attempt_at: number } | undefined;
      if (!row) throw new VigilError('ERR_OUTBOX_NOT_FOUND', `no message with id ${id} in the Outbox`, { hint: 'List messages with `vigil outbox list`.' });
      if (row.state === 'sending' && row.next_attempt_at > now) {
        throw new VigilError('ERR_OUTBOX_STATE', `message ${id} is being delivered right now`, { hint: 'Wait for the attempt to finish, then retry.' });
      }
      if (row.state === 'sent') {
        throw new VigilError('ERR_OUTBOX_STATE', `message ${id} was already accepted by the server`, { hint: 'Sending it again would deliver a duplicate.' });
      }
      this.statements.retry.run(now, now, id);
      this.statements.endSuspension.run({ host: this.host, id, now });
      return toStored(this.statements.get.get(id) as MessageRow);
    }).immediate();
  }

  async fail(id: string, reason: string, now: number): Promise<void> {
    this.statements.fail.run(reason, now, id);
  }
}


function leaseFor(leaseMs: LeaseLength, profile: string): number {
  return typeof leaseMs === 'number' ? leaseMs : leaseMs(profile);
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
 * The messages a claim scope admits (ClaimScope): this host's, those of no recorded host (from
 * before hosts were recorded), and a gone host's whose fingerprint this host has for that name.
 */
function ofScope(scope: string | ClaimScope | undefined): { sql: string; params: unknown[] } {
  if (scope === undefined) return { sql: '', params: [] };
  const { host, goneHosts, pairs } = scopeTerms(scope);
  if (!pairs.length) return { sql: 'AND (host IS NULL OR host = ?)', params: [host] };
  return {
    sql: `AND (host IS NULL OR host = ? OR (host IN (${goneHosts.map(() => '?').join(', ')})
      AND (${pairs.map(() => '(profile = ? AND fingerprint = ?)').join(' OR ')})))`,
    params: [host, ...goneHosts, ...pairs.flat()],
  };
}

function notIn(profiles: readonly string[]): string {
  return profiles.length ? `AND profile NOT IN (${profiles.map(() => '?').join(', ')})` : '';
}
