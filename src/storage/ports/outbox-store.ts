import type { MessageState, StoredMessage, OutgoingMessage, Severity } from '../../domain/message.js';
import type { DeliveryOutcome } from '../../domain/outcome.js';

/** A rendered message ready to be stored (see src/outbox/render.ts). */
export interface NewMessage {
  id: string;
  messageId: string;
  kind: string;
  severity: Severity;
  priority: number;
  profile: string;
  dedupeKey: string | null;
  envelope: { from: string; to: string[] };
  subject: string;
  raw: Buffer;
  createdAt: number;
  /**
   * Delivery order (MessageRequest.sequence): while a message of the same sequence enqueued
   * before this one is pending, claimDue skips this one and nextDueAt does not count it.
   */
  sequence?: string | null;
  /** The host that enqueues it (hosts sharing one store tell their messages apart by it). */
  host?: string | null;
  /**
   * The fingerprint of the Mail Profile or channel it is for, on the host that enqueues it
   * (src/app/profile-fingerprint.ts: a hash, never a secret). When that host is gone, another
   * host delivers it only with a profile of the same name and fingerprint (ClaimScope). Null:
   * never handed over (pings, which speak for their own host).
   */
  fingerprint?: string | null;
}

export interface AttemptRecord {
  messageId: string;
  startedAt: number;
  durationMs: number;
  transport: string;
  outcome: DeliveryOutcome;
  /** The host that made the attempt (with a shared Outbox, not always the one that enqueued it). */
  host?: string | null;
}

/** What the dispatcher decided after an attempt: applied together with its attempt record. */
export interface AttemptResult {
  attempt: AttemptRecord;
  state: MessageState;
  nextAttemptAt: number;
  possibleDuplicate: boolean;
  /** Lease owner that claimed the message; the result is ignored if the lease moved on. */
  owner: string;
}

export interface AttemptRow {
  startedAt: number;
  durationMs: number;
  transport: string;
  server: string | null;
  outcome: string;
  replyCode: number | null;
  replyText: string | null;
  detail: string;
  errorCode: string | null;
  transcript: string;
  /** The host that made the attempt; null for attempts from before migration 37 and unrecorded ones. */
  host: string | null;
}

export interface OutboxFilter {
  states?: MessageState[];
  /** Pending messages created before this instant (the "stuck" view). */
  createdBefore?: number;
  profile?: string;
  /** Only the messages this host enqueued. */
  host?: string;
  /** Messages with this dedupe key, in any state (notification's crash recovery). */
  dedupeKey?: string;
  /** Only messages at least this urgent (priority <= maxPriority; PRIORITY.critical is 0). */
  maxPriority?: number;
  limit?: number;
}

export interface RouteSuspension {
  profile: string;
  since: number;
  until: number;
  reason: string;
}

/**
 * Which messages a host of a shared store (a PostgreSQL fleet) claims (docs/fleet.md, "The
 * shared Outbox"): its own, those that record no host, and — handed over by hosts that are gone
 * (silent, or stopped past their grace) — those whose recorded fingerprint is the one this host
 * has for a profile or channel of the same name, so no host sends with credentials it does not
 * have. A bare host name is the scope without hand-over.
 */
export interface ClaimScope {
  host: string;
  handOver?: {
    /** The hosts that are gone (never `host` itself: its messages are its own anyway). */
    hosts: readonly string[];
    /** This host's fingerprint per profile name (`office`, `channel:ops`) it can deliver. */
    fingerprints: Readonly<Record<string, string>>;
  };
}

/** How long a claim holds a message: one length for all, or one per profile. */
export type LeaseLength = number | ((profile: string) => number);

export interface OutboxStore {
  /**
   * Stores messages durably (the call returns only once they survive a crash). A message whose
   * dedupeKey matches a pending message is not stored: its result names that message in
   * `duplicateOf`. Results are in the order of `messages`.
   */
  enqueue(messages: NewMessage[]): Promise<Array<{ id: string; duplicateOf?: string }>>;

  /**
   * Leases up to `limit` due messages (pending, nextAttemptAt <= now, or a lease that expired),
   * most urgent first, to `owner` until `now + leaseMs` (per message's profile when a function:
   * a fast profile's crashed attempt must not wait for the slowest profile's lease).
   * A leased message is invisible to other claimers until its lease expires — so a process that
   * dies mid-delivery loses nothing. `excludeProfiles` are skipped (paused profiles), and so are
   * suspended routes (see suspendRoute). With a `scope`, only the messages it admits are claimed
   * (see ClaimScope): hosts sharing one store never send another live host's message, nor a gone
   * host's with a Mail Profile or channel of the same name that holds other settings. A message
   * handed over is claimed under the same lease as any other, so a gone host that comes back
   * finds it leased (or sent) and leaves it: each is delivered once.
   */
  claimDue(now: number, limit: number, leaseMs: LeaseLength, owner: string, excludeProfiles?: readonly string[], scope?: string | ClaimScope): Promise<OutgoingMessage[]>;

  /** Leases one message by id regardless of its due time (used by `vigil mail test`). */
  claimById(id: string, now: number, leaseMs: LeaseLength, owner: string): Promise<OutgoingMessage | undefined>;

  /**
   * Records attempts and applies decisions in one transaction. Results whose lease was lost are
   * skipped. A message sent (or queued locally) records its attempt's host as `deliveredBy`.
   */
  complete(results: AttemptResult[], now: number): Promise<void>;

  /** Gives back leased messages unattempted (graceful shutdown), due immediately. Only `owner`'s leases: others are left alone. */
  release(ids: string[], owner: string, now: number): Promise<void>;

  /** Pending messages older than `createdBefore` become `expired`; returns their ids. */
  expireOlderThan(createdBefore: number, now: number): Promise<string[]>;

  /** The earliest time a pending message becomes due, or undefined when none is pending; `scope` as in claimDue. */
  nextDueAt(excludeProfiles?: readonly string[], scope?: string | ClaimScope): Promise<number | undefined>;

  get(id: string): Promise<StoredMessage | undefined>;
  raw(id: string): Promise<Buffer | undefined>;
  attempts(id: string): Promise<AttemptRow[]>;
  list(filter: OutboxFilter): Promise<StoredMessage[]>;
  countByState(): Promise<Partial<Record<MessageState, number>>>;

  /**
   * Suspends a route: no message of `profile` is claimed by claimDue (any process) before `until`,
   * and nextDueAt counts its messages as due at `until`. Its probe just failed and trying each
   * message would only repeat the failure; nothing is written per message, nothing is attempted.
   * A later call replaces the suspension; `until <= now` lifts it.
   */
  suspendRoute(profile: string, until: number, reason: string, now: number): Promise<void>;

  /** The route's suspension, if one is in force at `now`. */
  routeSuspension(profile: string, now: number): Promise<RouteSuspension | undefined>;

  /**
   * Makes every pending, unleased message of `profile` due at once, each as of its creation, so
   * claims take them oldest first within a priority and ahead of anything enqueued since (a
   * profile that recovers sends what it held back before a later recovery notice). Idempotent;
   * returns how many messages moved.
   */
  makeDue(profile: string, now: number): Promise<number>;

  /**
   * Makes a message due now again (any state but `sending` with a live lease, and `sent`: sending
   * it again would deliver a duplicate; both refused with ERR_OUTBOX_STATE). A person asking for
   * a retry asks for the route to be tried: a suspension of the message's route ends too, so the
   * retried message is the route's next probe instead of waiting out the breaker's backoff.
   */
  retry(id: string, now: number): Promise<StoredMessage>;

  /** Ends a pending message as failed without another attempt (e.g. a test message). */
  fail(id: string, reason: string, now: number): Promise<void>;
}
