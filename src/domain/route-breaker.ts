import type { DeliveryOutcome } from './outcome.js';

/**
 * A circuit breaker per route (a profile's transport: its servers in failover order, or another
 * transport kind). During an outage, sending every queued message only repeats the same failure:
 * 100,000 messages made 200,000 connection attempts in a 60 s outage. So a route that is not known
 * to work gets one message first (a probe: the most urgent, as claims are ordered); while the probe
 * is out the route's other messages are held back, and when it fails the route is down for a
 * while (15 s, doubling up to a cap) and its messages wait without being tried.
 * Pure: time comes in as numbers; the dispatcher does the I/O.
 */
export type RouteState =
  /** Not known to work (at start, or once a down period has passed): the next message probes. */
  | { kind: 'unproven' }
  | { kind: 'probing' }
  | { kind: 'up' }
  | { kind: 'down'; until: number; reason: string };

export interface RouteBackoff {
  firstMs: number;
  maxMs: number;
}

export type RouteChange = { kind: 'down'; until: number; reason: string } | { kind: 'up' };

/** What to do with a claimed message of a route. */
export type Admission = 'send' | 'probe' | 'hold';

/**
 * The failure says the route, not this message, is the problem: nothing answered at all (refused
 * or dropped connection, no greeting, a name that does not resolve, a stalled peer), or the server
 * said it is not available (421). A reply about the message (450 mailbox busy) proves the route works.
 */
export function isRouteFailure(outcome: DeliveryOutcome): boolean {
  return outcome.kind === 'temporary' && (outcome.reply === undefined || outcome.reply.code === 421);
}

export class RouteBreaker {
  private readonly states = new Map<string, RouteState>();
  /** Consecutive failed probes per route: the down period doubles with each. */
  private readonly failures = new Map<string, number>();

  constructor(private readonly backoff: RouteBackoff) {}

  state(route: string, now: number): RouteState {
    const state = this.states.get(route) ?? { kind: 'unproven' };
    return state.kind === 'down' && state.until <= now ? { kind: 'unproven' } : state;
  }

  /** Routes whose messages are not to be claimed now: down, or with a probe out. */
  excluded(now: number): string[] {
    return [...this.states.keys()].filter((route) => {
      const kind = this.state(route, now).kind;
      return kind === 'down' || kind === 'probing';
    });
  }

  /** When the earliest down route may be probed again. */
  nextProbeAt(now: number): number | undefined {
    const times = [...this.states.values()].flatMap((s) => (s.kind === 'down' && s.until > now ? [s.until] : []));
    return times.length ? Math.min(...times) : undefined;
  }

  /** A message of `route` was claimed: send it, send it as the route's probe, or give it back. */
  admit(route: string, now: number): Admission {
    const kind = this.state(route, now).kind;
    if (kind === 'up') return 'send';
    if (kind === 'unproven') {
      this.states.set(route, { kind: 'probing' });
      return 'probe';
    }
    return 'hold';
  }

  /**
   * An attempt of `route` ended. Returns the change it makes, if any: `down` when this failure
   * takes the route down (the caller suspends the route's other messages), `up` when a route that
   * was not known to work turns out to (the caller lifts a suspension).
   */
  record(route: string, outcome: DeliveryOutcome, now: number): RouteChange | undefined {
    const before = this.state(route, now).kind;
    // Not tried (our own queue): proves nothing either way. A probe that was not tried leaves the
    // route unproven, so the next message probes it.
    if (outcome.notTried) {
      if (before === 'probing') this.states.set(route, { kind: 'unproven' });
      return undefined;
    }
    if (!isRouteFailure(outcome)) {
      this.states.set(route, { kind: 'up' });
      this.failures.delete(route);
      return before === 'up' ? undefined : { kind: 'up' };
    }
    if (before === 'down') return undefined; // an attempt that was already out
    const failures = (this.failures.get(route) ?? 0) + 1;
    this.failures.set(route, failures);
    // A server that said when to come back (HTTP Retry-After, Telegram's retry_after) is taken at
    // its word: a 429 with `Retry-After: 1` holds the route for a second, not for our 15 s.
    const wait = outcome.retryAfterMs ?? Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** Math.min(failures - 1, 20));
    const until = now + Math.max(0, wait);
    this.states.set(route, { kind: 'down', until, reason: outcome.detail });
    return { kind: 'down', until, reason: outcome.detail };
  }
}
