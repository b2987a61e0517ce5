import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import { RefusalPacing } from '../domain/refusal-pacing.js';
import { PassLoop } from '../platform/pass-loop.js';
import { LEADER_LEASE, type LeaderLease } from '../storage/ports/leader-lease.js';

/**
 * A lease that cannot be read is said again after this long. The outage itself is the database
 * alert's to tell (database-unreachable); a line at every look (every ttl/4) would bury the log.
 */
const SAY_AGAIN_AFTER_MS = 15 * 60_000;

export interface FleetLeaderDeps {
  leases: LeaderLease;
  /** `<host>:<pid>`: a restarted service is a new tenure. */
  owner: string;
  ttlMs: number;
  /**
   * Whether hosts share the store (PostgreSQL): only then is leading news for the log. A single
   * host (SQLite) holds the lease of its own data directory, and is no fleet's leader.
   */
  shared: boolean;
  clock: Clock;
  log: Logger;
  /** The fleet duties, run after each look that holds (or renews) the lease. */
  duties(token: number): Promise<void>;
  /** The lease was lost or given up: duties that run on their own timers (the fleet summaries) stop. */
  resigned?(): Promise<void>;
}

/**
 * One leader at a time runs the fleet duties: every service looks every ttl/4 whether it holds
 * or can take the lease; the holder renews it at each look and runs the duties. When the leader
 * dies its lease runs out within `ttlMs` and the next look of another service takes it. Duties
 * are idempotent by their own state (HostStore's compare-and-set), so a leader that lost the
 * lease mid-pass does no harm by finishing it.
 */
export class FleetLeader {
  private readonly loop: PassLoop;
  private token: number | undefined;
  /**
   * Failed reads of the lease in a row, and when each cause was last logged. Only its `warn` is
   * used: the loop keeps its own pace, and the outage is the database alert's to tell.
   */
  private readonly unreadable = new RefusalPacing({ firstDelayMs: 0, maxDelayMs: 0, remindMs: SAY_AGAIN_AFTER_MS });

  constructor(private readonly deps: FleetLeaderDeps) {
    this.loop = new PassLoop({
      clock: deps.clock,
      pollMs: Math.max(1_000, Math.floor(deps.ttlMs / 4)),
      dueTimes: () => [],
      pass: () => this.look(),
      onError: (error) => deps.log.error(`fleet leader: ${(error as Error).message}`),
    });
  }

  get isLeader(): boolean {
    return this.token !== undefined;
  }

  start(): void {
    this.loop.start(() => this.look());
  }

  /** Stops looking and gives the lease up, so another service takes it at its next look. */
  async stop(): Promise<void> {
    this.loop.stop();
    if (this.token === undefined) return;
    this.token = undefined;
    await this.resign();
    await this.deps.leases.release(LEADER_LEASE, this.deps.owner).catch((error: unknown) => this.deps.log.warn(`could not give up the fleet lease: ${(error as Error).message}`));
  }

  private async resign(): Promise<void> {
    await this.deps.resigned?.().catch((error: unknown) => this.deps.log.error(`fleet leader: stopping the duties failed: ${(error as Error).message}`));
  }

  /** One look: take or renew the lease; when held, run the duties. */
  async look(): Promise<void> {
    const { leases, owner, clock, log, ttlMs } = this.deps;
    let token: number | undefined;
    try {
      token = await leases.acquire(LEADER_LEASE, owner, clock.now(), ttlMs);
      if (this.unreadable.count > 0) log.info('fleet leader: the lease can be read again');
      this.unreadable.reset();
    } catch (error) {
      // Not knowing is not holding: stop the duties until the lease can be read again.
      token = undefined;
      const cause = (error as Error).message;
      if (this.unreadable.refused(cause, clock.now()).warn) log.warn(`fleet leader: could not take or renew the lease: ${cause}`);
    }
    const news = this.deps.shared ? log : { info: (line: string) => log.debug(line), warn: (line: string) => log.debug(line) };
    if (token === undefined) {
      if (this.token !== undefined) {
        news.warn(`no longer the fleet's leader (lease ${this.token} lost)`);
        this.token = undefined;
        await this.resign();
      }
      return;
    }
    if (this.token !== token) news.info(`leading the fleet (lease ${token}): watching the other hosts for silence, sending the fleet's summaries`);
    this.token = token;
    await this.deps.duties(token);
  }
}
