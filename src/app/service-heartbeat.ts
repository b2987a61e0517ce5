import type { HeartbeatConfig } from '../config/schema/ping.js';
import type { Clock } from '../domain/clock.js';
import { formatDuration } from '../config/duration.js';
import { liveness } from '../domain/liveness.js';
import type { Logger } from '../domain/logger.js';
import { PENDING_STATES, PRIORITY, type MessageRequest } from '../domain/message.js';
import { pingProfile, SERVICE_PING_TARGET, type PingContent } from '../domain/ping.js';
import type { DirectSender } from '../notify/faults.js';
import type { Outbox } from '../outbox/outbox.js';
import type { OutboxStore } from '../storage/ports/outbox-store.js';
import type { WatchedLoop } from './service-watchdog.js';

export interface ServiceHeartbeatDeps {
  heartbeat: HeartbeatConfig;
  /** The same loops systemd's watchdog watches (scheduler, dispatcher, database). */
  loops: readonly WatchedLoop[];
  outbox: Pick<Outbox, 'enqueue'>;
  messages: Pick<OutboxStore, 'list'>;
  /** Around the Outbox, when its database cannot be written: the `/fail` must still go out. */
  direct: DirectSender;
  escalateAfterMs: number;
  clock: Clock;
  log: Logger;
  host: string;
}

export type Health = { healthy: true } | { healthy: false; reason: string } | { healthy: 'starting' };

// Until every loop has made its first step, look this often (the first heartbeat goes out then).
const STARTING_LOOK_MS = 1_000;

/**
 * The service's heartbeat (`heartbeat:`, docs/heartbeats.md): every `every`, while the service is
 * healthy — its loops are alive (the watchdog's signals), its database answers and takes the
 * ping, no critical message is stuck past `notification.escalateAfter` — the checker hears "alive";
 * otherwise `/fail` with the reason, so the outside alerts even when mail is what broke. Silence
 * (host down, process hung, crash loop) is what the checker notices by itself.
 */
export class ServiceHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly startedAt: number;
  // The health state and since when: a state's pings share one dedupe key, so a checker that is
  // down collects one pending ping per state change, not one per beat.
  private state: { key: string; since: number } | undefined;

  constructor(private readonly d: ServiceHeartbeatDeps) {
    this.startedAt = d.clock.now();
  }

  start(): void {
    this.arm(STARTING_LOOK_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One beat: assess, then ping. Exposed for tests; never throws. */
  async beat(): Promise<Health> {
    const health = await this.assess();
    if (health.healthy === 'starting') return health;
    const now = this.d.clock.now();
    const key = health.healthy ? 'up' : `fail:${health.reason}`;
    if (this.state?.key !== key) {
      if (health.healthy) this.d.log.info(this.state ? 'heartbeat: healthy again; telling the checker' : 'heartbeat: healthy; telling the checker');
      else this.d.log.warn(`heartbeat: unhealthy (${health.reason}); telling the checker /fail`);
      this.state = { key, since: now };
    }
    const content: PingContent = health.healthy
      ? { event: 'success', body: `Vigil on ${this.d.host}: alive (pid ${process.pid})`, summary: 'alive' }
      : { event: 'fail', body: `Vigil on ${this.d.host} is unhealthy: ${health.reason}`, summary: `unhealthy: ${health.reason}` };
    const request: MessageRequest = {
      kind: health.healthy ? 'heartbeat.alive' : 'heartbeat.fail',
      severity: health.healthy ? 'info' : 'error',
      priority: PRIORITY.normal,
      profile: pingProfile(SERVICE_PING_TARGET),
      dedupeKey: `heartbeat:${health.healthy ? 'up' : 'fail'}:${this.state.since}`,
      sequence: pingProfile(SERVICE_PING_TARGET),
      from: 'vigil',
      to: [SERVICE_PING_TARGET],
      subject: `heartbeat: ${content.summary}`.slice(0, 200),
      text: '',
      ping: { target: SERVICE_PING_TARGET, content },
    };
    try {
      await this.d.outbox.enqueue(request);
    } catch (error) {
      // The database took reads but not this write: that is the unhealthiest state of all, and
      // the Outbox cannot carry the news. Straight to the checker, with the transport's deadline.
      const reason = `the database cannot be written (${(error as Error).message})`;
      this.d.log.error(`heartbeat: ${reason}; telling the checker /fail directly`);
      const fail: PingContent = { event: 'fail', body: `Vigil on ${this.d.host} is unhealthy: ${reason}`, summary: `unhealthy: ${reason}` };
      const outcome = await this.d.direct.send({ ...request, kind: 'heartbeat.fail', severity: 'error', subject: 'heartbeat: unhealthy', ping: { target: SERVICE_PING_TARGET, content: fail } }).catch((e: unknown) => ({ kind: 'temporary', detail: (e as Error).message }));
      if (outcome.kind !== 'accepted') this.d.log.error(`heartbeat: the direct /fail was not accepted: ${outcome.detail}`);
      return { healthy: false, reason };
    }
    return health;
  }

  /** Healthy, or the first reason it is not. */
  async assess(): Promise<Health> {
    const now = this.d.clock.now();
    const beats = new Map<string, number | undefined>();
    for (const loop of this.d.loops) {
      if (!loop.probe) {
        beats.set(loop.name, loop.lastBeatAt());
        continue;
      }
      try {
        await loop.probe();
        beats.set(loop.name, now);
      } catch (error) {
        return { healthy: false, reason: `the ${loop.name} does not answer (${(error as Error).message})` };
      }
    }
    const verdict = liveness(this.d.loops.map((l) => ({ name: l.name, maxSilenceMs: l.maxSilenceMs, lastBeatAt: beats.get(l.name) })), now, this.startedAt);
    if (verdict.kind === 'starting') return { healthy: 'starting' };
    if (verdict.kind === 'stalled') return { healthy: false, reason: verdict.loops.map((l) => `the ${l.name} has been silent for ${formatDuration(l.silentMs)}`).join(', ') };
    const stuck = await this.stuckCritical(now);
    return stuck ? { healthy: false, reason: stuck } : { healthy: true };
  }

  private async stuckCritical(now: number): Promise<string | undefined> {
    let overdue;
    try {
      overdue = await this.d.messages.list({ states: [...PENDING_STATES], createdBefore: now - this.d.escalateAfterMs + 1, maxPriority: PRIORITY.critical, limit: 1 });
    } catch (error) {
      return `the database does not answer (${(error as Error).message})`;
    }
    const m = overdue[0];
    if (!m) return undefined;
    const age = formatDuration(now - m.createdAt);
    return `a critical message has not been delivered for ${age} ("${m.subject}", ${m.id}, profile ${m.profile}${m.lastError ? `: ${m.lastError}` : ''})`;
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.beat()
        .catch((error: unknown) => {
          this.d.log.error('heartbeat failed', { error: (error as Error).message });
          return { healthy: false } as Health;
        })
        .then((health) => this.arm(health.healthy === 'starting' ? STARTING_LOOK_MS : this.d.heartbeat.every));
    }, ms);
    this.timer.unref();
  }
}
