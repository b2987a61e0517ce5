import { prepared, type Queryable } from './database.js';
import type { LeaseLength } from '../ports/outbox-store.js';
import type { OutgoingMessage } from '../../domain/message.js';
import { toOutgoing, type LeasedRow } from '../rows/leased-row.js';

/**
 * The Outbox's claim on PostgreSQL as ONE statement, whatever the batch size: the due candidates
 * are locked with FOR UPDATE SKIP LOCKED (hosts claiming together take different messages
 * without waiting on one another), leased, and — for those still `sending` with a lease that ran
 * out — recorded as an ambiguous attempt, all in one round trip. It was a statement per message
 * plus BEGIN/COMMIT: with three hosts the database spent more CPU on claims than on anything else.
 */

/** What a candidate must satisfy, as SQL over `messages` whose parameters are already placed. */
export interface ClaimQuery {
  /** Conditions after WHERE (without ORDER BY / LIMIT). */
  where: string;
  params: unknown[];
  limit: number;
  /**
   * Disjoint parts of the candidates (conditions added to `where`, e.g. one per host of a claim
   * scope): each is walked in claim order on its own and the most urgent of their first `limit`
   * taken. One ordered index walk per part, where an OR of them is one walk that filters.
   */
  parts?: string[];
}


// A message still `sending` whose lease ran out: whoever held it died (or could not record the
// result) with the outcome unknown; the server may already have it (see the SQLite store).
const UNRECORDED_BEFORE = 'no outcome was recorded: the process delivering it';
const UNRECORDED_AFTER =
  ' stopped, or could not record the result, before its lease ended; the server may already have the message, so it is sent again flagged as a possible duplicate';

/**
 * A profile whose lease length this store has not looked up yet is leased this long in the claim,
 * then set to its own length at once: too long only delays a crashed attempt's retry, never
 * lets a second host send while the first is still at it.
 */
const FIRST_SIGHT_LEASE_MS = 15 * 60_000;

/**
 * Leases the candidates of `query` to `owner` in one statement; returned most urgent first.
 * `profilesSeen` lets a per-profile lease length be placed in the statement: profiles met for the
 * first time get FIRST_SIGHT_LEASE_MS, then their own length in a second statement (once each).
 */
export async function claimBatch(db: Queryable, query: ClaimQuery, now: number, leaseMs: LeaseLength, owner: string, profilesSeen: Set<string>): Promise<OutgoingMessage[]> {
  const known = typeof leaseMs === 'number' ? [] : [...profilesSeen];
  const lengths = known.map((profile) => (leaseMs as (p: string) => number)(profile));
  const fallback = typeof leaseMs === 'number' ? leaseMs : Math.max(FIRST_SIGHT_LEASE_MS, ...lengths);
  const params = [...query.params];
  const param = (value: unknown) => `$${params.push(value)}`;
  const [nowP, ownerP] = [param(now), param(owner)];
  const lease = `${nowP}::bigint + COALESCE((SELECT l.ms FROM unnest(${param(known)}::text[], ${param(lengths)}::bigint[]) AS l(profile, ms) WHERE l.profile = m.profile), ${param(fallback)}::bigint)`;
  const unrecorded = `${param(UNRECORDED_BEFORE)} || COALESCE(' (' || due.was_owner || ')', '') || ${param(UNRECORDED_AFTER)}`;
  const rows = await db.rows<LeasedRow>(
    prepared(`WITH ${dueCandidates(query, param(query.limit))}, leased AS (
       UPDATE messages m SET state = 'sending', lease_owner = ${ownerP}, next_attempt_at = ${lease}, updated_at = ${nowP},
         attempts = m.attempts + CASE WHEN due.was = 'sending' THEN 1 ELSE 0 END,
         possible_duplicate = CASE WHEN due.was = 'sending' THEN 1 ELSE m.possible_duplicate END,
         last_outcome = CASE WHEN due.was = 'sending' THEN 'ambiguous' ELSE m.last_outcome END,
         last_error = CASE WHEN due.was = 'sending' THEN ${unrecorded} ELSE m.last_error END
       FROM due WHERE m.id = due.id
       RETURNING m.id, m.message_id, m.profile, m.sender, m.recipients, m.raw, m.created_at, due.priority, due.was_due, due.was, due.was_updated, m.last_error
     ), unrecorded AS (
       INSERT INTO attempts (message, started_at, duration_ms, transport, server, outcome, reply_code, reply_text, detail, error_code, transcript, host)
       SELECT id, was_updated, GREATEST(0, was_due - was_updated), 'unknown', NULL, 'ambiguous', NULL, NULL, last_error, NULL, '', NULL
       FROM leased WHERE was = 'sending' ORDER BY priority, was_due
     )
     SELECT id, message_id, profile, sender, recipients, raw, created_at FROM leased ORDER BY priority, was_due`),
    params,
  );
  if (typeof leaseMs !== 'number') await leaseFirstSeen(db, rows, now, leaseMs, owner, profilesSeen);
  return rows.map(toOutgoing);
}

/**
 * The `due` CTE: the candidates, locked (FOR UPDATE SKIP LOCKED re-reads a row changed meanwhile,
 * so what the lease is decided on is the row's current state). With parts, each part locks its own
 * first `limit` and the most urgent `limit` of them are leased; the rest are let go at the
 * statement's commit, unchanged.
 */
function dueCandidates(query: ClaimQuery, limit: string): string {
  const candidates = (where: string) => `SELECT id, priority, state AS was, next_attempt_at AS was_due, lease_owner AS was_owner, updated_at AS was_updated FROM messages
       WHERE ${where} ORDER BY priority, next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
  if (!query.parts?.length) return `due AS (${candidates(query.where)})`;
  const parts = query.parts.map((part, i) => `part${i} AS (${candidates(`${query.where} AND ${part}`)})`);
  const union = query.parts.map((_part, i) => `SELECT * FROM part${i}`).join(' UNION ALL ');
  return `${parts.join(', ')}, due AS (SELECT * FROM (${union}) candidates ORDER BY priority, was_due LIMIT ${limit})`;
}

/** Gives messages of profiles met for the first time their own lease length (see FIRST_SIGHT_LEASE_MS). */
async function leaseFirstSeen(db: Queryable, rows: LeasedRow[], now: number, leaseMs: (profile: string) => number, owner: string, profilesSeen: Set<string>): Promise<void> {
  const fresh = rows.filter((r) => !profilesSeen.has(r.profile));
  if (!fresh.length) return;
  for (const r of fresh) profilesSeen.add(r.profile);
  await db.run(
    `UPDATE messages m SET next_attempt_at = l.until FROM unnest($1::text[], $2::bigint[]) AS l(id, until)
     WHERE m.id = l.id AND m.state = 'sending' AND m.lease_owner = $3`,
    [fresh.map((r) => r.id), fresh.map((r) => now + leaseMs(r.profile)), owner],
  );
}

