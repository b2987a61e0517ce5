import { setMaxListeners } from 'node:events';
import type { Clock } from '../domain/clock.js';
import type { EventSink } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import type { OutgoingMessage } from '../domain/message.js';
import type { DeliveryOutcome } from '../domain/outcome.js';
import { decideAfterAttempt, type Decision, type RetryPolicy } from '../domain/retry-policy.js';
import { RouteBreaker } from '../domain/route-breaker.js';
import type { Transport } from '../domain/transport.js';
import type { AttemptResult, ClaimScope, OutboxStore } from '../storage/ports/outbox-store.js';
import type { ProfileStateStore } from '../storage/ports/profile-state-store.js';
import { sendGuarded, TRANSPORT_GRACE_MS } from './guarded-send.js';
import { ProfilePauses } from './profile-pauses.js';
import { ResultWriter } from './result-writer.js';

/** Which transport delivers a profile's messages, and how long one attempt may take. */
export interface TransportResolver {
  /** Undefined when the profile no longer exists in the configuration. */
  transportFor(profile: string): Transport | undefined;
  /** Upper bound of one `send` for this profile (all servers of a failover included);
   * without a profile, the largest over all profiles. */
  attemptDeadlineMs(profile?: string): number;
}

export interface DispatcherOptions {
  store: OutboxStore;
  profiles: ProfileStateStore;
  transports: TransportResolver;
  clock: Clock;
  policy: RetryPolicy;
  /** Messages in flight at once. */
  concurrency: number;
  /**
   * Claims wait until this many slots are free (default 1: each freed slot is refilled at once).
   * On a shared database a claim is a round trip and a statement other hosts wait behind, so
   * there claims take several messages at once; in-process SQLite a claim costs little.
   */
  claimWhenFree?: number;
  /** Lease owner name: unique per process. */
  owner: string;
  /** This host: recorded with each attempt, so a message says which host delivered it. */
  host?: string;
  /**
   * Set when hosts share the store (PostgreSQL): which messages this host claims — its own, and
   * those a gone host handed over that it has the same profile for (docs/fleet.md). Unset: every
   * message (one host per store).
   */
  claims?: ClaimScopeSource;
  events: EventSink;
  log: Logger;
}

/** A claim scope as of a look at the fleet, and when to look again without a due message. */
export interface ClaimScopeLook {
  scope: ClaimScope;
  /** When another host could start to hand its messages over (see handsOverFrom). */
  recheckAt?: number;
}

/** Which messages this host of a shared store may claim now (src/app/outbox-hand-over.ts). */
export interface ClaimScopeSource {
  look(now: number): Promise<ClaimScopeLook>;
}

export interface PassReport {
  attempted: number;
  sent: number;
  deferred: number;
  failed: number;
  expired: number;
}

export interface AttemptReport {
  message: OutgoingMessage;
  outcome: DeliveryOutcome;
  result: AttemptResult;
}

/** The dispatcher loop's longest sleep between passes. */
export const LOOP_MAX_SLEEP_MS = 60_000;

// How long a result may wait for those of the attempts still sending, to share their write: far
// below any lease, and a slow attempt never holds the others' results longer than this.
const RESULT_LINGER_MS = 10;

// A route that failed its probe is tried again after 15 s, then 30 s, … up to outbox.minBackoff.
const ROUTE_FIRST_BACKOFF_MS = 15_000;

/**
 * Moves messages from the Outbox to their transports. Claims are leases, so a dispatcher that
 * dies mid-delivery loses nothing: the lease expires and the next pass takes the message.
 * Nothing escapes a pass: every attempt ends as a row, and background errors are logged.
 */
export class Dispatcher {
  private readonly writer: ResultWriter;
  private readonly shutdown = new AbortController();
  private stopping = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeResolve: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Attempts in flight whose result has not reached the writer yet (ResultBatching.sending). */
  private sending = 0;

  /** Per profile: one message probes a route not known to work; a failed probe holds the rest. */
  private readonly routes: RouteBreaker;
  private readonly pauses: ProfilePauses;
  /** Claims are made once this few attempts or fewer are in flight (see runPass). */
  private readonly refillAt: number;
  /** The claim scope of the current (or last) pass, when the store is shared. */
  private scope: ClaimScopeLook | undefined;

  constructor(private readonly o: DispatcherOptions) {
    // Where claims come in batches (a shared database), results are written in batches of that
    // size too: one statement and commit per batch, not one per result or two.
    const claimBatch = Math.max(1, o.claimWhenFree ?? 1);
    this.writer = new ResultWriter(o.store, o.clock, o.log, claimBatch > 1 ? { batch: claimBatch, sending: () => this.sending, lingerMs: RESULT_LINGER_MS } : undefined);
    this.refillAt = o.concurrency - Math.min(o.concurrency, Math.max(1, o.claimWhenFree ?? 1));
    this.pauses = new ProfilePauses({ profiles: o.profiles, store: o.store, clock: o.clock, log: o.log, onResumed: () => this.wake() });
    this.routes = new RouteBreaker({ firstMs: Math.min(ROUTE_FIRST_BACKOFF_MS, o.policy.minBackoffMs), maxMs: o.policy.minBackoffMs });
    // Every attempt in flight listens on the shutdown signal (a transport and its request, a few
    // each) and lets go when it ends: with outbox.concurrency above a handful, Node's default
    // of 10 warned of a leak that is not one. The bound still catches a real leak.
    setMaxListeners(Math.max(10, o.concurrency * 4), this.shutdown.signal);
  }

  /** Delivers everything due now, then returns. `vigil outbox deliver` and tests use this. */
  async runPass(): Promise<PassReport> {
    const report: PassReport = { attempted: 0, sent: 0, deferred: 0, failed: 0, expired: 0 };
    const now = this.o.clock.now();
    const expired = await this.o.store.expireOlderThan(now - this.o.policy.maxAgeMs, now);
    if (expired.length) {
      report.expired += expired.length;
      this.o.events.emit({ kind: 'delivery.expired', messageIds: expired, at: now });
    }
    const paused = await this.pauses.paused();
    // Who is gone is read once a pass: a host that dies mid-pass is taken over at the next one.
    this.scope = await this.o.claims?.look(now);
    let exhausted = false;
    while (!this.stopping) {
      // With claimWhenFree, claims refill several slots at once, not each slot as it frees: one
      // claim (on PostgreSQL a statement and a round trip) then covers several messages.
      while (!exhausted && !this.stopping && this.inFlight.size <= this.refillAt) {
        const claimedAt = this.o.clock.now();
        const wanted = this.o.concurrency - this.inFlight.size;
        const batch = await this.o.store.claimDue(claimedAt, wanted, this.leaseMs, this.o.owner, [...paused, ...this.routes.excluded(claimedAt)], this.scope?.scope);
        if (batch.length < wanted) exhausted = true;
        // Claims come most urgent first, so a route's probe is its most urgent message; the rest
        // of that route in this batch go back unattempted until the probe has answered.
        const held: string[] = [];
        for (const message of batch) {
          if (this.routes.admit(message.profile, claimedAt) === 'hold') held.push(message.id);
          else this.track(this.deliver(message).then((r) => tally(report, r)));
        }
        if (held.length) await this.o.store.release(held, this.o.owner, claimedAt);
      }
      if (this.inFlight.size === 0) break;
      await Promise.race(this.inFlight);
      this.lastProgressAt = this.o.clock.now();
      exhausted = false; // a slot freed: look again, new messages may have arrived
    }
    await this.writer.flush();
    return report;
  }

  /**
   * Claims one message by id and delivers it now, even if its profile is paused (this is how
   * `vigil mail test` proves a fixed profile). Undefined when another process holds it.
   */
  async deliverNow(id: string): Promise<AttemptReport | undefined> {
    const now = this.o.clock.now();
    const message = await this.o.store.claimById(id, now, this.leaseMs, this.o.owner);
    if (!message) return undefined;
    const report = await this.deliver(message);
    await this.writer.flush();
    return report;
  }

  /**
   * Lifts a profile's pause (a test message got through) and makes every message it held back
   * due at once, oldest critical first (see ProfilePauses).
   */
  resume(profile: string): Promise<void> {
    return this.pauses.resume(profile);
  }

  /**
   * When the loop last made progress (a pass ended, an attempt finished): the service's watchdog
   * reads it. Between passes the loop sleeps at most LOOP_MAX_SLEEP_MS.
   */
  lastProgressAt: number | undefined;

  /** Runs passes until stop(): after each, sleeps until the next message is due or wake(). */
  start(): void {
    this.loop ??= this.runForever();
  }

  /** A message was enqueued: deliver it without waiting for the timer. */
  wake(): void {
    this.wakeResolve?.();
  }

  /**
   * Stops claiming, lets in-flight attempts finish for up to `graceMs`, then aborts them (an
   * abort after the data was sent is recorded as ambiguous) and writes every result.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.wake();
    const settled = Promise.allSettled([...this.inFlight]);
    const timer = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([settled, timer]);
    this.shutdown.abort();
    await settled;
    await this.loop;
    await this.writer.flush();
  }

  /*
   * Not the schedulers' PassLoop (src/platform/pass-loop.ts), on purpose: delivery needs what a
   * schedule does not — wake() ends the sleep at once (a message just enqueued goes out now, not
   * at the next timer), the next due time is read from the store (async), a pass may follow the
   * last one with no minimum gap (PassLoop keeps 250 ms, and arrives 50 ms late), a failed pass
   * backs off 5 s, and stop() awaits the pass in progress. Folding those into PassLoop would change
   * either the schedulers' timing or delivery latency (issue 14 item 4).
   */
  private async runForever(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.runPass();
        this.lastProgressAt = this.o.clock.now();
      } catch (error) {
        this.o.log.error('delivery pass failed; retrying shortly', { error: (error as Error).message });
        await this.sleep(5_000);
        continue;
      }
      if (this.stopping) break;
      const now = this.o.clock.now();
      const next = await this.o.store.nextDueAt([...(await this.pauses.paused()), ...this.routes.excluded(now)], this.scope?.scope).catch(() => undefined);
      const pauseEnds = await this.pauses.nextEnd();
      const wakeAt = Math.min(next ?? Infinity, pauseEnds ?? Infinity, this.routes.nextProbeAt(now) ?? Infinity, this.scope?.recheckAt ?? Infinity);
      // Sleep until then, but never longer than a minute: another process may enqueue too.
      await this.sleep(Math.max(0, Math.min(wakeAt - this.o.clock.now(), LOOP_MAX_SLEEP_MS)));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeResolve = () => {
        clearTimeout(this.wakeTimer);
        this.wakeResolve = undefined;
        resolve();
      };
      this.wakeTimer = setTimeout(() => this.wakeResolve?.(), ms);
    });
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /**
   * Long enough for the message's own profile's slowest attempt: a lease that expires too early
   * would let a second process send the same message while the first is still at it, and one
   * sized for the slowest profile would keep a crashed SMTP delivery waiting minutes to resume.
   */
  private readonly leaseMs = (profile: string): number => this.o.transports.attemptDeadlineMs(profile) + TRANSPORT_GRACE_MS * 2;

  private async deliver(message: OutgoingMessage): Promise<AttemptReport> {
    this.sending++;
    let attempted: { outcome: DeliveryOutcome; decision: Decision; result: AttemptResult; now: number };
    try {
      attempted = await this.attempt(message);
    } finally {
      this.sending--; // its result goes to the writer next (or, on a bug, never: not waited for)
    }
    const { outcome, decision, result, now } = attempted;
    // A result that cannot be written is logged by the writer; the lease expiry retries it.
    // The database refusing writes is a service fault: notification alerts around the Outbox.
    await this.writer.write(result).catch((error: unknown) => {
      const code = (error as { code?: string }).code;
      this.o.events.emit({
        kind: 'service.fault',
        fault: code === 'SQLITE_FULL' ? 'disk-full' : 'database-unwritable',
        detail: `cannot record delivery results in the database: ${(error as Error).message}`,
        set: null,
        at: now,
      });
    });
    if (decision.pauseProfile) {
      const until = now + this.o.policy.maxBackoffMs;
      await this.pauses.pause(message.profile, until, outcome.detail);
      this.o.events.emit({ kind: 'delivery.paused', profile: message.profile, reason: outcome.detail, until, at: now });
    }
    if (decision.state === 'sent' || decision.state === 'queued-locally') {
      this.o.events.emit({ kind: 'delivery.sent', messageId: message.id, profile: message.profile, at: now });
    } else if (decision.state === 'failed' || decision.state === 'expired') {
      const stored = await this.o.store.get(message.id);
      this.o.events.emit({
        kind: 'delivery.failed',
        messageId: message.id,
        profile: message.profile,
        messageKind: stored?.kind ?? 'unknown',
        severity: stored?.severity ?? 'info',
        outcome,
        at: now,
      });
    }
    return { message, outcome, result };
  }

  /** One attempt and its decision, up to the result to record. */
  private async attempt(message: OutgoingMessage): Promise<{ outcome: DeliveryOutcome; decision: Decision; result: AttemptResult; now: number }> {
    const startedAt = this.o.clock.now();
    const started = performance.now();
    const transport = this.o.transports.transportFor(message.profile);
    const outcome = transport ? await sendGuarded(transport, message, this.shutdown.signal, this.o.transports.attemptDeadlineMs(message.profile)) : unknownProfile(message.profile);
    const durationMs = performance.now() - started;
    const now = this.o.clock.now();
    await this.noteRoute(message.profile, outcome, now);
    const decision = decideAfterAttempt(outcome, message, now, this.o.policy);
    const result: AttemptResult = {
      attempt: { messageId: message.id, startedAt, durationMs, transport: transport?.kind ?? 'none', outcome, host: this.o.host ?? null },
      state: decision.state,
      nextAttemptAt: decision.nextAttemptAt,
      possibleDuplicate: decision.possibleDuplicate,
      owner: this.o.owner,
    };
    return { outcome, decision, result, now };
  }

  /**
   * Feeds the route's breaker. When this failure takes the route down, the route is suspended in
   * the store until the next probe — one row, not a write per message — so no process tries its
   * other messages before then; when a probe gets through, the suspension is lifted.
   */
  private async noteRoute(profile: string, outcome: DeliveryOutcome, now: number): Promise<void> {
    const change = this.routes.record(profile, outcome, now);
    if (!change) return;
    const until = change.kind === 'down' ? change.until : now;
    const reason = change.kind === 'down' ? change.reason : 'the route works again';
    await this.o.store.suspendRoute(profile, until, reason, now).catch((error: unknown) => {
      // Not fatal: this process keeps the route out of its own claims until then anyway.
      this.o.log.error('could not record the state of a delivery route', { error: (error as Error).message });
    });
    if (change.kind === 'down') {
      this.o.log.warn(`profile ${profile}: one message was tried and failed (${change.reason}); its other messages wait until ${new Date(until).toISOString()} without being tried`);
    }
  }
}

function unknownProfile(profile: string): DeliveryOutcome {
  // Kept and retried, not failed: restoring the profile in vigil.yaml delivers the message.
  return { kind: 'temporary', detail: `profile "${profile}" is not in the configuration`, errorCode: 'ERR_PROFILE_UNKNOWN', transcript: '' };
}

function tally(report: PassReport, attempt: AttemptReport): void {
  report.attempted++;
  const state = attempt.result.state;
  if (state === 'sent' || state === 'queued-locally') report.sent++;
  else if (state === 'failed') report.failed++;
  else if (state === 'expired') report.expired++;
  else report.deferred++;
}
